from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from proofing.backends.simulated import NAMED_OPTIONS, NONE_OF_THE_ABOVE
from proofing.models import ProofingAttempt

from .factories import SIMULATED, FailedAttemptFactory
from .support import answers, open_attempt

pytestmark = pytest.mark.django_db

START = reverse("proofing:start")
QUESTIONS = reverse("proofing:questions")
FAILED = reverse("proofing:failed")
REFERENCE = reverse("proofing:enter_reference")
MANUAL = reverse("proofing:manual")


def fail_once(client, user):
    client.post(START)
    attempt = open_attempt(user)
    response = client.post(QUESTIONS, answers(attempt, right=False))
    attempt.refresh_from_db()
    return response, attempt


def test_start_page_shows_step_four_and_the_time_limit(proofing_client):
    response = proofing_client.get(START)
    assert response.status_code == 200
    assert response.context["current_step"] == 4
    assert b"usa-step-indicator" in response.content
    assert b"10 minutes" in response.content
    assert b"Enter Reference Number" in response.content


def test_verified_person_is_sent_home_from_start(signed_in_client):
    response = signed_in_client.get(START)
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")


def test_unverified_person_is_kept_on_proofing_pages(proofing_client):
    response = proofing_client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url == START


def test_quiz_has_five_questions_of_five_named_options_and_none_of_the_above(
    proofing_client, unverified
):
    response = proofing_client.post(START)
    assert response.url == QUESTIONS
    attempt = open_attempt(unverified)
    assert len(attempt.questions) == 5
    for question in attempt.questions:
        labels = [label for _, label in question["choices"]]
        assert len(labels) == NAMED_OPTIONS + 1
        assert labels[-1] == NONE_OF_THE_ABOVE
        assert len(set(labels)) == len(labels)
    page = proofing_client.get(QUESTIONS)
    assert page.status_code == 200
    content = page.content.decode()
    assert content.count('type="radio"') == 5 * 6
    assert content.count("<legend") == 5
    for value in attempt.backend_state["answers"].values():
        # Every choice's value is on the page, but nothing marks which one is right.
        assert f'value="{value}"' in content
    assert "answers" not in page.context["attempt"].questions[0]


def test_person_answering_from_their_credit_file_is_verified_and_sent_to_two_factor_setup(
    proofing_client, unverified, django_capture_on_commit_callbacks
):
    proofing_client.post(START)
    attempt = open_attempt(unverified)
    with django_capture_on_commit_callbacks(execute=True):
        response = proofing_client.post(QUESTIONS, answers(attempt))
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor_setup")
    unverified.refresh_from_db()
    assert unverified.identity_status == User.IdentityStatus.VERIFIED
    attempt.refresh_from_db()
    assert attempt.status == ProofingAttempt.Status.VERIFIED
    assert attempt.backend == SIMULATED
    assert (attempt.correct_count, attempt.question_count) == (5, 5)
    assert attempt.backend_state == {}  # the answer key is gone once scored
    assert [m.to for m in mail.outbox] == [[unverified.email]]
    verified = AuditEvent.objects.get(action=AuditEvent.Action.IDENTITY_VERIFIED)
    assert verified.detail == {"method": "remote"}


def test_four_of_five_right_passes_and_three_fails(proofing_client, unverified):
    proofing_client.post(START)
    attempt = open_attempt(unverified)
    right, wrong = answers(attempt), answers(attempt, right=False)
    data = {**right, "q5": wrong["q5"]}
    proofing_client.post(QUESTIONS, data)
    attempt.refresh_from_db()
    assert attempt.status == ProofingAttempt.Status.VERIFIED
    assert attempt.correct_count == 4


def test_three_of_five_right_fails(proofing_client, unverified):
    proofing_client.post(START)
    attempt = open_attempt(unverified)
    right, wrong = answers(attempt), answers(attempt, right=False)
    proofing_client.post(QUESTIONS, {**right, "q4": wrong["q4"], "q5": wrong["q5"]})
    attempt.refresh_from_db()
    assert attempt.status == ProofingAttempt.Status.FAILED
    assert attempt.correct_count == 3


def test_wrong_answers_fail_with_a_reference_number_and_what_to_do(proofing_client, unverified):
    response, attempt = fail_once(proofing_client, unverified)
    assert response.url == FAILED
    assert attempt.status == ProofingAttempt.Status.FAILED
    assert len(attempt.reference) == 12 and attempt.reference.isdigit()
    assert attempt.evidence["missed_topics"]
    page = proofing_client.get(FAILED)
    content = page.content.decode()
    assert attempt.reference_display in content
    assert "1-800-555-0199" in content
    assert "Enter Reference Number" in content
    unverified.refresh_from_db()
    assert unverified.identity_status == User.IdentityStatus.UNVERIFIED
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROOFING_FAILED)
    assert event.detail["reference"] == attempt.reference
    assert event.detail["backend"] == SIMULATED
    assert "123456789" not in str(event.detail)


