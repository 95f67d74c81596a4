import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from accounts.forms import LOGIN_FAILED
from accounts.middleware import LAST_ACTIVITY_KEY, SESSION_STARTED_KEY
from accounts.models import User
from accounts.services import set_password
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign_in")
VERIFY_CODE = reverse("accounts:verify_code")
LOCK_MESSAGE = "Your account is locked because of too many failed sign-in attempts"
DEACTIVATED = "Your account is deactivated because it was not used for 60 days"


def post_sign_in(client, username, password, address="203.0.113.7"):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def code_for(device, offset=0):
    """The code an authenticator app shows now (``offset`` steps later)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0 - offset * device.step)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device):
    valid = {code_for(device, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def with_device(user):
    device = TOTPDeviceFactory(user=user)
    user.default_device = device.persistent_id
    user.save(update_fields=["default_device"])
    return device


def session_user_id(client):
    return client.session.get("_auth_user_id")


# Failure text and enumeration


def test_unknown_user_gets_the_login_failed_text(client):
    response = post_sign_in(client, "nobody99", DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert LOGIN_FAILED in response.content.decode()


def test_wrong_password_gets_the_login_failed_text(client, person):
    response = post_sign_in(client, person.username, "Wrong.Password1")
    assert LOGIN_FAILED in response.content.decode()
    assert session_user_id(client) is None


def test_failure_text_is_shown_in_the_error_summary(client):
    response = post_sign_in(client, "nobody99", DEFAULT_PASSWORD)
    summary = re.search(r'id="error-summary".*?</div>\s*</div>', response.content.decode(), re.S)
    assert summary and LOGIN_FAILED in summary.group(0)


@pytest.mark.parametrize("field", ["username", "password"])
def test_empty_sign_in_field_is_required(client, field):
    data = {"username": "someone1", "password": DEFAULT_PASSWORD, field: ""}
    response = client.post(SIGN_IN, data)
    label = {"username": "user ID", "password": "password"}[field]
    assert f"Enter {label}." in response.content.decode()
    assert LOGIN_FAILED not in response.content.decode()


def normalised_page(response, username):
    content = response.content.decode()
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)
    return content.replace(username, "USERNAME")


def test_unknown_and_known_user_get_the_same_page(client, person):
    unknown = post_sign_in(client, "nobody99", "Wrong.Password1", address="203.0.113.8")
    known = post_sign_in(client, person.username, "Wrong.Password1", address="203.0.113.9")
    assert unknown.status_code == known.status_code
    assert normalised_page(unknown, "nobody99") == normalised_page(known, person.username)


def test_failed_sign_in_is_audited_against_the_account(client, person):
    post_sign_in(client, person.username, "Wrong.Password1")
    assert AuditEvent.objects.filter(
        subject=person, action=AuditEvent.Action.SIGN_IN_FAILED
    ).exists()


def test_failed_sign_in_for_unknown_user_does_not_store_the_typed_user_id(client):
    post_sign_in(client, "my.Secret.Pass1", "x")
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.subject is None
    assert "my.Secret.Pass1" not in str(event.detail)


# Lockout (django-axes)


def fail(client, username, times, address="203.0.113.7"):
    for _ in range(times):
        post_sign_in(client, username, "Wrong.Password1", address=address)


def test_five_failures_for_one_user_id_lock_it_even_from_other_addresses(client, person):
    for n in range(settings.AXES_FAILURE_LIMIT):
        post_sign_in(client, person.username, "Wrong.Password1", address=f"198.51.100.{n}")
    response = post_sign_in(client, person.username, DEFAULT_PASSWORD, address="198.51.100.200")
    assert response.status_code == 429
    assert LOCK_MESSAGE in response.content.decode()
    assert session_user_id(client) is None


def test_five_failures_from_one_address_do_not_lock_another_person_behind_it(client, person):
    # Addresses are slowed down at a higher limit (tests/accounts/test_sign_in_address_throttle.py).
    for n in range(settings.AXES_FAILURE_LIMIT):
        post_sign_in(client, f"nobody{n:02d}", "Wrong.Password1", address="198.51.100.50")
    response = post_sign_in(client, person.username, DEFAULT_PASSWORD, address="198.51.100.50")
    assert response.status_code == 302


def test_lock_on_one_address_does_not_lock_another_person_elsewhere(client, person):
    fail(client, "nobody01", settings.AXES_FAILURE_LIMIT, address="198.51.100.50")
    response = post_sign_in(client, person.username, DEFAULT_PASSWORD, address="198.51.100.51")
    assert response.status_code == 302


def test_four_failures_do_not_lock(client, person):
    fail(client, person.username, settings.AXES_FAILURE_LIMIT - 1)
    response = post_sign_in(client, person.username, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert session_user_id(client) == str(person.pk)


def test_success_resets_the_failure_count(client, person):
    fail(client, person.username, settings.AXES_FAILURE_LIMIT - 1)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    client.post(reverse("accounts:sign_out"))
    fail(client, person.username, settings.AXES_FAILURE_LIMIT - 1)
    response = post_sign_in(client, person.username, DEFAULT_PASSWORD)
    assert response.status_code == 302


def test_lockout_is_audited(client, person):
    fail(client, person.username, settings.AXES_FAILURE_LIMIT)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_LOCKED).exists()


def test_lockout_settings_are_five_failures_and_thirty_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


# Success


def test_sign_in_rotates_the_session_key(client, person):
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    assert client.session.session_key != before
    assert session_user_id(client) == str(person.pk)


def test_sign_in_is_case_insensitive_for_the_user_id(client, person):
    response = post_sign_in(client, person.username.upper(), DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert session_user_id(client) == str(person.pk)


def test_sign_in_is_audited(client, person):
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    assert AuditEvent.objects.filter(
        subject=person, action=AuditEvent.Action.SIGN_IN_SUCCEEDED
    ).exists()


def test_sign_in_ignores_a_next_url_on_another_site(client, person):
    with_device(person)
    response = client.post(
        f"{SIGN_IN}?next=https://evil.example/",
        {"username": person.username, "password": DEFAULT_PASSWORD},
    )
    assert response.url == reverse("accounts:home")
    assert client.session["after_sign_in"] == ""


# Setup stages after signing in


@pytest.mark.parametrize(
    "name", ["accounts:home", "accounts:profile", "accounts:devices", "accounts:two_factor_setup"]
)
def test_unverified_identity_can_only_reach_proofing(client, name):
    user = UserFactory(unverified=True)
    post_sign_in(client, user.username, DEFAULT_PASSWORD)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == reverse("proofing:start")


def test_unverified_identity_reaches_the_proofing_start(client):
    user = UserFactory(unverified=True)
    post_sign_in(client, user.username, DEFAULT_PASSWORD)
    assert client.get(reverse("proofing:start")).status_code == 200


@pytest.mark.parametrize(
    "name", ["accounts:home", "accounts:profile", "accounts:devices", "accounts:activity"]
)
def test_verified_person_without_a_device_is_sent_to_two_factor_setup(client, person, name):
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor_setup")


def test_verified_person_without_a_device_reaches_two_factor_setup(client, person):
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    assert client.get(reverse("accounts:two_factor_setup_totp")).status_code == 200


@pytest.mark.parametrize("name", ["accounts:home", "accounts:profile", "accounts:devices"])
def test_person_with_a_device_must_enter_a_code_first(client, person, name):
    with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == VERIFY_CODE


def test_person_with_a_device_cannot_add_another_before_entering_a_code(client, person):
    with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.url == VERIFY_CODE


def test_right_code_opens_the_portal(client, person):
    device = with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    response = client.post(VERIFY_CODE, {"code": code_for(device)})
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_right_code_goes_to_the_page_asked_for_before_signing_in(client, person):
    device = with_device(person)
    profile = reverse("accounts:profile")
    client.post(
        f"{SIGN_IN}?next={profile}", {"username": person.username, "password": DEFAULT_PASSWORD}
    )
    response = client.post(VERIFY_CODE, {"code": code_for(device)})
    assert response.url == profile


def test_wrong_code_is_refused_beside_the_field(client, person):
    device = with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    response = client.post(VERIFY_CODE, {"code": wrong_code_for(device)})
    assert "not correct" in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_wrong_code_is_audited(client, person):
    device = with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    client.post(VERIFY_CODE, {"code": wrong_code_for(device)})
    assert AuditEvent.objects.filter(subject=person, action=AuditEvent.Action.CODE_FAILED).exists()


def test_code_from_a_device_is_refused_right_after_a_wrong_one(client, person):
    device = with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    client.post(VERIFY_CODE, {"code": wrong_code_for(device)})
    response = client.post(VERIFY_CODE, {"code": code_for(device)})
    assert "Wait a little" in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_one_wrong_code_throttles_the_device_once(client, person):
    device = with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    client.post(VERIFY_CODE, {"code": wrong_code_for(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_ten_wrong_codes_lock_code_entry(client, person):
    device = with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    for _ in range(settings.OTP_CODE_FAILURE_LIMIT):
        client.post(VERIFY_CODE, {"code": wrong_code_for(device)})
    person.refresh_from_db()
    assert person.codes_locked_until > timezone.now()
    assert AuditEvent.objects.filter(subject=person, action=AuditEvent.Action.CODE_LOCKED).exists()


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_right_code_is_refused_while_code_entry_is_locked(client, person):
    device = with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    for _ in range(settings.OTP_CODE_FAILURE_LIMIT):
        client.post(VERIFY_CODE, {"code": wrong_code_for(device)})
    response = client.post(VERIFY_CODE, {"code": code_for(device)})
    assert "Code entry is locked" in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_nine_wrong_codes_then_a_right_one_sign_in(client, person):
    device = with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    for _ in range(settings.OTP_CODE_FAILURE_LIMIT - 1):
        client.post(VERIFY_CODE, {"code": wrong_code_for(device)})
    client.post(VERIFY_CODE, {"code": code_for(device)})
    person.refresh_from_db()
    assert person.code_failures == 0
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_code_lock_expires(client, person):
    device = with_device(person)
    person.codes_locked_until = timezone.now() - timedelta(seconds=1)
    person.save()
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    client.post(VERIFY_CODE, {"code": code_for(device)})
    assert client.get(reverse("accounts:profile")).status_code == 200


# Signing out


def test_sign_out_says_you_have_been_logged_out(signed_in_client):
    response = signed_in_client.post(reverse("accounts:sign_out"), follow=True)
    assert "You have been logged out. Thank you" in response.content.decode()
    assert session_user_id(signed_in_client) is None


def test_sign_out_needs_a_post(signed_in_client):
    response = signed_in_client.get(reverse("accounts:sign_out"))
    assert response.status_code == 405
    assert session_user_id(signed_in_client) is not None


def test_sign_out_is_audited(signed_in_client, person):
    signed_in_client.post(reverse("accounts:sign_out"))
    assert AuditEvent.objects.filter(actor=person, action=AuditEvent.Action.SIGNED_OUT).exists()


# Session timeouts


def age_session(client, *, idle=0, total=0):
    session = client.session
    now = time.time()
    session[LAST_ACTIVITY_KEY] = now - idle
    session[SESSION_STARTED_KEY] = now - total
    session.save()


def test_session_survives_fourteen_idle_minutes(signed_in_client):
    age_session(signed_in_client, idle=14 * 60, total=14 * 60)
    assert signed_in_client.get(reverse("accounts:profile")).status_code == 200


def test_session_expires_after_fifteen_idle_minutes(signed_in_client):
    age_session(signed_in_client, idle=15 * 60 + 1, total=15 * 60 + 1)
    response = signed_in_client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?expired=1"
    assert session_user_id(signed_in_client) is None


def test_expired_session_says_why_on_the_sign_in_page(signed_in_client):
    age_session(signed_in_client, idle=16 * 60, total=16 * 60)
    response = signed_in_client.get(reverse("accounts:profile"), follow=True)
    assert "Your session expired because of inactivity" in response.content.decode()


def test_session_expires_after_twelve_hours_in_all_even_when_active(signed_in_client):
    age_session(signed_in_client, idle=10, total=12 * 3600 + 1)
    response = signed_in_client.get(reverse("accounts:profile"), follow=True)
    assert response.redirect_chain[0][0] == f"{SIGN_IN}?expired=limit"
    assert "12-hour limit" in response.content.decode()
    assert session_user_id(signed_in_client) is None


def test_session_expiry_is_audited(signed_in_client, person):
    age_session(signed_in_client, idle=16 * 60, total=16 * 60)
    signed_in_client.get(reverse("accounts:profile"))
    assert AuditEvent.objects.filter(
        subject=person, action=AuditEvent.Action.SESSION_EXPIRED
    ).exists()


def test_timeouts_are_fifteen_minutes_idle_and_twelve_hours_in_all():
    assert timedelta(minutes=15) == settings.SESSION_IDLE_TIMEOUT
    assert timedelta(hours=12) == settings.SESSION_ABSOLUTE_TIMEOUT


def test_keepalive_resets_the_idle_timer(signed_in_client):
    age_session(signed_in_client, idle=14 * 60, total=14 * 60)
    response = signed_in_client.post(reverse("accounts:keepalive"))
    assert response.json()["signedIn"] is True
    assert time.time() - signed_in_client.session[LAST_ACTIVITY_KEY] < 5


def test_keepalive_after_expiry_answers_401(signed_in_client):
    age_session(signed_in_client, idle=16 * 60, total=16 * 60)
    response = signed_in_client.post(reverse("accounts:keepalive"))
    assert response.status_code == 401
    assert response.json() == {"signedIn": False}


def test_asking_how_long_is_left_does_not_reset_the_idle_timer(signed_in_client):
    age_session(signed_in_client, idle=14 * 60, total=14 * 60)
    before = signed_in_client.session[LAST_ACTIVITY_KEY]
    response = signed_in_client.get(reverse("accounts:keepalive"))
    assert response.json()["signedIn"] is True
    assert 50 <= response.json()["idleSecondsLeft"] <= 60
    assert signed_in_client.session[LAST_ACTIVITY_KEY] == before


# Cookies


def test_base_settings_make_cookies_http_only_secure_and_same_site_lax():
    from qpp_portal.settings import base

    assert base.SESSION_COOKIE_HTTPONLY is True
    assert base.SESSION_COOKIE_SAMESITE == "Lax"
    assert base.SESSION_COOKIE_SECURE is True
    assert base.CSRF_COOKIE_SECURE is True


def test_session_cookie_is_sent_http_only_and_same_site_lax(client, person):
    response = post_sign_in(client, person.username, DEFAULT_PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@override_settings(SESSION_COOKIE_SECURE=True)
def test_session_cookie_is_secure_when_the_setting_is_on(client, person):
    response = post_sign_in(client, person.username, DEFAULT_PASSWORD)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True


# Dormancy


def dormant_person(**kwargs):
    return UserFactory(last_login=timezone.now() - timedelta(days=61), **kwargs)


def test_account_unused_for_61_days_is_deactivated_at_sign_in(client):
    user = dormant_person()
    response = post_sign_in(client, user.username, DEFAULT_PASSWORD)
    assert DEACTIVATED in response.content.decode()
    assert session_user_id(client) is None
    user.refresh_from_db()
    assert user.is_active is False


def test_deactivation_at_sign_in_is_audited(client):
    user = dormant_person()
    post_sign_in(client, user.username, DEFAULT_PASSWORD)
    assert AuditEvent.objects.filter(
        subject=user, action=AuditEvent.Action.ACCOUNT_DEACTIVATED
    ).exists()


def test_dormant_account_with_a_wrong_password_gets_the_login_failed_text(client):
    user = dormant_person()
    response = post_sign_in(client, user.username, "Wrong.Password1")
    assert LOGIN_FAILED in response.content.decode()
    assert DEACTIVATED not in response.content.decode()


def test_account_used_59_days_ago_signs_in(client):
    user = UserFactory(last_login=timezone.now() - timedelta(days=59))
    response = post_sign_in(client, user.username, DEFAULT_PASSWORD)
    assert response.status_code == 302


def test_deactivated_account_stays_refused_with_the_reactivation_message(client):
    user = UserFactory(is_active=False, deactivation_reason="dormant")
    response = post_sign_in(client, user.username, DEFAULT_PASSWORD)
    assert "Reset your password to reactivate it" in response.content.decode()


def test_deactivate_dormant_accounts_command_deactivates_unused_accounts():
    dormant = dormant_person()
    recent = UserFactory()
    call_command("deactivate_dormant_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    dormant.refresh_from_db()
    recent.refresh_from_db()
    assert dormant.is_active is False
    assert recent.is_active is True


def test_deactivate_dormant_accounts_command_reports_the_count(capsys):
    dormant_person()
    dormant_person()
    from io import StringIO

    out = StringIO()
    call_command("deactivate_dormant_accounts", stdout=out)
    assert "Deactivated 2 account(s)" in out.getvalue()


def test_deactivate_dormant_accounts_command_counts_never_used_accounts_from_joining():
    user = UserFactory(last_login=None, date_joined=timezone.now() - timedelta(days=61))
    call_command("deactivate_dormant_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    user.refresh_from_db()
    assert user.is_active is False


def test_password_reset_reactivates_a_deactivated_account(client):
    user = dormant_person(is_active=False, deactivation_reason="dormant")
    set_password(user=user, password="Fresh.Start42Now")
    response = post_sign_in(client, user.username, "Fresh.Start42Now")
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).is_active is True
