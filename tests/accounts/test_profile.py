import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.gateways import locmem
from accounts.models import ContactChange, User
from accounts.services import set_password
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .assertions import field_error, value_of
from .factories import NEW_PASSWORD, EmailDeviceFactory
from .test_sign_in import post_sign_in

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
EDIT = reverse("accounts:edit_profile")
CHANGE_EMAIL = reverse("accounts:change_contact_email")
CONFIRM_EMAIL = reverse("accounts:confirm_contact_email")
CHANGE_PHONE = reverse("accounts:change_contact_phone")
CONFIRM_PHONE = reverse("accounts:confirm_contact_phone")
CHANGE_PASSWORD = reverse("accounts:change_password")
ACTIVITY = reverse("accounts:activity")


def sent_code(text):
    return re.search(r"\b(\d{6})\b", text).group(1)


def other_code(code):
    return f"{(int(code) + 1) % 10**6:06d}"


# Viewing


def test_profile_shows_only_the_last_four_digits_of_the_ssn(signed_in_client):
    content = signed_in_client.get(PROFILE).content.decode()
    assert "***-**-6789" in content
    assert "123456789" not in content
    assert "123-45-6789" not in content


def test_profile_shows_the_date_of_birth_masked(signed_in_client):
    content = signed_in_client.get(PROFILE).content.decode()
    assert "**/**/1980" in content
    assert "04/28/1980" not in content
    assert "April 28, 1980" not in content
    assert "1980-04-28" not in content


def test_profile_without_ssn_says_not_given(client, sign_in):
    user = UserFactory(password__ssn="")
    sign_in(client, user)
    assert "Not given" in client.get(PROFILE).content.decode()


# Editing name and address


def edit_data(person, **overrides):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "street_address": person.street_address,
        "address_line_2": "",
        "city": person.city,
        "state": person.state,
        "zip_code": person.zip_code,
    }
    data.update(overrides)
    return data


def test_edit_form_starts_with_the_current_details(signed_in_client, person):
    response = signed_in_client.get(EDIT)
    assert value_of(response, "first_name") == person.first_name
    assert value_of(response, "city") == "Washington"


def test_editing_name_and_address_saves_them(signed_in_client, person):
    response = signed_in_client.post(
        EDIT,
        edit_data(person, first_name="Zoë", city="Baltimore", state="MD", zip_code="21201-1234"),
    )
    # A changed legal name is identity-proofed again (tests/roles/test_clinician_renaming.py).
    assert response.url == reverse("proofing:start")
    person.refresh_from_db()
    assert (person.first_name, person.city, person.state, person.zip_code) == (
        "Zoë",
        "Baltimore",
        "MD",
        "21201-1234",
    )


def test_editing_the_profile_is_audited_without_the_values(signed_in_client, person):
    signed_in_client.post(EDIT, edit_data(person, city="Baltimore"))
    event = AuditEvent.objects.get(actor=person, action=AuditEvent.Action.PROFILE_UPDATED)
    assert event.detail == {"fields": ["city"]}


@pytest.mark.parametrize(
    "field, value",
    [
        ("first_name", ""),
        ("first_name", "<script>alert(1)</script>"),
        ("last_name", "' OR 1=1 --"),
        ("last_name", "R" * 51),
        ("street_address", "<b>1 Main</b>"),
        ("city", "Baltimore😀"),
        ("state", "XX"),
        ("zip_code", "2120"),
        ("zip_code", "21201-12"),
    ],
)
def test_bad_profile_edit_is_refused_beside_the_field(signed_in_client, person, field, value):
    response = signed_in_client.post(
        EDIT, edit_data(person, **{"city": "Baltimore", field: value})
    )
    assert response.status_code == 200
    assert field_error(response, field)
    person.refresh_from_db()
    assert person.city == "Washington"


def test_refused_profile_edit_keeps_the_other_entered_values(signed_in_client, person):
    response = signed_in_client.post(EDIT, edit_data(person, city="Baltimore", zip_code="1"))
    assert value_of(response, "city") == "Baltimore"


def test_edit_form_offers_no_email_phone_ssn_or_date_of_birth(signed_in_client):
    content = signed_in_client.get(EDIT).content.decode()
    for name in ["email", "phone", "ssn", "date_of_birth"]:
        assert f'name="{name}"' not in content


# Changing the email address


