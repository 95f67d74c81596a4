"""ASVS 2.5.x / 2.2.1: one reset link at a time, and challenge attempts counted per account."""

import pytest
from django.urls import reverse

from .test_recovery import ask_for_reset

pytestmark = pytest.mark.django_db

CHALLENGE = reverse("accounts:password_reset_challenge")
CODE = reverse("accounts:password_reset_code")


def test_a_new_reset_link_makes_the_older_one_invalid(client, person):
    older = ask_for_reset(client, person)
    newer = ask_for_reset(client, person)
    assert client.get(older).status_code == 400
    assert client.get(newer).status_code == 302


def test_an_older_link_already_opened_stops_working_once_a_new_one_is_sent(client, person):
    client.get(ask_for_reset(client, person))
    ask_for_reset(client, person)
    assert client.post(CHALLENGE, {"answer": "Rex the Dog"}).status_code == 400


def test_challenge_failures_count_per_account_across_reset_links(client, person):
    client.get(ask_for_reset(client, person))
    for _ in range(2):
        client.post(CHALLENGE, {"answer": "Fido"})
    client.get(ask_for_reset(client, person))
    client.post(CHALLENGE, {"answer": "Fido"})
    # The third wrong answer, on the second link, used up the account's attempts.
    assert client.get(ask_for_reset(client, person)).status_code == 400


def test_challenge_attempts_come_back_after_the_window(client, person, settings):
    from datetime import timedelta

    from django.utils import timezone

    from audit.models import AuditEvent

    client.get(ask_for_reset(client, person))
    for _ in range(3):
        client.post(CHALLENGE, {"answer": "Fido"})
    AuditEvent.objects.filter(action=AuditEvent.Action.CHALLENGE_ANSWER_FAILED).update(
        created_at=timezone.now() - settings.RECOVERY_CHALLENGE_WINDOW - timedelta(minutes=1)
    )
    client.get(ask_for_reset(client, person))
    assert client.post(CHALLENGE, {"answer": "Rex the Dog"}).url == CODE
