import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .assertions import field_error
from .factories import NEW_PASSWORD, EmailDeviceFactory
from .test_sign_in import code_for, fail, post_sign_in, with_device

pytestmark = pytest.mark.django_db

FORGOT_USER_ID = reverse("accounts:forgot_user_id")
FORGOT_PASSWORD = reverse("accounts:forgot_password")
CHALLENGE = reverse("accounts:password_reset_challenge")
CODE = reverse("accounts:password_reset_code")
NEW = reverse("accounts:password_reset_new")
SIGN_IN = reverse("accounts:sign_in")


def without_csrf(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


# Forgot User ID


def test_forgot_user_id_emails_the_user_id_to_a_known_address(client, person):
    client.post(FORGOT_USER_ID, {"email": person.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]
    assert f"User ID: {person.username}" in mail.outbox[0].body


def test_forgot_user_id_matches_the_address_ignoring_case(client, person):
    client.post(FORGOT_USER_ID, {"email": person.email.upper()})
    assert len(mail.outbox) == 1


def test_forgot_user_id_lists_every_account_on_the_address(client):
    first = UserFactory(email="shared@example.com")
    second = UserFactory(email="shared@example.com")
    client.post(FORGOT_USER_ID, {"email": "shared@example.com"})
    assert len(mail.outbox) == 1
    assert first.username in mail.outbox[0].body
    assert second.username in mail.outbox[0].body


def test_forgot_user_id_for_an_unknown_address_sends_nothing(client, person):
    client.post(FORGOT_USER_ID, {"email": "nobody@example.com"})
    assert mail.outbox == []


def test_forgot_user_id_shows_the_same_page_for_known_and_unknown_addresses(client, person):
    known = client.post(FORGOT_USER_ID, {"email": person.email})
    unknown = client.post(FORGOT_USER_ID, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known) == without_csrf(unknown)


def test_forgot_user_id_refuses_a_malformed_address(client):
    response = client.post(FORGOT_USER_ID, {"email": "<script>alert(1)</script>"})
    assert 'id="id_email_error"' in response.content.decode()


# Forgot password: the link


def ask_for_reset(client, user):
    client.post(FORGOT_PASSWORD, {"username": user.username})
    return re.search(
        r"http://testserver(/recover/password/[^/\s]+/[^/\s]+/)", mail.outbox[-1].body
    ).group(1)


def test_forgot_password_emails_a_link_to_the_address_on_file(client, person):
    ask_for_reset(client, person)
    assert mail.outbox[0].to == [person.email]


def test_forgot_password_for_an_unknown_user_sends_nothing(client, person):
    client.post(FORGOT_PASSWORD, {"username": "nobody99"})
    assert mail.outbox == []


def test_forgot_password_shows_the_same_page_for_known_and_unknown_users(client, person):
    known = client.post(FORGOT_PASSWORD, {"username": person.username})
    unknown = client.post(FORGOT_PASSWORD, {"username": "nobody99"})
    assert without_csrf(known) == without_csrf(unknown)


def test_reset_link_leads_to_the_challenge_question(client, person):
    link = ask_for_reset(client, person)
    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0] == CHALLENGE
    assert "What was the name of your first pet?" in response.content.decode()


def test_reset_link_keeps_its_token_out_of_the_following_urls(client, person):
    link = ask_for_reset(client, person)
    token = link.rstrip("/").split("/")[-1]
    response = client.get(link)
    assert token not in response.url


@pytest.mark.parametrize(
    "link",
    [
        "/recover/password/MQ/not-a-token/",
        "/recover/password/!!!/abc-def/",
        "/recover/password/OTk5OTk5/abc-def/",
    ],
)
def test_invalid_reset_link_answers_400(client, person, link):
    response = client.get(link)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


# Forgot password: the challenge answer


def test_wrong_challenge_answer_says_so(client, person):
    client.get(ask_for_reset(client, person))
    response = client.post(CHALLENGE, {"answer": "Fido"})
    assert "That answer is not correct." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_wrong_challenge_answer_is_audited(client, person):
    client.get(ask_for_reset(client, person))
    client.post(CHALLENGE, {"answer": "Fido"})
    assert AuditEvent.objects.filter(
        subject=person, action=AuditEvent.Action.CHALLENGE_ANSWER_FAILED
    ).exists()


def test_three_wrong_answers_end_the_attempt(client, person):
    client.get(ask_for_reset(client, person))
    for _ in range(2):
        client.post(CHALLENGE, {"answer": "Fido"})
    response = client.post(CHALLENGE, {"answer": "Fido"}, follow=True)
    assert response.redirect_chain[-1][0] == FORGOT_PASSWORD
    assert "Too many wrong answers" in response.content.decode()
    assert client.post(CHALLENGE, {"answer": "Rex the Dog"}).status_code == 400


def test_same_link_does_not_work_after_three_wrong_answers(client, person):
    link = ask_for_reset(client, person)
    client.get(link)
    for _ in range(3):
        client.post(CHALLENGE, {"answer": "Fido"})
    assert client.get(link).status_code == 400


def test_a_new_session_does_not_bring_back_the_attempts(client, person, django_user_model):
    from django.test import Client

    link = ask_for_reset(client, person)
    client.get(link)
    for _ in range(2):
        client.post(CHALLENGE, {"answer": "Fido"})
    other = Client()
    other.get(link)
    other.post(CHALLENGE, {"answer": "Fido"})
    assert other.post(CHALLENGE, {"answer": "Rex the Dog"}).status_code == 400


def test_a_new_link_does_not_bring_back_the_attempts(client, person):
    # ASVS 2.2.1: the limit is per account across links (tests/accounts/test_recovery_links.py).
    client.get(ask_for_reset(client, person))
    for _ in range(3):
        client.post(CHALLENGE, {"answer": "Fido"})
    assert client.get(ask_for_reset(client, person)).status_code == 400


def test_challenge_answer_is_compared_ignoring_case_and_spaces(client, person):
    client.get(ask_for_reset(client, person))
    response = client.post(CHALLENGE, {"answer": "  rex  THE dog "})
    assert response.url == CODE


# Forgot password: the second factor


def answered(client, person):
    client.get(ask_for_reset(client, person))
    client.post(CHALLENGE, {"answer": "Rex the Dog"})


def test_code_step_asks_for_a_code_from_the_default_device(client, person):
    with_device(person)
    answered(client, person)
    response = client.get(CODE)
    assert "Authenticator app" in response.content.decode()


def test_wrong_code_at_the_code_step_is_refused(client, person):
    device = with_device(person)
    answered(client, person)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(CODE, {"code": wrong})
    assert "not correct" in response.content.decode()
    assert client.get(NEW).url == CHALLENGE


def test_right_code_leads_to_the_new_password(client, person):
    device = with_device(person)
    answered(client, person)
    response = client.post(CODE, {"code": code_for(device)})
    assert response.url == NEW


def test_code_step_does_not_sign_the_person_in(client, person):
    device = with_device(person)
    answered(client, person)
    client.post(CODE, {"code": code_for(device)})
    assert "_auth_user_id" not in client.session


def test_code_can_be_emailed_at_the_code_step(client, person):
    with_device(person)
    email = EmailDeviceFactory(user=person)
    answered(client, person)
    client.post(CODE, {"action": "send", "device": email.persistent_id})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    response = client.post(CODE, {"code": code, "device": email.persistent_id})
    assert response.url == NEW


def test_person_without_a_device_goes_from_the_answer_to_the_new_password(client, person):
    answered(client, person)
    assert client.get(CODE).url == NEW


# Forgot password: the new password


def through_code(client, person):
    device = with_device(person)
    answered(client, person)
    client.post(CODE, {"code": code_for(device)})


def test_new_password_lets_the_person_sign_in(client, person):
    through_code(client, person)
    response = client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.url == SIGN_IN
    assert post_sign_in(client, person.username, NEW_PASSWORD).status_code == 302


def test_old_password_no_longer_works_after_a_reset(client, person):
    through_code(client, person)
    client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert (
        "LOGIN FAILED" in post_sign_in(client, person.username, DEFAULT_PASSWORD).content.decode()
    )


def test_reset_refuses_a_recent_password(client, person):
    through_code(client, person)
    response = client.post(NEW, {"password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD})
    assert "You used this password recently" in response.content.decode()
    assert 'id="id_password1_error"' in response.content.decode()


def test_reset_applies_the_password_rules(client, person):
    through_code(client, person)
    response = client.post(NEW, {"password1": "Sunny.Meadow42?", "password2": "Sunny.Meadow42?"})
    assert ". ! @ # $ % ^ & *" in field_error(response, "password1")


def test_reset_is_audited_and_emailed(client, person, django_capture_on_commit_callbacks):
    through_code(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert AuditEvent.objects.filter(
        subject=person, action=AuditEvent.Action.PASSWORD_RESET
    ).exists()
    assert "password" in mail.outbox[-1].body
    assert NEW_PASSWORD not in mail.outbox[-1].body


def test_reset_link_works_only_once(client, person):
    link = ask_for_reset(client, person)
    device = with_device(person)
    client.get(link)
    client.post(CHALLENGE, {"answer": "Rex the Dog"})
    client.post(CODE, {"code": code_for(device)})
    client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert client.get(link).status_code == 400


def test_reset_reactivates_a_dormant_account(client):
    user = UserFactory(last_login=timezone.now() - timedelta(days=61))
    post_sign_in(client, user.username, DEFAULT_PASSWORD)
    assert User.objects.get(pk=user.pk).is_active is False
    through_code(client, user)
    client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert User.objects.get(pk=user.pk).is_active is True
    assert post_sign_in(client, user.username, NEW_PASSWORD).status_code == 302


def test_reset_lifts_the_sign_in_lockout_of_the_user_id(client, person):
    fail(client, person.username, 5)
    through_code(client, person)
    client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    response = post_sign_in(client, person.username, NEW_PASSWORD, address="198.51.100.99")
    assert response.status_code == 302


# No step can be skipped


def test_challenge_without_a_link_answers_400(client):
    assert client.get(CHALLENGE).status_code == 400


def test_code_step_without_a_link_answers_400(client):
    assert client.get(CODE).status_code == 400


def test_new_password_without_a_link_answers_400(client):
    assert client.get(NEW).status_code == 400


def test_code_step_before_the_answer_goes_back_to_the_challenge(client, person):
    with_device(person)
    client.get(ask_for_reset(client, person))
    assert client.get(CODE).url == CHALLENGE


def test_new_password_before_the_answer_goes_back_to_the_challenge(client, person):
    with_device(person)
    client.get(ask_for_reset(client, person))
    response = client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.url == CHALLENGE
    assert User.objects.get(pk=person.pk).check_password(DEFAULT_PASSWORD)


def test_new_password_before_the_code_goes_back_to_the_challenge(client, person):
    with_device(person)
    answered(client, person)
    response = client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.url == CHALLENGE
    assert User.objects.get(pk=person.pk).check_password(DEFAULT_PASSWORD)


# Confirming the email address


def test_confirmation_link_confirms_the_email_address(client):
    from accounts.services import complete_identity_verification

    user = UserFactory(unverified=True)
    complete_identity_verification(user=user, method="test")
    link = re.search(r"http://testserver(/confirm-email/\S+/)", mail.outbox[-1].body)
    link = (
        link.group(1)
        if link
        else re.search(r"(/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    )
    client.get(link)
    assert User.objects.get(pk=user.pk).email_confirmed_at is not None


def test_bad_confirmation_link_answers_400(client):
    assert client.get(reverse("accounts:confirm_email", args=["nonsense"])).status_code == 400