def test_changing_email_sends_a_code_to_the_new_address(signed_in_client):
    signed_in_client.post(CHANGE_EMAIL, {"email": "new.address@example.com"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.address@example.com"]
    assert re.search(r"\b\d{6}\b", mail.outbox[0].body)


def test_changing_email_changes_nothing_until_confirmed(signed_in_client, person):
    old = person.email
    signed_in_client.post(CHANGE_EMAIL, {"email": "new.address@example.com"})
    person.refresh_from_db()
    assert person.email == old


def test_right_code_changes_the_email(signed_in_client, person):
    signed_in_client.post(CHANGE_EMAIL, {"email": "New.Address@Example.com"})
    response = signed_in_client.post(CONFIRM_EMAIL, {"code": sent_code(mail.outbox[0].body)})
    assert response.url == PROFILE
    person.refresh_from_db()
    assert person.email == "new.address@example.com"
    assert person.email_confirmed_at is not None
    assert not ContactChange.objects.filter(user=person).exists()


def test_old_address_is_told_of_an_email_change(signed_in_client, person):
    old = person.email
    signed_in_client.post(CHANGE_EMAIL, {"email": "new.address@example.com"})
    signed_in_client.post(CONFIRM_EMAIL, {"code": sent_code(mail.outbox[0].body)})
    assert mail.outbox[-1].to == [old]
    assert "was changed" in mail.outbox[-1].body


def test_email_device_follows_the_changed_address(signed_in_client, person):
    device = EmailDeviceFactory(user=person)
    signed_in_client.post(CHANGE_EMAIL, {"email": "new.address@example.com"})
    signed_in_client.post(CONFIRM_EMAIL, {"code": sent_code(mail.outbox[0].body)})
    device.refresh_from_db()
    assert device.email == "new.address@example.com"


def test_email_change_is_audited(signed_in_client, person):
    signed_in_client.post(CHANGE_EMAIL, {"email": "new.address@example.com"})
    signed_in_client.post(CONFIRM_EMAIL, {"code": sent_code(mail.outbox[0].body)})
    assert AuditEvent.objects.filter(actor=person, action=AuditEvent.Action.EMAIL_CHANGED).exists()


def test_wrong_email_code_is_refused_and_changes_nothing(signed_in_client, person):
    old = person.email
    signed_in_client.post(CHANGE_EMAIL, {"email": "new.address@example.com"})
    response = signed_in_client.post(
        CONFIRM_EMAIL, {"code": other_code(sent_code(mail.outbox[0].body))}
    )
    assert "That code is not correct" in field_error(response, "code")
    person.refresh_from_db()
    assert person.email == old


def test_expired_email_code_is_refused(signed_in_client, person):
    old = person.email
    signed_in_client.post(CHANGE_EMAIL, {"email": "new.address@example.com"})
    ContactChange.objects.filter(user=person).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = signed_in_client.post(CONFIRM_EMAIL, {"code": sent_code(mail.outbox[0].body)})
    assert "expired" in field_error(response, "code")
    person.refresh_from_db()
    assert person.email == old


def test_email_code_expires_after_ten_minutes(signed_in_client, person):
    signed_in_client.post(CHANGE_EMAIL, {"email": "new.address@example.com"})
    change = ContactChange.objects.get(user=person)
    remaining = change.expires_at - timezone.now()
    assert timedelta(minutes=9, seconds=55) < remaining <= timedelta(minutes=10)


def test_five_wrong_email_codes_end_the_change(signed_in_client, person):
    signed_in_client.post(CHANGE_EMAIL, {"email": "new.address@example.com"})
    code = sent_code(mail.outbox[0].body)
    for _ in range(5):
        signed_in_client.post(CONFIRM_EMAIL, {"code": other_code(code)})
    signed_in_client.post(CONFIRM_EMAIL, {"code": code})
    person.refresh_from_db()
    assert person.email != "new.address@example.com"


def test_malformed_new_email_is_refused(signed_in_client):
    response = signed_in_client.post(CHANGE_EMAIL, {"email": "<script>@x"})
    assert field_error(response, "email")
    assert mail.outbox == []


def test_confirm_page_without_a_pending_change_goes_to_the_profile(signed_in_client):
    assert signed_in_client.get(CONFIRM_EMAIL).url == PROFILE


# Changing the phone number


def test_changing_phone_texts_a_code_to_the_new_number(signed_in_client):
    signed_in_client.post(CHANGE_PHONE, {"phone": "(202) 555-0199"})
    assert [(m.channel, m.to) for m in locmem.outbox] == [("sms", "+12025550199")]


def test_changing_phone_changes_nothing_until_confirmed(signed_in_client, person):
    signed_in_client.post(CHANGE_PHONE, {"phone": "(202) 555-0199"})
    person.refresh_from_db()
    assert person.phone == "+12025550143"


def test_right_code_changes_the_phone(signed_in_client, person):
    signed_in_client.post(CHANGE_PHONE, {"phone": "(202) 555-0199"})
    signed_in_client.post(CONFIRM_PHONE, {"code": sent_code(locmem.outbox[0].message)})
    person.refresh_from_db()
    assert person.phone == "+12025550199"
    assert AuditEvent.objects.filter(actor=person, action=AuditEvent.Action.PHONE_CHANGED).exists()


def test_wrong_phone_code_is_refused(signed_in_client, person):
    signed_in_client.post(CHANGE_PHONE, {"phone": "(202) 555-0199"})
    response = signed_in_client.post(
        CONFIRM_PHONE, {"code": other_code(sent_code(locmem.outbox[0].message))}
    )
    assert "not correct" in field_error(response, "code")
    person.refresh_from_db()
    assert person.phone == "+12025550143"


def test_expired_phone_code_is_refused(signed_in_client, person):
    signed_in_client.post(CHANGE_PHONE, {"phone": "(202) 555-0199"})
    ContactChange.objects.filter(user=person).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = signed_in_client.post(CONFIRM_PHONE, {"code": sent_code(locmem.outbox[0].message)})
    assert "expired" in field_error(response, "code")
    person.refresh_from_db()
    assert person.phone == "+12025550143"


def test_invalid_new_phone_is_refused(signed_in_client):
    response = signed_in_client.post(CHANGE_PHONE, {"phone": "555-0199"})
    assert "valid phone number" in field_error(response, "phone")
    assert locmem.outbox == []


# Changing the password


def change(client, current, new, confirm=None):
    return client.post(
        CHANGE_PASSWORD,
        {"current_password": current, "password1": new, "password2": confirm or new},
    )


def test_change_password_needs_the_current_password(signed_in_client, person):
    response = change(signed_in_client, "Wrong.Password1", NEW_PASSWORD)
    assert "current password is not correct" in field_error(response, "current_password")
    assert User.objects.get(pk=person.pk).check_password(DEFAULT_PASSWORD)


def test_changed_password_keeps_the_person_signed_in(signed_in_client, person):
    response = change(signed_in_client, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert response.url == PROFILE
    assert User.objects.get(pk=person.pk).check_password(NEW_PASSWORD)
    assert signed_in_client.get(PROFILE).status_code == 200


def test_changed_password_is_audited_and_emailed(signed_in_client, person):
    change(signed_in_client, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        subject=person, action=AuditEvent.Action.PASSWORD_CHANGED
    ).exists()
    assert mail.outbox[-1].to == [person.email]
    assert NEW_PASSWORD not in mail.outbox[-1].body


def test_change_password_refuses_the_current_password_as_new(signed_in_client):
    response = change(signed_in_client, DEFAULT_PASSWORD, DEFAULT_PASSWORD)
    assert "You used this password recently" in field_error(response, "password1")


def test_change_password_refuses_any_of_the_last_six(client, person, sign_in):
    old = [f"Sunny.Meadow4{n}x" for n in range(5)]
    for password in old:
        set_password(user=person, password=password)
    set_password(user=person, password=NEW_PASSWORD)
    sign_in(client, person)
    response = change(client, NEW_PASSWORD, old[0])
    assert response.status_code == 200
    assert "You used this password recently" in response.content.decode()


def test_change_password_accepts_the_seventh_most_recent(client, person, sign_in):
    for n in range(6):
        set_password(user=person, password=f"Sunny.Meadow4{n}x")
    sign_in(client, person)
    response = change(client, "Sunny.Meadow45x", DEFAULT_PASSWORD)
    assert response.url == PROFILE


def test_change_password_applies_the_password_rules(signed_in_client, person):
    response = change(signed_in_client, DEFAULT_PASSWORD, f"{person.username}.Aa1xyz")
    assert "must not contain your User ID" in field_error(response, "password1")


def test_change_password_confirmation_must_match(signed_in_client):
    response = change(signed_in_client, DEFAULT_PASSWORD, NEW_PASSWORD, "Other.Password42")
    assert "do not match" in field_error(response, "password2")


def test_change_password_form_never_renders_passwords_back(signed_in_client):
    response = change(signed_in_client, DEFAULT_PASSWORD, NEW_PASSWORD, "Other.Password42")
    content = response.content.decode()
    for password in [DEFAULT_PASSWORD, NEW_PASSWORD, "Other.Password42"]:
        assert password not in content


# Security activity


def test_activity_lists_sign_ins_failures_device_and_password_changes(client, person, sign_in):
    post_sign_in(client, person.username, "Wrong.Password1")
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    sign_in(client, person)
    change(client, DEFAULT_PASSWORD, NEW_PASSWORD)
    client.post(reverse("accounts:regenerate_backup_codes"))
    content = client.get(ACTIVITY).content.decode()
    for label in ["Signed in", "Sign-in failed", "Password changed", "Backup codes generated"]:
        assert label in content


def test_activity_lists_a_device_being_added(signed_in_client, person):
    signed_in_client.post(
        reverse("accounts:two_factor_setup_phone"), {"number": "(202) 555-0143", "method": "sms"}
    )
    signed_in_client.post(
        reverse("accounts:two_factor_setup_confirm"), {"code": sent_code(locmem.outbox[0].message)}
    )
    assert "Two-factor device added" in signed_in_client.get(ACTIVITY).content.decode()


def test_activity_shows_only_this_persons_events(signed_in_client, person):
    other = UserFactory()
    AuditEvent.objects.create(action=AuditEvent.Action.PASSWORD_RESET, subject=other, actor=other)
    AuditEvent.objects.create(
        action=AuditEvent.Action.SIGN_IN_FAILED, subject=other, ip_address="192.0.2.99"
    )
    content = signed_in_client.get(ACTIVITY).content.decode()
    assert "Password reset" not in content
    assert "192.0.2.99" not in content


def test_activity_shows_the_client_address(client, person, sign_in):
    post_sign_in(client, person.username, "Wrong.Password1", address="192.0.2.44")
    sign_in(client, person)
    assert "192.0.2.44" in client.get(ACTIVITY).content.decode()
