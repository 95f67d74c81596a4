"""Changing how a person signs in (a new authenticator, new backup codes, removing a device,
a new email or phone) needs the password within the last few minutes; the confirmation page
returns to where the person was, keeping what they typed; the person is emailed each time."""

import time

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.gateways import locmem
from accounts.models import ContactChange
from accounts.reauthentication import REAUTHENTICATED_AT_KEY
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

from .factories import EmailDeviceFactory, PhoneDeviceFactory

pytestmark = pytest.mark.django_db

CONFIRM = reverse("accounts:confirm_identity")


@pytest.fixture
def stale_client(signed_in_client, settings):
    """Signed in, second factor proved, but the password was confirmed long ago."""
    session = signed_in_client.session
    session[REAUTHENTICATED_AT_KEY] = (
        time.time() - settings.REAUTHENTICATION_WINDOW.total_seconds() - 1
    )
    session.save()
    return signed_in_client


def confirm(client, next_url, password=DEFAULT_PASSWORD):
    return client.post(CONFIRM, {"password": password, "next": next_url})


@pytest.mark.parametrize(
    "name",
    [
        "accounts:two_factor_setup",
        "accounts:two_factor_setup_totp",
        "accounts:two_factor_setup_phone",
        "accounts:two_factor_setup_email",
        "accounts:change_contact_email",
        "accounts:change_contact_phone",
    ],
)
def test_factor_and_contact_pages_ask_for_the_password_first(stale_client, name):
    url = reverse(name)
    response = stale_client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(CONFIRM)
    assert "next=" in response.url


def test_authenticator_secret_is_not_shown_nor_made_before_the_password(stale_client, person):
    stale_client.get(reverse("accounts:two_factor_setup_totp"))
    assert not TOTPDevice.objects.filter(user=person, confirmed=False).exists()


def test_regenerating_backup_codes_needs_the_password(stale_client, person):
    response = stale_client.post(reverse("accounts:regenerate_backup_codes"))
    assert response.url.startswith(CONFIRM)
    assert not AuditEvent.objects.filter(action="account.backup_codes_generated").exists()


def test_removing_a_device_needs_the_password(stale_client, person):
    phone = PhoneDeviceFactory(user=person)
    response = stale_client.post(
        reverse("accounts:device_action"), {"device": phone.persistent_id, "action": "remove"}
    )
    assert response.url.startswith(CONFIRM)
    assert person.phonedevice_set.filter(pk=phone.pk).exists()


def test_the_right_password_returns_to_the_page(stale_client):
    url = reverse("accounts:change_contact_phone")
    response = confirm(stale_client, url)
    assert response.url == url
    assert stale_client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="account.reauthenticated").exists()


def test_what_was_typed_is_kept_and_posted_again_after_the_password(stale_client, person):
    url = reverse("accounts:change_contact_phone")
    stale_client.post(url, {"phone": "(202) 555-0177"})
    assert not ContactChange.objects.filter(user=person).exists()
    page = confirm(stale_client, url)
    assert page.status_code == 200
    content = page.content.decode()
    assert f'action="{url}"' in content
    assert 'value="(202) 555-0177"' in content
    # Continue posts it again, now within the window.
    response = stale_client.post(url, {"phone": "(202) 555-0177"})
    assert response.url == reverse("accounts:confirm_contact_phone")
    assert ContactChange.objects.get(user=person).new_value == "+12025550177"


def test_a_wrong_password_is_refused_beside_the_field(stale_client):
    url = reverse("accounts:two_factor_setup")
    response = confirm(stale_client, url, password="Wrong.Password1")
    assert response.status_code == 200
    assert "That password is not correct." in response.content.decode()
    assert stale_client.get(url).url.startswith(CONFIRM)


def test_repeated_wrong_passwords_sign_the_person_out(stale_client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = confirm(stale_client, reverse("accounts:devices"), password="Wrong.Password1")
    assert response.url == reverse("accounts:sign_in")
    assert "_auth_user_id" not in stale_client.session


def test_next_leading_off_site_is_ignored(stale_client):
    response = confirm(stale_client, "https://evil.example/")
    assert response.url == reverse("accounts:profile")


def test_the_very_first_device_at_registration_needs_no_new_password(client, person):
    from django.contrib.auth import BACKEND_SESSION_KEY  # noqa: F401

    client.force_login(person, backend="accounts.backends.AccountBackend")
    assert client.get(reverse("accounts:two_factor_setup_totp")).status_code == 200


# Notices


def test_regenerated_backup_codes_are_emailed_about(signed_in_client, person):
    signed_in_client.post(reverse("accounts:regenerate_backup_codes"))
    assert any(m.to == [person.email] and "backup codes" in m.body for m in mail.outbox)


def test_a_removed_device_is_emailed_about(signed_in_client, person):
    phone = PhoneDeviceFactory(user=person)
    signed_in_client.post(
        reverse("accounts:device_action"), {"device": phone.persistent_id, "action": "remove"}
    )
    assert any(m.to == [person.email] and "was removed" in m.body for m in mail.outbox)


def test_an_added_device_is_emailed_about(signed_in_client, person):
    signed_in_client.post(reverse("accounts:two_factor_setup_email"))
    code = next(m for m in mail.outbox if "security code" in m.subject.lower()).body
    code = "".join(ch for ch in code if ch.isdigit())[:6]
    mail.outbox.clear()
    signed_in_client.post(reverse("accounts:two_factor_setup_confirm"), {"code": code})
    assert any(m.to == [person.email] and "was added" in m.body for m in mail.outbox)


def test_a_changed_phone_is_emailed_about(signed_in_client, person):
    signed_in_client.post(reverse("accounts:change_contact_phone"), {"phone": "(202) 555-0177"})
    code = "".join(ch for ch in locmem.outbox[-1].message if ch.isdigit())[:6]
    signed_in_client.post(reverse("accounts:confirm_contact_phone"), {"code": code})
    assert any(m.to == [person.email] and "phone number" in m.body for m in mail.outbox)


def test_a_changed_email_is_told_to_the_new_and_the_old_address(signed_in_client, person):
    old = person.email
    signed_in_client.post(reverse("accounts:change_contact_email"), {"email": "new@example.com"})
    code = "".join(ch for ch in mail.outbox[-1].body if ch.isdigit())[:6]
    mail.outbox.clear()
    signed_in_client.post(reverse("accounts:confirm_contact_email"), {"code": code})
    recipients = [m.to for m in mail.outbox]
    assert ["new@example.com"] in recipients
    assert [old] in recipients


def test_unused_factories_are_importable():
    assert EmailDeviceFactory is not None
