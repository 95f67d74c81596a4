from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from proofing import services
from proofing.models import ManualProofingCase

from .factories import FailedAttemptFactory, ManualProofingCaseFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("proofing:review_queue")


def case_url(case):
    return reverse("proofing:review_case", args=[case.pk])


def test_queue_lists_pending_cases_oldest_first(reviewer_client, django_assert_max_num_queries):
    now = timezone.now()
    newer = ManualProofingCaseFactory(submitted_at=now - timedelta(days=1))
    older = ManualProofingCaseFactory(submitted_at=now - timedelta(days=3))
    ManualProofingCaseFactory(status=ManualProofingCase.Status.APPROVED)
    with django_assert_max_num_queries(12):
        response = reviewer_client.get(QUEUE)
    assert response.status_code == 200
    assert [c.pk for c in response.context["cases"]] == [older.pk, newer.pk]
    assert response.context["cases"][0].document_count == 3


def test_reviewer_approves_and_the_person_is_verified_and_emailed(
    reviewer_client, help_desk, django_capture_on_commit_callbacks
):
    case = ManualProofingCaseFactory()
    page = reviewer_client.get(case_url(case))
    assert page.status_code == 200
    content = page.content.decode()
    assert case.user.street_address in content
    assert "123456789" not in content and "1980-04-28" not in content
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(case_url(case), {"decision": "approve"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.decided_by) == (ManualProofingCase.Status.APPROVED, help_desk)
    person = User.objects.get(pk=case.user_id)
    assert person.identity_status == User.IdentityStatus.VERIFIED
    subjects = {m.subject for m in mail.outbox if m.to == [person.email]}
    assert "Your identity is verified" in subjects
    event = AuditEvent.objects.get(action=AuditEvent.Action.MANUAL_PROOFING_APPROVED)
    assert (event.actor, event.subject, event.detail) == (help_desk, person, {"case": case.pk})
    verified = AuditEvent.objects.get(action=AuditEvent.Action.IDENTITY_VERIFIED)
    assert verified.actor == help_desk
    assert verified.detail == {"method": "manual"}


def test_reviewer_rejects_with_a_reason_and_the_person_is_emailed_and_may_submit_again(
    reviewer_client, help_desk, as_person, django_capture_on_commit_callbacks
):
    case = ManualProofingCaseFactory()
    reason = "The statements are addressed to a different street."
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(case_url(case), {"decision": "reject", "reason": reason})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == ManualProofingCase.Status.REJECTED
    assert case.decision_reason == reason
    person = User.objects.get(pk=case.user_id)
    assert person.identity_status == User.IdentityStatus.UNVERIFIED
    [email] = mail.outbox
    assert email.to == [person.email]
    assert reason in email.body
    event = AuditEvent.objects.get(action=AuditEvent.Action.MANUAL_PROOFING_REJECTED)
    assert event.actor == help_desk
    client = as_person(person)
    status = client.get(reverse("proofing:status"))
    assert reason in status.content.decode()
    manual = client.get(reverse("proofing:manual"))
    assert manual.status_code == 200
    assert "were not accepted" in manual.content.decode()


def test_rejecting_without_a_reason_is_refused(reviewer_client):
    case = ManualProofingCaseFactory()
    response = reviewer_client.post(case_url(case), {"decision": "reject", "reason": "  "})
    assert response.status_code == 200
    assert "Give the reason for the rejection" in response.content.decode()
    case.refresh_from_db()
    assert case.status == ManualProofingCase.Status.PENDING


def test_a_decided_case_cannot_be_decided_again(help_desk):
    case = ManualProofingCaseFactory()
    services.approve_manual_proofing(case=case, reviewer=help_desk)
    with pytest.raises(services.ProofingError):
        services.reject_manual_proofing(case=case, reviewer=help_desk, reason="Too late")


def test_a_reviewer_cannot_decide_their_own_case(help_desk):
    case = ManualProofingCaseFactory(user=help_desk)
    with pytest.raises(services.ProofingError):
        services.approve_manual_proofing(case=case, reviewer=help_desk)


def test_reviewer_downloads_a_document_and_it_is_audited(reviewer_client, help_desk):
    case = ManualProofingCaseFactory()
    document = case.documents.first()
    response = reviewer_client.get(reverse("proofing:document", args=[document.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROOFING_DOCUMENT_VIEWED)
    assert (event.actor, event.subject) == (help_desk, case.user)


def test_a_non_reviewer_sees_neither_the_queue_nor_any_case_or_document(client, sign_in, outsider):
    case = ManualProofingCaseFactory()
    document = case.documents.first()
    sign_in(client, outsider)
    assert client.get(QUEUE).status_code == 403
    assert client.get(case_url(case)).status_code == 403
    assert client.post(case_url(case), {"decision": "approve"}).status_code == 403
    assert client.get(reverse("proofing:review_references")).status_code == 403
    assert client.get(reverse("proofing:document", args=[document.public_id])).status_code == 404
    case.refresh_from_db()
    assert case.status == ManualProofingCase.Status.PENDING


def test_an_unverified_person_cannot_see_the_queue(proofing_client):
    assert proofing_client.get(QUEUE).status_code == 403


def test_a_non_reviewer_cannot_clear_a_reference(client, sign_in, outsider):
    attempt = FailedAttemptFactory()
    sign_in(client, outsider)
    response = client.post(reverse("proofing:review_references"), {"attempt": attempt.pk})
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.reference_cleared_at is None


def test_reviewer_finds_a_reference_as_the_caller_reads_it(reviewer_client):
    attempt = FailedAttemptFactory(reference="123456789012")
    FailedAttemptFactory()
    response = reviewer_client.get(
        reverse("proofing:review_references"), {"reference": "1234 5678-9012"}
    )
    assert [a.pk for a in response.context["attempts"]] == [attempt.pk]


def test_admin_action_clears_references_for_help_desk_superusers(client, sign_in, help_desk):
    help_desk.is_superuser = True
    help_desk.save()
    attempt = FailedAttemptFactory()
    sign_in(client, help_desk)
    response = client.post(
        reverse("admin:proofing_proofingattempt_changelist"),
        {"action": "mark_reference_cleared", "_selected_action": [attempt.pk]},
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.reference_cleared_by == help_desk
