from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.gateways.base import GatewayError
from proofing.models import ProofingAttempt
from sandbox import faults
from sandbox.gateway import SandboxGateway
from sandbox.mail import SandboxEmailBackend
from sandbox.models import SandboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SANDBOX_BUREAU = [
    "sandbox.proofing.SandboxCreditBureau",
    "proofing.backends.manual.ManualDocumentReview",
]


@pytest.fixture
def unproofed(client, sign_in):
    user = UserFactory(identity_status="unverified", identity_verified_at=None)
    sign_in(client, user)
    return user


def test_a_bureau_outage_counts_no_try_and_says_to_come_back(client, unproofed, settings):
    settings.PROOFING_BACKENDS = SANDBOX_BUREAU
    faults.save(on={"bureau_down"})
    response = client.post("/proofing/", follow=True)
    assert "identity verification service is unavailable" in response.text
    assert not ProofingAttempt.objects.filter(user=unproofed).exists()
    faults.save(on=set())
    client.post("/proofing/")
    assert ProofingAttempt.objects.filter(user=unproofed).exists()


def test_a_failing_text_gateway_refuses_the_message():
    faults.save(on={"sms_failing"})
    with pytest.raises(GatewayError):
        SandboxGateway().send_text(to="+12025550100", message="Code 123456")
    assert not SandboxMessage.objects.exists()


def test_a_delayed_call_waits_before_it_shows_in_the_inbox(client):
    faults.save(on={"voice_delayed"}, delay_minutes=15)
    SandboxGateway().place_call(to="+12025550100", message="Your code is 123456")
    message = SandboxMessage.objects.get()
    assert message.available_at > timezone.now() + timedelta(minutes=14)
    assert "123456" not in client.get("/sandbox/inbox/").text


def test_a_delayed_email_waits_too():
    from django.core.mail import EmailMessage

    faults.save(on={"email_delayed"})
    SandboxEmailBackend().send_messages([EmailMessage("Hi", "Body", "a@example.com", ["b@x.org"])])
    assert SandboxMessage.objects.get().available_at is not None


def test_slow_pages_add_latency_only_to_the_chosen_paths(client, monkeypatch):
    slept = []
    monkeypatch.setattr("sandbox.middleware.time.sleep", slept.append)
    faults.save(on={"slow_pages"}, slow_seconds=4, slow_paths=["/signin/"])
    client.get("/signin/")
    client.get("/sandbox/inbox/")
    assert slept == [4]
