"""ASVS 2.5.x / 7.4.1 / 2.2.1: recovery answers the same, and takes the same work, for any account.

A mail server that refuses a message after the change is committed must not turn the
answer into a server error (which only real accounts would get).
"""

import smtplib

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent

from .test_recovery import without_csrf

pytestmark = pytest.mark.django_db

FORGOT_USER_ID = reverse("accounts:forgot_user_id")
FORGOT_PASSWORD = reverse("accounts:forgot_password")


class RefusingEmailBackend:
    """An email backend whose server refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"


def test_forgot_password_answers_200_when_the_mail_server_refuses_the_link(
    client, person, mail_server_down
):
    response = client.post(FORGOT_PASSWORD, {"username": person.username})
    assert response.status_code == 200


def test_forgot_password_gives_the_same_page_for_real_and_unknown_accounts_when_mail_fails(
    client, person, mail_server_down
):
    known = client.post(FORGOT_PASSWORD, {"username": person.username})
    unknown = client.post(FORGOT_PASSWORD, {"username": "nobody-here"})
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known) == without_csrf(unknown)


def test_forgot_user_id_gives_the_same_page_for_real_and_unknown_addresses_when_mail_fails(
    client, person, mail_server_down
):
    known = client.post(FORGOT_USER_ID, {"email": person.email})
    unknown = client.post(FORGOT_USER_ID, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known) == without_csrf(unknown)


def test_a_message_that_cannot_be_delivered_is_logged_and_audited_without_its_address(
    client, person, mail_server_down, caplog
):
    client.post(FORGOT_PASSWORD, {"username": person.username})
    event = AuditEvent.objects.get(action=AuditEvent.Action.MESSAGE_DELIVERY_FAILED)
    assert event.subject == person
    assert event.detail == {
        "channel": "email",
        "message": "accounts/password_reset",
        "error": "SMTPServerDisconnected",
    }
    assert "accounts/password_reset" in caplog.text
    assert person.email not in caplog.text


def test_a_change_committed_before_its_email_fails_stays_saved(client, signed_in_client, person):
    from django.test import override_settings

    with override_settings(EMAIL_BACKEND=f"{__name__}.RefusingEmailBackend"):
        response = signed_in_client.post(
            reverse("accounts:change_password"),
            {
                "current_password": "Correct.Horse7Battery",
                "password1": "Fresh.Start42Now",
                "password2": "Fresh.Start42Now",
            },
        )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Fresh.Start42Now")


def test_a_text_that_cannot_be_delivered_does_not_fail_the_phone_change(
    signed_in_client, person, monkeypatch
):
    from accounts.gateways import locmem

    def refuse(self, *, to, message):
        raise ConnectionError("carrier down")

    monkeypatch.setattr(locmem.LocmemGateway, "send_text", refuse)
    response = signed_in_client.post(
        reverse("accounts:change_contact_phone"), {"phone": "(202) 555-0199"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.MESSAGE_DELIVERY_FAILED, detail__channel="sms"
    ).exists()


@pytest.fixture
def queue_only(settings):
    """Leave queued messages in the queue, as production does, so no sending runs here."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def work_done(client, url, data):
    """Return the queries (their shape, without values) and templates a POST renders.

    The one piece of work only a real account causes is the outbox row queued for it, an
    INSERT (with the database queue, two), where the request used to wait for the mail
    server: it is left out here."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    shapes = [
        query["sql"].split(" WHERE ")[0].split(" VALUES ")[0]
        for query in queries.captured_queries
        if '"outbox_message"' not in query["sql"]
    ]
    return shapes, [template.name for template in response.templates]


def test_forgot_password_runs_the_same_queries_and_renders_the_same_templates_for_any_user_id(
    client, person, queue_only
):
    known = work_done(client, FORGOT_PASSWORD, {"username": person.username})
    unknown = work_done(client, FORGOT_PASSWORD, {"username": "nobody-here"})
    assert known == unknown
    assert "accounts/emails/password_reset_body.txt" in unknown[1]


def test_forgot_user_id_runs_the_same_queries_and_renders_the_same_templates_for_any_address(
    client, person, queue_only
):
    known = work_done(client, FORGOT_USER_ID, {"email": person.email})
    unknown = work_done(client, FORGOT_USER_ID, {"email": "nobody@example.com"})
    assert known == unknown
    assert "accounts/emails/user_id_reminder_body.txt" in unknown[1]


def test_an_unknown_account_is_sent_nothing(client, person):
    client.post(FORGOT_PASSWORD, {"username": "nobody-here"})
    client.post(FORGOT_USER_ID, {"email": "nobody@example.com"})
    assert mail.outbox == []
