import base64
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.gateways import locmem
from accounts.models import BackupCode, BackupCodeDevice, PhoneDevice
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .factories import EmailDeviceFactory, PhoneDeviceFactory
from .test_sign_in import code_for, with_device

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
SETUP_TOTP = reverse("accounts:two_factor_setup_totp")
SETUP_PHONE = reverse("accounts:two_factor_setup_phone")
SETUP_EMAIL = reverse("accounts:two_factor_setup_email")
SETUP_CONFIRM = reverse("accounts:two_factor_setup_confirm")
BACKUP_CODES = reverse("accounts:backup_codes")
DEVICES = reverse("accounts:devices")
DEVICE_ACTION = reverse("accounts:device_action")
VERIFY_CODE = reverse("accounts:verify_code")


@pytest.fixture
def new_client(client, person):
    """Signed in with a password only, before any two-factor device exists."""
    client.post(
        reverse("accounts:sign_in"), {"username": person.username, "password": DEFAULT_PASSWORD}
    )
    return client


def pending_totp(person):
    return TOTPDevice.objects.get(user=person, confirmed=False)


def sent_code(text):
    match = re.search(r"\b(\d{6})\b", text)
    assert match, f"no 6-digit code in {text!r}"
    return match.group(1)


def set_up_totp(client, person):
    client.get(SETUP_TOTP)
    return client.post(SETUP_TOTP, {"code": code_for(pending_totp(person))})


# Choosing a method


@pytest.mark.parametrize(
    "method, destination",
    [
        ("totp", SETUP_TOTP),
        ("email", SETUP_EMAIL),
        ("sms", f"{SETUP_PHONE}?method=sms"),
        ("voice", f"{SETUP_PHONE}?method=voice"),
    ],
)
def test_choosing_a_method_leads_to_its_setup(new_client, method, destination):
    response = new_client.post(SETUP, {"method": method})
    assert response.url == destination


def test_choosing_no_method_is_refused_beside_the_field(new_client):
    response = new_client.post(SETUP, {})
    assert response.status_code == 200
    assert 'id="id_method_error"' in response.content.decode()


# Authenticator app (TOTP)


def test_totp_setup_shows_a_qr_code(new_client):
    response = new_client.get(SETUP_TOTP)
    assert "<svg" in response.content.decode()


def test_totp_setup_shows_the_secret_for_manual_entry(new_client, person):
    response = new_client.get(SETUP_TOTP)
    secret = base64.b32encode(pending_totp(person).bin_key).decode()
    assert f'data-secret="{secret}"' in response.content.decode()


def test_totp_setup_keeps_the_same_secret_when_the_page_is_reloaded(new_client, person):
    new_client.get(SETUP_TOTP)
    first = pending_totp(person).key
    new_client.get(SETUP_TOTP)
    assert pending_totp(person).key == first


def test_code_computed_from_the_secret_confirms_the_app(new_client, person):
    response = set_up_totp(new_client, person)
    assert response.url == BACKUP_CODES
    device = TOTPDevice.objects.get(user=person)
    assert device.confirmed
    person.refresh_from_db()
    assert person.default_device == device.persistent_id


def test_first_device_signs_the_session_in_with_it(new_client, person):
    set_up_totp(new_client, person)
    assert new_client.get(reverse("accounts:profile")).status_code == 200


def test_wrong_totp_code_does_not_confirm_the_app(new_client, person):
    new_client.get(SETUP_TOTP)
    device = pending_totp(person)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = new_client.post(SETUP_TOTP, {"code": wrong})
    assert "not correct" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_device_added_is_audited(new_client, person):
    set_up_totp(new_client, person)
    assert AuditEvent.objects.filter(actor=person, action=AuditEvent.Action.DEVICE_ADDED).exists()


# Backup codes


def backup_codes_shown(client, person):
    set_up_totp(client, person)
    content = client.get(BACKUP_CODES).content.decode()
    return re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", content)


def test_first_device_comes_with_ten_backup_codes(new_client, person):
    codes = backup_codes_shown(new_client, person)
    assert len(codes) == settings.BACKUP_CODE_COUNT == 10
    assert len(set(codes)) == 10


def test_backup_codes_are_shown_only_once(new_client, person):
    backup_codes_shown(new_client, person)
    response = new_client.get(BACKUP_CODES)
    assert response.status_code == 302
    assert response.url == DEVICES


