"""ASVS 3.2.1, 3.3.4, 3.4.x, 7.2.1: session keys, the list of one's sessions, audit subjects."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

from .test_sign_in import VERIFY_CODE, code_for, fail, post_sign_in, with_device

pytestmark = pytest.mark.django_db

SESSIONS = reverse("accounts:sessions")


def signed_in(client, user, device, agent="Firefox on Linux"):
    client.post(
        reverse("accounts:sign_in"),
        {"username": user.username, "password": DEFAULT_PASSWORD},
        HTTP_USER_AGENT=agent,
    )
    client.post(VERIFY_CODE, {"code": code_for(device)})
    return client


def test_session_key_is_rotated_after_the_second_factor(client, person):
    device = with_device(person)
    post_sign_in(client, person.username, DEFAULT_PASSWORD)
    after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(VERIFY_CODE, {"code": code_for(device)})
    assert response.status_code == 302
    after_code = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after_code != after_password
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_session_key_is_rotated_when_the_first_device_signs_the_session_in(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    user = UserFactory()
    post_sign_in(client, user.username, DEFAULT_PASSWORD)
    setup = reverse("accounts:two_factor_setup_totp")
    client.get(setup)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    device = TOTPDevice.objects.get(user=user)
    client.post(setup, {"code": code_for(device)})
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_profile_lists_the_persons_signed_in_sessions(person):
    device = with_device(person)
    laptop = signed_in(Client(), person, device, agent="Firefox on Linux")
    signed_in(Client(), person, device, agent="Safari on iPhone")
    content = laptop.get(SESSIONS).content.decode()
    assert "Firefox on Linux" in content
    assert "Safari on iPhone" in content
    assert "This session" in content


def test_a_person_can_end_another_of_their_sessions(person):
    device = with_device(person)
    laptop = signed_in(Client(), person, device, agent="Firefox on Linux")
    phone = signed_in(Client(), person, device, agent="Safari on iPhone")
    other = UserSession.objects.get(user=person, user_agent="Safari on iPhone")
    response = laptop.post(reverse("accounts:end_session"), {"session": str(other.public_id)})
    assert response.status_code == 302
    assert phone.get(reverse("accounts:profile")).status_code == 302  # signed out
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_ENDED, actor=person).exists()


def test_a_person_cannot_end_someone_elses_session(person):
    from tests.factories import UserFactory

    stranger = UserFactory()
    device = with_device(person)
    theirs = signed_in(Client(), stranger, with_device(stranger))
    mine = signed_in(Client(), person, device)
    row = UserSession.objects.get(user=stranger)
    mine.post(reverse("accounts:end_session"), {"session": str(row.public_id)})
    assert theirs.get(reverse("accounts:profile")).status_code == 200


def test_the_current_session_is_ended_by_signing_out_not_from_the_list(person):
    device = with_device(person)
    laptop = signed_in(Client(), person, device)
    row = UserSession.objects.get(user=person)
    laptop.post(reverse("accounts:end_session"), {"session": str(row.public_id)})
    assert laptop.get(reverse("accounts:profile")).status_code == 200


def test_signing_out_removes_the_session_from_the_list(person):
    device = with_device(person)
    laptop = signed_in(Client(), person, device)
    laptop.post(reverse("accounts:sign_out"))
    assert not UserSession.objects.filter(user=person).exists()


def test_the_sessions_page_never_shows_session_keys(person):
    device = with_device(person)
    laptop = signed_in(Client(), person, device)
    content = laptop.get(SESSIONS).content.decode()
    assert laptop.session.session_key not in content


def test_sign_in_locked_event_has_the_account_as_subject(client, person):
    fail(client, person.username, settings.AXES_FAILURE_LIMIT + 1)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_LOCKED).first()
    assert event is not None
    assert event.subject == person


def test_sign_in_locked_event_for_an_unknown_user_id_has_no_subject(client):
    fail(client, "nobody-here", settings.AXES_FAILURE_LIMIT + 1)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_LOCKED).first()
    assert event is not None and event.subject is None


def test_changing_the_password_ends_the_persons_other_sessions(person):
    device = with_device(person)
    laptop = signed_in(Client(), person, device, agent="Firefox on Linux")
    phone = signed_in(Client(), person, device, agent="Safari on iPhone")
    laptop.post(
        reverse("accounts:change_password"),
        {
            "current_password": DEFAULT_PASSWORD,
            "password1": "Fresh.Start42Now",
            "password2": "Fresh.Start42Now",
        },
    )
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert phone.get(reverse("accounts:profile")).status_code == 302
