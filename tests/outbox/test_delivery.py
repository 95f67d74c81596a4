"""Background delivery: queued in the change's transaction, sent by the worker with retries."""

import os
import smtplib
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from accounts.messaging import deliver_text, send_templated_email
from audit.models import AuditEvent
from outbox import services
from outbox.models import Message

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class RefusingEmailBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")


class FlakyEmailBackend:
    """A mail server that refuses the first message it is given, then works."""

    refused = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FlakyEmailBackend.refused == 0:
            FlakyEmailBackend.refused += 1
            raise smtplib.SMTPServerDisconnected("busy")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def flaky_mail(settings):
    FlakyEmailBackend.refused = 0
    settings.EMAIL_BACKEND = f"{__name__}.FlakyEmailBackend"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def run_worker():
    """Work the database queue in this process until nothing is due, as db_worker does.

    The worker closes connections between tasks, as a request does; here that would close
    the test's own transaction, so it is kept open."""
    from django_tasks_db.management.commands import db_worker

    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def queue_password_changed(person):
    return send_templated_email(
        app="accounts", name="password_changed", to=person.email, context={"user": person}
    )


def test_an_email_queued_in_a_transaction_that_rolls_back_is_never_sent(database_queue, person):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_password_changed(person)
        raise RuntimeError("the change failed")
    run_worker()
    assert mail.outbox == []
    assert not Message.objects.exists()


def test_an_email_deferred_by_the_immediate_backend_is_not_sent_on_rollback(
    person, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_password_changed(person)
        raise RuntimeError("the change failed")
    assert mail.outbox == []


def test_a_committed_email_waits_in_the_queue_until_a_worker_sends_it(database_queue, person):
    with transaction.atomic():
        message = queue_password_changed(person)
    assert mail.outbox == []
    run_worker()
    assert [m.to for m in mail.outbox] == [[person.email]]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.payload == {}  # nothing left to render, no link or code kept


def test_an_email_whose_first_sending_fails_is_retried_and_delivered(
    database_queue, flaky_mail, settings, person
):
    settings.OUTBOX_RETRY_DELAY = timedelta(0)
    message = queue_password_changed(person)
    run_worker()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


def test_a_failed_try_waits_longer_each_time(database_queue, flaky_mail, person):
    from django_tasks_db.models import DBTaskResult

    queue_password_changed(person)
    run_worker()  # the first try fails; the retry is not due yet
    assert mail.outbox == []
    retry = (
        DBTaskResult.objects.ready().first() or DBTaskResult.objects.filter(status="READY").get()
    )
    assert retry.run_after is not None
    assert services.retry_delay(1) < services.retry_delay(2) < services.retry_delay(3)
    assert services.retry_delay(30) == timedelta(hours=1)


def test_a_message_is_given_up_on_after_its_tries_and_audited_without_address(
    settings, person, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_password_changed(person)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == settings.OUTBOX_MAX_ATTEMPTS
    event = AuditEvent.objects.get(action=AuditEvent.Action.MESSAGE_DELIVERY_FAILED)
    assert event.detail["error"] == "SMTPServerDisconnected"
    assert person.email not in caplog.text


def test_a_request_still_succeeds_while_the_mail_server_is_down(
    client, person, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:forgot_user_id"), {"email": person.email})
    assert response.status_code == 200
    assert Message.objects.get().status == Message.Status.FAILED


def test_the_help_desk_sees_undelivered_messages_and_sends_one_again(
    client, sign_in, help_desk, person, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_password_changed(person)
    sign_in(client, help_desk)
    page = client.get(reverse("helpdesk:undelivered"))
    assert page.status_code == 200
    assert "accounts/password_changed" in page.content.decode()
    assert person.email not in page.content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("helpdesk:retry_undelivered", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MESSAGE_RETRIED).exists()


def test_only_the_help_desk_sees_undelivered_messages(signed_in_client):
    assert signed_in_client.get(reverse("helpdesk:undelivered")).status_code == 403


def test_a_text_carries_its_code_encrypted_and_forgets_it_once_sent(database_queue, person):
    from accounts.gateways import locmem

    message = deliver_text(
        to="+12025550143", message="Code 123456", what="accounts/security_code", user=person
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload, recipient FROM outbox_message")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert "123456" not in stored and "2025550143" not in stored
    run_worker()
    assert [text.message for text in locmem.outbox] == ["Code 123456"]
    message.refresh_from_db()
    assert message.payload == {}


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_what_the_database_queue_holds(person, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the queue through PostgreSQL")
    settings.TASKS = DATABASE_QUEUE
    message = queue_password_changed(person)  # committed: no transaction around it
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "qpp_portal.settings.test",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        env=env,
        timeout=60,
        check=True,
        capture_output=True,
    )
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
