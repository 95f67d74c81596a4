import pytest
from django.core import checks
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from proofing.backends import get_proofing_backends
from proofing.models import ProofingAttempt

from .contract import ProofingBackendContract
from .factories import SIMULATED
from .support import answers, open_attempt

pytestmark = pytest.mark.django_db

START = reverse("proofing:start")
TESTS = "tests.proofing.backends"


class TestSimulatedCreditBureauPassesTheContract(ProofingBackendContract):
    backend_path = SIMULATED


class TestManualDocumentReviewPassesTheContract(ProofingBackendContract):
    backend_path = "proofing.backends.manual.ManualDocumentReview"


class TestAlwaysPassBackendPassesTheContract(ProofingBackendContract):
    backend_path = f"{TESTS}.AlwaysPassBackend"


class TestAlwaysManualBackendPassesTheContract(ProofingBackendContract):
    backend_path = f"{TESTS}.AlwaysManualBackend"


class TestOneQuestionBackendPassesTheContract(ProofingBackendContract):
    backend_path = f"{TESTS}.OneQuestionBackend"


@override_settings(PROOFING_BACKENDS=[f"{TESTS}.AlwaysPassBackend"])
def test_a_backend_named_only_in_settings_verifies_the_person(proofing_client, unverified):
    response = proofing_client.post(START)
    assert response.url == reverse("accounts:two_factor_setup")
    unverified.refresh_from_db()
    assert unverified.identity_status == User.IdentityStatus.VERIFIED
    attempt = ProofingAttempt.objects.get(user=unverified)
    assert attempt.backend == f"{TESTS}.AlwaysPassBackend"


@override_settings(PROOFING_BACKENDS=[f"{TESTS}.AlwaysManualBackend"])
def test_a_backend_can_send_everyone_to_manual_proofing(proofing_client, unverified):
    assert proofing_client.post(START).url == reverse("proofing:manual")
    attempt = ProofingAttempt.objects.get(user=unverified)
    assert attempt.status == ProofingAttempt.Status.MANUAL_REVIEW


@override_settings(PROOFING_BACKENDS=[f"{TESTS}.DecliningBackend", f"{TESTS}.AlwaysPassBackend"])
def test_backends_are_tried_in_order_until_one_accepts(proofing_client, unverified):
    proofing_client.post(START)
    assert ProofingAttempt.objects.get(user=unverified).backend == f"{TESTS}.AlwaysPassBackend"


@override_settings(PROOFING_BACKENDS=[f"{TESTS}.DecliningBackend"])
def test_when_every_backend_declines_the_person_uses_manual_proofing(proofing_client):
    assert proofing_client.post(START).url == reverse("proofing:manual")


@override_settings(PROOFING_BACKENDS=[f"{TESTS}.OneQuestionBackend"])
def test_a_failure_keeps_the_bureaus_own_reference(proofing_client, unverified):
    proofing_client.post(START)
    attempt = open_attempt(unverified)
    proofing_client.post(reverse("proofing:questions"), {"only": "c2"})
    attempt.refresh_from_db()
    assert attempt.reference == "TEST0001"


def test_changing_the_setting_resets_the_cached_backends():
    with override_settings(PROOFING_BACKENDS=[f"{TESTS}.AlwaysPassBackend"]):
        assert [p for p, _ in get_proofing_backends()] == [f"{TESTS}.AlwaysPassBackend"]
    assert [p for p, _ in get_proofing_backends()][0] == SIMULATED


def test_an_attempt_whose_backend_was_removed_is_cancelled_not_scored(proofing_client, unverified):
    proofing_client.post(START)
    attempt = open_attempt(unverified)
    data = answers(attempt)
    with override_settings(PROOFING_BACKENDS=[f"{TESTS}.AlwaysManualBackend"]):
        response = proofing_client.post(reverse("proofing:questions"), data)
    assert response.url == START
    attempt.refresh_from_db()
    assert attempt.status == ProofingAttempt.Status.CANCELLED
    unverified.refresh_from_db()
    assert unverified.identity_status == User.IdentityStatus.UNVERIFIED


def test_pass_minimum_comes_from_settings(proofing_client, unverified, settings):
    settings.PROOFING_PASS_MINIMUM = 5
    proofing_client.post(START)
    attempt = open_attempt(unverified)
    wrong = answers(attempt, right=False)
    proofing_client.post(reverse("proofing:questions"), {**answers(attempt), "q1": wrong["q1"]})
    attempt.refresh_from_db()
    assert attempt.status == ProofingAttempt.Status.FAILED


@pytest.mark.parametrize(
    "value",
    [[], ["no.such.module.Backend"], [f"{TESTS}.NotABackend"]],
    ids=["empty", "missing", "not-a-backend"],
)
def test_system_check_refuses_a_bad_backend_setting(value):
    with override_settings(PROOFING_BACKENDS=value):
        errors = checks.run_checks()
    assert any(e.id.startswith("proofing.E00") for e in errors)


def test_system_check_refuses_a_pass_mark_above_the_question_count(settings):
    settings.PROOFING_PASS_MINIMUM = 6
    assert any(e.id == "proofing.E004" for e in checks.run_checks())


def test_shipped_settings_pass_the_system_checks():
    assert not [e for e in checks.run_checks() if e.id.startswith("proofing.")]
