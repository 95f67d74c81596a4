"""The help desk verifies a caller, then unlocks, resets, reactivates or resends for them;
each change is the accounts service's, audited with who and why, and refused without a
current caller verification."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import User
from audit.models import AuditEvent
from helpdesk.models import CallerCheck
from tests.factories import TOTPDeviceFactory

from .conftest import expire, identity

pytestmark = pytest.mark.django_db


def act(client, person, action, reason="Caller asked on the phone"):
    return client.post(
        reverse("helpdesk:person_action", args=[person.pk, action]), {"reason": reason}
    )


def lock_sign_in(person):
    return AccessAttempt.objects.create(
        username=person.username.lower(),
        ip_address="203.0.113.9",
        user_agent="test",
        http_accept="*/*",
        path_info="/signin/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )


def assert_audited(action, person, help_desk, check, reason="Caller asked on the phone"):
    event = AuditEvent.objects.get(action=action, subject=person)
    assert event.actor == help_desk
    assert event.detail["reason"] == reason
    assert event.detail["verification"] == check.pk
    return event


# --- Verifying the caller ------------------------------------------------------------------


def test_verifying_the_caller_records_a_check_and_audits_it(desk, help_desk, caller):
    response = desk.post(reverse("helpdesk:verify_caller", args=[caller.pk]), identity())
    assert response.status_code == 302
    check = CallerCheck.objects.get()
    assert (check.person, check.help_desk_user, check.ssn_digits) == (caller, help_desk, 4)
    event = AuditEvent.objects.get(action=AuditEvent.Action.HELP_DESK_CALLER_CHECKED)
    assert (event.actor, event.subject, event.detail) == (
        help_desk,
        caller,
        {"verification": check.pk},
    )


def test_a_full_ssn_is_checked_against_the_digest(desk, caller):
    response = desk.post(
        reverse("helpdesk:verify_caller", args=[caller.pk]), identity(ssn="123-45-6789")
    )
    assert response.status_code == 302
    assert CallerCheck.objects.get().ssn_digits == 9


@pytest.mark.parametrize(
    "field, wrong, message",
    [
        ("first_name", "Gracie", "not the first name"),
        ("email", "other@example.com", "not the email address"),
        ("date_of_birth", "04/29/1980", "not the date of birth"),
        ("ssn", "1111", "does not match the Social Security Number"),
        ("ssn", "987-65-6789", "does not match the Social Security Number"),
        ("street_address", "13 Elm Street", "not the home address"),
        ("zip_code", "62702", "not the ZIP code"),
        ("phone", "(217) 555-0100", "not the phone number"),
    ],
)
def test_a_detail_that_does_not_match_is_refused_beside_its_field(
    desk, caller, field, wrong, message
):
    response = desk.post(
        reverse("helpdesk:verify_caller", args=[caller.pk]), identity(**{field: wrong})
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'value="12 Elm Street"' in html or field == "street_address"
    assert "6789" not in html  # the SSN is never shown back
    assert not CallerCheck.objects.exists()


def test_names_and_addresses_match_ignoring_case_and_spaces(desk, caller):
    response = desk.post(
        reverse("helpdesk:verify_caller", args=[caller.pk]),
        identity(first_name=" grace ", street_address="12  ELM street"),
    )
    assert response.status_code == 302


@pytest.mark.parametrize("action", ["unlock-sign-in", "unlock-codes", "reset-two-factor"])
def test_an_action_is_refused_without_a_caller_verification(desk, caller, action):
    lock_sign_in(caller)
    TOTPDeviceFactory(user=caller)
    User.objects.filter(pk=caller.pk).update(
        codes_locked_until=timezone.now() + timedelta(minutes=30)
    )
    response = act(desk, caller, action)
    assert response.url == reverse("helpdesk:verify_caller", args=[caller.pk])
    assert AccessAttempt.objects.exists()
    assert account_selectors.two_factor_devices(caller)
    caller.refresh_from_db()
    assert caller.codes_locked_until is not None
    assert not AuditEvent.objects.filter(subject=caller, actor__username="helpdesk01").exists()


def test_a_verification_lasts_one_call_only(desk, caller, verified):
    lock_sign_in(caller)
    expire(verified)
    response = act(desk, caller, "unlock-sign-in")
    assert response.url == reverse("helpdesk:verify_caller", args=[caller.pk])
    assert AccessAttempt.objects.exists()


def test_another_help_desk_persons_verification_does_not_count(
    as_user, caller, verified, help_desk
):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    colleague = UserFactory(username="helpdesk02")
    colleague.user_permissions.add(Permission.objects.get(codename="help_desk"))
    lock_sign_in(caller)
    act(as_user(colleague), caller, "unlock-sign-in")
    assert AccessAttempt.objects.exists()


def test_an_action_needs_a_reason(desk, caller, verified):
    lock_sign_in(caller)
    response = act(desk, caller, "unlock-sign-in", reason="")
    assert AccessAttempt.objects.exists()
    page = desk.get(response.url)
    assert "Give the reason for this change." in page.content.decode()


# --- The actions -----------------------------------------------------------------------------


def test_unlocking_sign_in_clears_the_lockout_of_that_user_id(desk, help_desk, caller, verified):
    lock_sign_in(caller)
    assert account_selectors.sign_in_lockouts(caller)[0].is_locked
    page = desk.get(reverse("helpdesk:person", args=[caller.pk])).content.decode()
    assert "Locked" in page and "Unlock sign-in" in page
    response = act(desk, caller, "unlock-sign-in")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="grace.hopper").exists()
    assert_audited(AuditEvent.Action.SIGN_IN_UNLOCKED, caller, help_desk, verified)


def test_unlocking_code_entry_clears_the_count_and_the_lock(desk, help_desk, caller, verified):
    device = TOTPDeviceFactory(user=caller, throttling_failure_count=4)
    User.objects.filter(pk=caller.pk).update(
        code_failures=3, codes_locked_until=timezone.now() + timedelta(minutes=30)
    )
    act(desk, caller, "unlock-codes")
    caller.refresh_from_db()
    device.refresh_from_db()
    assert (caller.code_failures, caller.codes_locked_until) == (0, None)
    assert device.throttling_failure_count == 0
    assert_audited(AuditEvent.Action.CODES_UNLOCKED, caller, help_desk, verified)


def test_resetting_two_factor_removes_every_device_and_sends_setup_next(
    desk, help_desk, caller, verified, outbox
):
    TOTPDeviceFactory(user=caller, name="Okta Verify")
    from accounts.models import BackupCodeDevice

    BackupCodeDevice.objects.create(user=caller, name="Backup codes", confirmed=True)
    act(desk, caller, "reset-two-factor")
    caller.refresh_from_db()
    assert account_selectors.two_factor_devices(caller) == []
    assert not BackupCodeDevice.objects.filter(user=caller).exists()
    assert account_selectors.setup_stage(caller) == "two_factor_setup"
    event = assert_audited(AuditEvent.Action.TWO_FACTOR_RESET, caller, help_desk, verified)
    assert event.detail["devices"] == ["Authenticator app (Okta Verify)", "Backup code"]
    assert outbox()[-1].to == ["grace@example.com"]


def test_a_person_whose_devices_were_reset_sets_up_a_new_one_at_sign_in(
    client, caller, desk, verified
):
    TOTPDeviceFactory(user=caller)
    act(desk, caller, "reset-two-factor")
    client.force_login(caller)
    response = client.get(reverse("accounts:home"))
    assert response.url == reverse("accounts:two_factor_setup")


def test_reactivating_a_dormant_account(desk, help_desk, caller, verified):
    User.objects.filter(pk=caller.pk).update(
        is_active=False, last_login=timezone.now() - timedelta(days=90)
    )
    act(desk, caller, "reactivate")
    caller.refresh_from_db()
    assert caller.is_active
    assert caller.last_login > timezone.now() - timedelta(minutes=1)
    assert_audited(AuditEvent.Action.ACCOUNT_REACTIVATED, caller, help_desk, verified)


def test_reactivating_an_active_account_is_refused(desk, caller, verified):
    response = act(desk, caller, "reactivate")
    page = desk.get(response.url).content.decode()
    assert "This account is active already." in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_REACTIVATED).exists()


def test_resending_the_confirmation_email(desk, help_desk, caller, verified, outbox):
    User.objects.filter(pk=caller.pk).update(email_confirmed_at=None)
    act(desk, caller, "resend-confirmation")
    message = outbox()[-1]
    assert message.to == ["grace@example.com"]
    assert "/confirm" in message.body or "confirm" in message.body.lower()
    assert_audited(AuditEvent.Action.CONFIRMATION_RESENT, caller, help_desk, verified)


def test_the_person_page_shows_devices_without_secrets(desk, caller):
    device = TOTPDeviceFactory(user=caller, name="Google Authenticator")
    page = desk.get(reverse("helpdesk:person", args=[caller.pk])).content.decode()
    assert "Authenticator app (Google Authenticator)" in page
    assert device.key not in page