def test_reference_cleared_by_the_help_desk_lets_the_person_continue_and_be_verified(
    proofing_client, unverified, reviewer_client, help_desk, django_capture_on_commit_callbacks
):
    _, attempt = fail_once(proofing_client, unverified)
    typed = f" {attempt.reference_display.lower()} "

    before = proofing_client.post(REFERENCE, {"reference": typed})
    assert before.status_code == 200
    assert "has not cleared this reference" in before.content.decode()

    queue = reviewer_client.get(reverse("proofing:review_references"))
    assert attempt.reference_display in queue.content.decode()
    cleared = reviewer_client.post(reverse("proofing:review_references"), {"attempt": attempt.pk})
    assert cleared.status_code == 302
    attempt.refresh_from_db()
    assert attempt.reference_cleared_by == help_desk
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROOFING_REFERENCE_CLEARED)
    assert (event.actor, event.subject) == (help_desk, unverified)

    with django_capture_on_commit_callbacks(execute=True):
        response = proofing_client.post(REFERENCE, {"reference": typed})
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor_setup")
    unverified.refresh_from_db()
    assert unverified.identity_status == User.IdentityStatus.VERIFIED
    attempt.refresh_from_db()
    assert attempt.reference_used_at is not None
    assert AuditEvent.objects.get(action=AuditEvent.Action.IDENTITY_VERIFIED).detail == {
        "method": "remote_reference"
    }


def test_reference_of_another_person_is_refused(proofing_client, unverified):
    other = FailedAttemptFactory(reference_cleared_at=timezone.now())
    response = proofing_client.post(REFERENCE, {"reference": other.reference})
    assert response.status_code == 200
    assert "could not find this reference number" in response.content.decode()
    unverified.refresh_from_db()
    assert unverified.identity_status == User.IdentityStatus.UNVERIFIED


def test_a_used_reference_cannot_verify_again(as_person):
    attempt = FailedAttemptFactory(
        reference_cleared_at=timezone.now(), reference_used_at=timezone.now()
    )
    response = as_person(attempt.user).post(REFERENCE, {"reference": attempt.reference})
    assert "already used" in response.content.decode()


def test_three_failures_within_the_window_send_the_person_to_manual_proofing(
    proofing_client, unverified
):
    for _ in range(3):
        fail_once(proofing_client, unverified)
    failed_page = proofing_client.get(FAILED)
    assert failed_page.context["may_retry"] is False
    response = proofing_client.get(START)
    assert response.status_code == 302
    assert response.url == MANUAL
    assert proofing_client.post(START).url == MANUAL
    assert ProofingAttempt.objects.filter(user=unverified).count() == 3
    manual = proofing_client.get(MANUAL)
    assert manual.status_code == 200
    assert "not accepted 3 times" in manual.content.decode()


def test_failures_older_than_the_window_do_not_count(proofing_client, unverified):
    long_ago = timezone.now() - timedelta(hours=25)
    FailedAttemptFactory.create_batch(3, user=unverified, completed_at=long_ago)
    response = proofing_client.post(START)
    assert response.url == QUESTIONS


def test_person_without_ssn_goes_straight_to_manual_proofing(as_person, no_ssn_person):
    client = as_person(no_ssn_person)
    response = client.get(START)
    assert response.status_code == 302
    assert response.url == MANUAL
    assert client.post(START).url == MANUAL
    page = client.get(MANUAL)
    assert "did not give a Social Security Number" in page.content.decode()
    assert not ProofingAttempt.objects.filter(user=no_ssn_person).exists()


def test_answers_sent_after_the_time_limit_fail_as_expired(proofing_client, unverified):
    proofing_client.post(START)
    attempt = open_attempt(unverified)
    ProofingAttempt.objects.filter(pk=attempt.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = proofing_client.post(QUESTIONS, answers(attempt))
    assert response.status_code == 302
    assert response.url == FAILED
    attempt.refresh_from_db()
    assert attempt.status == ProofingAttempt.Status.EXPIRED
    assert attempt.reference
    unverified.refresh_from_db()
    assert unverified.identity_status == User.IdentityStatus.UNVERIFIED
    page = proofing_client.get(FAILED)
    assert "Time ran out" in page.content.decode()


def test_time_limit_comes_from_settings(proofing_client, unverified, settings):
    settings.PROOFING_QUIZ_TIME_LIMIT = timedelta(minutes=3)
    before = timezone.now()
    proofing_client.post(START)
    attempt = open_attempt(unverified)
    assert (
        before + timedelta(minutes=3)
        <= attempt.expires_at
        <= timezone.now() + timedelta(minutes=3)
    )


def test_expired_quizzes_count_towards_the_failure_limit(proofing_client, unverified):
    for _ in range(3):
        proofing_client.post(START)
        ProofingAttempt.objects.filter(user=unverified, status="in_progress").update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        proofing_client.get(QUESTIONS)
    assert ProofingAttempt.objects.filter(user=unverified, status="expired").count() == 3
    assert proofing_client.get(START).url == MANUAL


def test_returning_to_start_during_the_quiz_resumes_the_same_questions(
    proofing_client, unverified
):
    proofing_client.post(START)
    first = open_attempt(unverified)
    assert proofing_client.get(START).url == QUESTIONS
    assert proofing_client.post(START).url == QUESTIONS
    assert open_attempt(unverified).pk == first.pk


def test_enter_reference_signed_out_explains_and_links_to_sign_in_and_back(client):
    response = client.get(REFERENCE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sign in first" in content
    assert f"{reverse('accounts:sign_in')}?next=%2Fproofing%2Freference%2F" in content


def test_verified_person_entering_a_reference_is_sent_home(signed_in_client):
    assert signed_in_client.get(REFERENCE).url == reverse("accounts:home")