def test_backup_codes_are_stored_hashed(new_client, person):
    codes = backup_codes_shown(new_client, person)
    stored = list(BackupCode.objects.filter(device__user=person).values_list("digest", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
        assert not any(code.replace("-", "") in digest for digest in stored)


def sign_in_with_password(client, person):
    client.post(reverse("accounts:sign_out"))
    client.post(
        reverse("accounts:sign_in"), {"username": person.username, "password": DEFAULT_PASSWORD}
    )


def use_backup_code(client, person, code):
    backup = BackupCodeDevice.objects.get(user=person)
    return client.post(VERIFY_CODE, {"code": code, "device": backup.persistent_id})


def test_backup_code_signs_in(new_client, person):
    codes = backup_codes_shown(new_client, person)
    sign_in_with_password(new_client, person)
    response = use_backup_code(new_client, person, codes[0])
    assert response.url == reverse("accounts:home")
    assert new_client.get(reverse("accounts:profile")).status_code == 200


def test_backup_code_works_only_once(new_client, person):
    codes = backup_codes_shown(new_client, person)
    sign_in_with_password(new_client, person)
    use_backup_code(new_client, person, codes[0])
    sign_in_with_password(new_client, person)
    BackupCodeDevice.objects.filter(user=person).update(throttling_failure_count=0)
    response = use_backup_code(new_client, person, codes[0])
    assert "not correct" in response.content.decode()
    assert BackupCodeDevice.objects.get(user=person).remaining_count == 9


def test_backup_code_is_accepted_in_upper_case_without_the_hyphen(new_client, person):
    codes = backup_codes_shown(new_client, person)
    sign_in_with_password(new_client, person)
    response = use_backup_code(new_client, person, codes[1].replace("-", "").upper())
    assert response.url == reverse("accounts:home")


def test_new_backup_codes_replace_the_old_ones(signed_in_client, person):
    signed_in_client.post(reverse("accounts:regenerate_backup_codes"))
    first = re.findall(
        r"<li>([a-z0-9-]{11})</li>", signed_in_client.get(BACKUP_CODES).content.decode()
    )
    signed_in_client.post(reverse("accounts:regenerate_backup_codes"))
    device = BackupCodeDevice.objects.get(user=person)
    assert device.remaining_count == 10
    assert not device.verify_token(first[0])


def test_wrong_backup_code_throttles_the_backup_codes(signed_in_client, person):
    signed_in_client.post(reverse("accounts:regenerate_backup_codes"))
    device = BackupCodeDevice.objects.get(user=person)
    assert not device.verify_token("aaaaa-aaaaa")
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


# Text message and voice call


def test_sms_setup_sends_a_text_through_the_gateway(new_client):
    new_client.post(SETUP_PHONE, {"number": "(202) 555-0143", "method": "sms"})
    assert len(locmem.outbox) == 1
    message = locmem.outbox[0]
    assert (message.channel, message.to) == ("sms", "+12025550143")
    assert re.search(r"\b\d{6}\b", message.message)


def test_voice_setup_places_a_call_through_the_gateway(new_client):
    new_client.post(SETUP_PHONE, {"number": "202-555-0199", "method": "voice"})
    assert [(m.channel, m.to) for m in locmem.outbox] == [("voice", "+12025550199")]


def test_sent_code_confirms_the_phone(new_client, person):
    new_client.post(SETUP_PHONE, {"number": "(202) 555-0143", "method": "sms"})
    response = new_client.post(SETUP_CONFIRM, {"code": sent_code(locmem.outbox[0].message)})
    assert response.url == BACKUP_CODES
    device = PhoneDevice.objects.get(user=person)
    assert device.confirmed and device.method == "sms"


def test_invalid_phone_for_a_device_is_refused(new_client):
    response = new_client.post(SETUP_PHONE, {"number": "555-0143", "method": "sms"})
    assert 'id="id_number_error"' in response.content.decode()
    assert locmem.outbox == []


def test_wrong_sent_code_does_not_confirm_the_phone(new_client, person):
    new_client.post(SETUP_PHONE, {"number": "(202) 555-0143", "method": "sms"})
    code = sent_code(locmem.outbox[0].message)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = new_client.post(SETUP_CONFIRM, {"code": wrong})
    assert "not correct" in response.content.decode()
    assert not PhoneDevice.objects.get(user=person).confirmed


def test_sent_codes_are_six_digits(new_client, person):
    new_client.post(SETUP_PHONE, {"number": "(202) 555-0143", "method": "sms"})
    token = PhoneDevice.objects.get(user=person).token
    assert re.fullmatch(r"\d{6}", token)


def test_sent_code_is_valid_for_ten_minutes(new_client, person):
    new_client.post(SETUP_PHONE, {"number": "(202) 555-0143", "method": "sms"})
    device = PhoneDevice.objects.get(user=person)
    remaining = device.valid_until - timezone.now()
    assert timedelta(minutes=9, seconds=55) < remaining <= timedelta(minutes=10)


def test_sent_code_is_refused_after_ten_minutes(new_client, person):
    new_client.post(SETUP_PHONE, {"number": "(202) 555-0143", "method": "sms"})
    code = sent_code(locmem.outbox[0].message)
    later = timezone.now() + timedelta(minutes=10, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = new_client.post(SETUP_CONFIRM, {"code": code})
    assert "not correct or has expired" in response.content.decode()
    assert not PhoneDevice.objects.get(user=person).confirmed


def test_resending_at_once_is_refused_with_a_cooldown_message(new_client):
    new_client.post(SETUP_PHONE, {"number": "(202) 555-0143", "method": "sms"})
    response = new_client.post(SETUP_CONFIRM, {"action": "resend"}, follow=True)
    assert "Wait a minute" in response.content.decode()
    assert len(locmem.outbox) == 1


def test_resending_after_the_cooldown_sends_a_new_code(new_client, person):
    new_client.post(SETUP_PHONE, {"number": "(202) 555-0143", "method": "sms"})
    later = timezone.now() + timedelta(seconds=settings.OTP_EMAIL_COOLDOWN_DURATION + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        new_client.post(SETUP_CONFIRM, {"action": "resend"})
    assert len(locmem.outbox) == 2


def test_setup_confirm_without_a_pending_device_goes_back_to_setup(new_client):
    assert new_client.get(SETUP_CONFIRM).url == SETUP


# Email


def test_email_setup_sends_a_code_to_the_address_on_file(new_client, person):
    new_client.post(SETUP_EMAIL)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]
    assert re.search(r"\b\d{6}\b", mail.outbox[0].body)


def test_emailed_code_confirms_the_email_device(new_client, person):
    new_client.post(SETUP_EMAIL)
    new_client.post(SETUP_CONFIRM, {"code": sent_code(mail.outbox[0].body)})
    assert EmailDevice.objects.get(user=person).confirmed


def test_emailed_code_expires_after_ten_minutes(new_client, person):
    new_client.post(SETUP_EMAIL)
    EmailDevice.objects.filter(user=person).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    new_client.post(SETUP_CONFIRM, {"code": sent_code(mail.outbox[0].body)})
    assert not EmailDevice.objects.get(user=person).confirmed


# Signing in with a sent code


def test_sign_in_with_a_text_message_code(client, person):
    device = PhoneDeviceFactory(user=person)
    person.default_device = device.persistent_id
    person.save()
    client.post(
        reverse("accounts:sign_in"), {"username": person.username, "password": DEFAULT_PASSWORD}
    )
    client.post(VERIFY_CODE, {"action": "send", "device": device.persistent_id})
    response = client.post(VERIFY_CODE, {"code": sent_code(locmem.outbox[0].message)})
    assert response.url == reverse("accounts:home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_sign_in_code_can_come_from_another_device(client, person):
    with_device(person)
    email = EmailDeviceFactory(user=person)
    client.post(
        reverse("accounts:sign_in"), {"username": person.username, "password": DEFAULT_PASSWORD}
    )
    client.post(VERIFY_CODE, {"action": "send", "device": email.persistent_id})
    assert mail.outbox[0].to == [person.email]
    client.post(
        VERIFY_CODE, {"code": sent_code(mail.outbox[0].body), "device": email.persistent_id}
    )
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_resending_a_sign_in_code_at_once_is_refused(client, person):
    device = PhoneDeviceFactory(user=person)
    client.post(
        reverse("accounts:sign_in"), {"username": person.username, "password": DEFAULT_PASSWORD}
    )
    client.post(VERIFY_CODE, {"action": "send", "device": device.persistent_id})
    response = client.post(
        VERIFY_CODE, {"action": "send", "device": device.persistent_id}, follow=True
    )
    assert "Wait a minute" in response.content.decode()
    assert len(locmem.outbox) == 1


def test_wrong_text_code_throttles_the_phone_once(client, person):
    device = PhoneDeviceFactory(user=person)
    client.post(
        reverse("accounts:sign_in"), {"username": person.username, "password": DEFAULT_PASSWORD}
    )
    client.post(VERIFY_CODE, {"action": "send", "device": device.persistent_id})
    code = sent_code(locmem.outbox[0].message)
    client.post(VERIFY_CODE, {"code": f"{(int(code) + 1) % 10**6:06d}"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


# Managing several devices


def test_person_may_have_several_devices_listed(signed_in_client, person):
    PhoneDeviceFactory(user=person)
    EmailDeviceFactory(user=person)
    content = signed_in_client.get(DEVICES).content.decode()
    assert "Authenticator app" in content
    assert "Text message to (***) ***-0143" in content
    assert "Email to p***@example.com" in content


def test_one_device_is_the_default(signed_in_client, person):
    PhoneDeviceFactory(user=person)
    content = signed_in_client.get(DEVICES).content.decode()
    assert content.count('<span class="usa-tag">Default</span>') == 1


def test_changing_the_default_device(signed_in_client, person):
    phone = PhoneDeviceFactory(user=person)
    signed_in_client.post(DEVICE_ACTION, {"device": phone.persistent_id, "action": "default"})
    person.refresh_from_db()
    assert person.default_device == phone.persistent_id
    assert AuditEvent.objects.filter(
        actor=person, action=AuditEvent.Action.DEFAULT_DEVICE_CHANGED
    ).exists()


def test_the_last_device_cannot_be_removed(signed_in_client, person):
    device = TOTPDevice.objects.get(user=person)
    response = signed_in_client.post(
        DEVICE_ACTION, {"device": device.persistent_id, "action": "remove"}, follow=True
    )
    assert "cannot remove your only two-factor device" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_backup_codes_do_not_count_as_a_second_device(signed_in_client, person):
    signed_in_client.post(reverse("accounts:regenerate_backup_codes"))
    device = TOTPDevice.objects.get(user=person)
    signed_in_client.post(DEVICE_ACTION, {"device": device.persistent_id, "action": "remove"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_device_that_is_not_the_last_can_be_removed(signed_in_client, person):
    phone = PhoneDeviceFactory(user=person)
    response = signed_in_client.post(
        DEVICE_ACTION, {"device": phone.persistent_id, "action": "remove"}, follow=True
    )
    assert "The device is removed." in response.content.decode()
    assert not PhoneDevice.objects.filter(pk=phone.pk).exists()
    assert AuditEvent.objects.filter(
        actor=person, action=AuditEvent.Action.DEVICE_REMOVED
    ).exists()


def test_removing_the_default_device_makes_another_the_default(signed_in_client, person):
    phone = PhoneDeviceFactory(user=person)
    totp = TOTPDevice.objects.get(user=person)
    signed_in_client.post(DEVICE_ACTION, {"device": totp.persistent_id, "action": "remove"})
    person.refresh_from_db()
    assert person.default_device == phone.persistent_id


def test_adding_a_second_device_keeps_the_first_as_default(signed_in_client, person):
    first = person.default_device
    signed_in_client.post(reverse("accounts:regenerate_backup_codes"))
    signed_in_client.post(SETUP_PHONE, {"number": "(202) 555-0143", "method": "sms"})
    response = signed_in_client.post(SETUP_CONFIRM, {"code": sent_code(locmem.outbox[0].message)})
    assert response.url == DEVICES
    person.refresh_from_db()
    assert person.default_device == first


@pytest.mark.parametrize("action", ["remove", "default"])
def test_another_persons_device_cannot_be_acted_on(signed_in_client, person, action):
    other = UserFactory()
    theirs = PhoneDeviceFactory(user=other)
    PhoneDeviceFactory(user=other)
    other.default_device = theirs.persistent_id
    other.save()
    response = signed_in_client.post(
        DEVICE_ACTION, {"device": theirs.persistent_id, "action": action}, follow=True
    )
    assert "That device was not found." in response.content.decode()
    assert PhoneDevice.objects.filter(pk=theirs.pk).exists()
    person.refresh_from_db()
    assert person.default_device != theirs.persistent_id


def test_another_persons_device_cannot_be_used_to_sign_in(client, person):
    with_device(person)
    other_device = with_device(UserFactory())
    client.post(
        reverse("accounts:sign_in"), {"username": person.username, "password": DEFAULT_PASSWORD}
    )
    client.post(
        VERIFY_CODE, {"code": code_for(other_device), "device": other_device.persistent_id}
    )
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_unknown_device_action_is_refused(signed_in_client, person):
    device = TOTPDevice.objects.get(user=person)
    response = signed_in_client.post(
        DEVICE_ACTION, {"device": device.persistent_id, "action": "explode"}, follow=True
    )
    assert "That device was not found." in response.content.decode()


def test_device_action_needs_a_post(signed_in_client):
    assert signed_in_client.get(DEVICE_ACTION).status_code == 405
