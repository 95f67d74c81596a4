"""State changes of identity proofing. Each audits itself and sends email after commit."""

import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.messaging import send_templated_email
from accounts.models import User
from accounts.services import complete_identity_verification
from audit.models import AuditEvent
from audit.services import record_event
from qpp_portal import clock
from qpp_portal.links import absolute_url

from . import documents
from .backends import get_proofing_backends, load_backend
from .backends.base import Outcome, ProofingResult, ProofingStart
from .credit import generate_credit_file, profile_digest
from .models import CreditFile, ManualProofingCase, ProofingAttempt, ProofingDocument
from .selectors import manual_proofing_reason, ssn_in_use_elsewhere


class ProofingError(Exception):
    """The step cannot be taken now; the message tells the person why and what to do."""


def new_reference():
    """Return a 12-digit reference number (odds of a repeat are about one in 10^12)."""
    return f"{secrets.randbelow(10**12):012d}"


def ensure_credit_file(*, user):
    """Return ``user``'s simulated credit file, (re)generating it if the profile changed."""
    digest = profile_digest(user)
    existing = CreditFile.objects.filter(user=user).first()
    if existing is not None and existing.profile_digest == digest:
        return existing
    values = generate_credit_file(user)
    credit_file, _ = CreditFile.objects.update_or_create(
        user=user, defaults={**values, "generated_at": timezone.now()}
    )
    return credit_file


def lock_user(user):
    return User.objects.select_for_update().get(pk=user.pk)


def start_proofing(*, user, request=None):
    """Start remote proofing for an unverified person and return the attempt.

    Return the open attempt if one is still running (one past its time limit fails as
    expired first). Otherwise ask each backend of ``settings.PROOFING_BACKENDS`` in turn
    until one accepts the person; if none does, the attempt ends in manual review. An
    attempt that ended at once (verified, failed or manual review) is recorded before it
    is returned. Raise ProofingError if the person is not waiting to be proofed or must
    use manual proofing (no SSN, or too many failures: ``selectors.manual_proofing_reason``).
    """
    with transaction.atomic():
        person = lock_user(user)
        if person.identity_status != User.IdentityStatus.UNVERIFIED:
            raise ProofingError("Your identity is already verified or waiting for review.")
        current = (
            ProofingAttempt.objects.select_for_update()
            .filter(user=person, status=ProofingAttempt.Status.IN_PROGRESS)
            .first()
        )
        if current is not None and not current.is_expired:
            return current
        if current is not None:
            expire_attempt(attempt=current, request=request)
        attempt = None if manual_proofing_reason(person) else begin_attempt(person, request)
    if attempt is None:
        # Raised after the commit, so that the expiry above still counts as a failure.
        raise ProofingError("Verify your identity by uploading documents instead.")
    user.identity_status = person.identity_status
    user.identity_verified_at = person.identity_verified_at
    return attempt


def begin_attempt(person, request):
    """Run the backends for a locked, unverified person with no open attempt."""
    path, begun = "", None
    for path, backend in get_proofing_backends():  # noqa: B007 - the accepting path is kept
        begun = backend.start(user=person)
        if begun is not None:
            break
    if begun is None:
        # Nobody would take the person: documents and a reviewer are the way left.
        path, begun = "", ProofingStart(result=ProofingResult(outcome=Outcome.MANUAL_REVIEW))
    now = clock.now()
    attempt = ProofingAttempt(user=person, backend=path, started_at=now)
    record_event(
        action=AuditEvent.Action.PROOFING_STARTED,
        request=request,
        actor=person,
        backend=path or "none",
    )
    if begun.result is not None:
        return record_result(attempt=attempt, result=begun.result, request=request)
    if not begun.questions:
        raise ImproperlyConfigured(f"{path}.start() returned neither questions nor a result")
    attempt.questions = [
        {"key": q.key, "prompt": q.prompt, "choices": [[c.value, c.label] for c in q.choices]}
        for q in begun.questions
    ]
    attempt.backend_state = begun.state
    attempt.expires_at = now + settings.PROOFING_QUIZ_TIME_LIMIT
    attempt.save()
    return attempt


def record_result(*, attempt, result, request=None):
    """Save how ``attempt`` ended; complete verification if it passed. Call inside atomic."""
    attempt.completed_at = clock.now()
    attempt.correct_count = result.correct
    attempt.question_count = result.total
    attempt.evidence = result.detail
    attempt.backend_state = {}  # the answer key is not needed once scored
    if result.outcome == Outcome.VERIFIED and ssn_in_use_elsewhere(attempt.user):
        # Another account took this SSN while the questions were answered: the help desk
        # decides (HARP allows one account per person).
        result = ProofingResult(
            outcome=Outcome.MANUAL_REVIEW, correct=result.correct, total=result.total
        )
    if result.outcome == Outcome.VERIFIED:
        attempt.status = ProofingAttempt.Status.VERIFIED
        attempt.save()
        complete_identity_verification(user=attempt.user, method="remote", request=request)
    elif result.outcome == Outcome.FAILED:
        attempt.status = ProofingAttempt.Status.FAILED
        attempt.reference = result.reference or new_reference()
        attempt.save()
        record_event(
            action=AuditEvent.Action.PROOFING_FAILED,
            request=request,
            actor=attempt.user,
            backend=attempt.backend,
            reference=attempt.reference,
            correct=result.correct,
            total=result.total,
        )
    elif result.outcome == Outcome.MANUAL_REVIEW:
        attempt.status = ProofingAttempt.Status.MANUAL_REVIEW
        attempt.save()
    else:
        raise ImproperlyConfigured(f"{attempt.backend} returned an unknown outcome")
    return attempt


def expire_attempt(*, attempt, request=None):
    """End an attempt whose time ran out: a failure, with a reference like any other."""
    attempt.status = ProofingAttempt.Status.EXPIRED
    attempt.completed_at = clock.now()
    attempt.reference = new_reference()
    attempt.backend_state = {}
    attempt.evidence = {"reason": "time_limit"}
    attempt.save()
    record_event(
        action=AuditEvent.Action.PROOFING_FAILED,
        request=request,
        actor=attempt.user,
        backend=attempt.backend,
        reference=attempt.reference,
        reason="time_limit",
    )
    return attempt


def submit_answers(*, attempt, answers, request=None):
    """Score the person's answers and return the finished attempt.

    An attempt past its time limit fails as expired without being scored. Raise
    ProofingError if the attempt is no longer open or its backend was removed.
    """
    with transaction.atomic():
        locked = (
            ProofingAttempt.objects.select_for_update().select_related("user").get(pk=attempt.pk)
        )
        if locked.status != ProofingAttempt.Status.IN_PROGRESS:
            raise ProofingError("These questions were already answered.")
        if locked.is_expired:
            return expire_attempt(attempt=locked, request=request)
        try:
            backend = load_backend(locked.backend)
        except ImproperlyConfigured:
            locked.status = ProofingAttempt.Status.CANCELLED
            locked.completed_at = clock.now()
            locked.backend_state = {}
            locked.save()
            return locked
        result = backend.score(user=locked.user, state=locked.backend_state, answers=answers)
        return record_result(attempt=locked, result=result, request=request)


def extend_quiz(*, attempt):
    """Move the deadline of an open quiz one time limit on from now and return the
    attempt; raise ProofingError once PROOFING_QUIZ_EXTENSIONS are used, or when the
    attempt is closed or already past its deadline (WCAG 2.2.1: warn and allow extending)."""
    with transaction.atomic():
        locked = ProofingAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.status != ProofingAttempt.Status.IN_PROGRESS or locked.is_expired:
            raise ProofingError("These questions are closed; you can start again.")
        if locked.extensions_used >= settings.PROOFING_QUIZ_EXTENSIONS:
            raise ProofingError("You have had all the extra time allowed for these questions.")
        locked.expires_at = clock.now() + settings.PROOFING_QUIZ_TIME_LIMIT
        locked.extensions_used += 1
        locked.save(update_fields=["expires_at", "extensions_used"])
    return locked


def expire_if_due(*, attempt, request=None):
    """Fail an open attempt whose time ran out; return it either way."""
    with transaction.atomic():
        locked = ProofingAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.status == ProofingAttempt.Status.IN_PROGRESS and locked.is_expired:
            expire_attempt(attempt=locked, request=request)
    return locked


def redeem_reference(*, user, reference, request=None):
    """Verify the person with a reference number the bureau has cleared.

    Raise ProofingError, saying what to do, if the reference is not this person's, was
    used already or is not cleared yet. A pending manual case is withdrawn.
    """
    with transaction.atomic():
        person = lock_user(user)
        if person.identity_status == User.IdentityStatus.VERIFIED:
            return person
        attempt = (
            ProofingAttempt.objects.select_for_update()
            .filter(user=person, reference=reference, status__in=ProofingAttempt.FAILED_STATUSES)
            .first()
        )
        if attempt is None:
            raise ProofingError(
                "We could not find this reference number for your account. Check it against "
                "the number shown when your answers were not accepted."
            )
        if attempt.reference_used_at is not None:
            raise ProofingError("This reference number was already used.")
        if attempt.reference_cleared_at is None:
            raise ProofingError(
                "The bureau has not cleared this reference number yet. Call "
                f"{settings.PROOFING_BUREAU_PHONE} with the number ready, then enter it again."
            )
        attempt.reference_used_at = clock.now()
        attempt.save(update_fields=["reference_used_at"])
        ManualProofingCase.objects.filter(
            user=person, status=ManualProofingCase.Status.PENDING
        ).update(status=ManualProofingCase.Status.WITHDRAWN, decided_at=timezone.now())
        person = complete_identity_verification(
            user=person, method="remote_reference", request=request
        )
    user.identity_status = person.identity_status
    user.identity_verified_at = person.identity_verified_at
    return person


def clear_reference(*, attempt, reviewer, request=None):
    """Record that the bureau verified the caller of ``attempt``'s reference number.

    Raise ProofingError if the attempt did not fail or its reference was used.
    """
    with transaction.atomic():
        locked = ProofingAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.user_id == reviewer.pk:
            raise ProofingError("You cannot clear your own reference number.")
        if locked.status not in ProofingAttempt.FAILED_STATUSES or not locked.reference:
            raise ProofingError("Only the reference number of a failed attempt can be cleared.")
        if locked.reference_used_at is not None:
            raise ProofingError("This reference number was already used.")
        if locked.reference_cleared_at is not None:
            return locked
        locked.reference_cleared_at = clock.now()
        locked.reference_cleared_by = reviewer
        locked.save(update_fields=["reference_cleared_at", "reference_cleared_by"])
        record_event(
            action=AuditEvent.Action.PROOFING_REFERENCE_CLEARED,
            request=request,
            actor=reviewer,
            subject=locked.user,
            reference=locked.reference,
        )
    return locked


def stage_document(*, user, slot, uploaded, content_type, extension):
    """Keep a valid upload for ``slot`` until the form is submitted, replacing an older one."""
    name = documents.save_file(uploaded, extension)
    # If the transaction rolls back the new file is left orphaned in private storage;
    # it has a random name and no row, so nobody can reach it.
    with transaction.atomic():
        old = (
            ProofingDocument.objects.select_for_update()
            .filter(user=user, slot=slot, case__isnull=True)
            .first()
        )
        if old is not None:
            old_name = old.stored_name
            old.delete()
            transaction.on_commit(lambda: documents.delete_file(old_name))
        return ProofingDocument.objects.create(
            user=user,
            slot=slot,
            stored_name=name,
            content_type=content_type,
            size=uploaded.size,
            original_name=documents.display_name(uploaded.name),
        )


def submit_manual_proofing(*, user, photo_id_type, request=None):
    """Open a manual proofing case with the person's three staged documents.

    Set the person's status to MANUAL_REVIEW and email a receipt. Raise ProofingError
    if they are verified, already waiting, or a document is missing.
    """
    with transaction.atomic():
        person = lock_user(user)
        if person.identity_status == User.IdentityStatus.VERIFIED:
            raise ProofingError("Your identity is already verified.")
        if ManualProofingCase.objects.filter(
            user=person, status=ManualProofingCase.Status.PENDING
        ).exists():
            raise ProofingError("Your documents are already waiting for review.")
        staged = list(
            ProofingDocument.objects.select_for_update().filter(user=person, case__isnull=True)
        )
        if {d.slot for d in staged} != set(ProofingDocument.Slot.values):
            raise ProofingError("Upload all three documents.")
        case = ManualProofingCase.objects.create(
            user=person,
            photo_id_type=photo_id_type,
            opened_because=manual_proofing_reason(person),
        )
        ProofingDocument.objects.filter(pk__in=[d.pk for d in staged]).update(case=case)
        person.identity_status = User.IdentityStatus.MANUAL_REVIEW
        person.save(update_fields=["identity_status"])
        record_event(
            action=AuditEvent.Action.MANUAL_PROOFING_SUBMITTED,
            request=request,
            actor=person,
            case=case.pk,
        )
        status_url = absolute_url(request, "proofing:status")
        send_templated_email(
            app="proofing",
            name="manual_submitted",
            to=person.email,
            context={"user": person, "case": case, "status_url": status_url},
        )
    user.identity_status = person.identity_status
    return case


def lock_pending_case(case, reviewer):
    locked = ManualProofingCase.objects.select_for_update().select_related("user").get(pk=case.pk)
    if locked.status != ManualProofingCase.Status.PENDING:
        raise ProofingError("This case was already decided.")
    if locked.user_id == reviewer.pk:
        raise ProofingError("You cannot review your own documents.")
    return locked


def approve_manual_proofing(*, case, reviewer, request=None):
    """Approve a pending case: verify the person, audit, and email them."""
    with transaction.atomic():
        locked = lock_pending_case(case, reviewer)
        locked.status = ManualProofingCase.Status.APPROVED
        locked.decided_at = timezone.now()
        locked.decided_by = reviewer
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        record_event(
            action=AuditEvent.Action.MANUAL_PROOFING_APPROVED,
            request=request,
            actor=reviewer,
            subject=locked.user,
            case=locked.pk,
        )
        person = complete_identity_verification(user=locked.user, method="manual", request=request)
        sign_in_url = absolute_url(request, "accounts:sign_in")
        send_templated_email(
            app="proofing",
            name="manual_approved",
            to=person.email,
            context={"user": person, "sign_in_url": sign_in_url},
        )
    return locked


def reject_manual_proofing(*, case, reviewer, reason, request=None):
    """Reject a pending case with a reason; the person may submit again. Audit and email."""
    reason = reason.strip()
    if not reason:
        raise ProofingError("Give the reason for the rejection.")
    with transaction.atomic():
        locked = lock_pending_case(case, reviewer)
        person = lock_user(locked.user)
        locked.status = ManualProofingCase.Status.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = reviewer
        locked.decision_reason = reason
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        if person.identity_status == User.IdentityStatus.MANUAL_REVIEW:
            person.identity_status = User.IdentityStatus.UNVERIFIED
            person.save(update_fields=["identity_status"])
        # The reason stays on the case, not in the audit log: reviewers write it freely.
        record_event(
            action=AuditEvent.Action.MANUAL_PROOFING_REJECTED,
            request=request,
            actor=reviewer,
            subject=person,
            case=locked.pk,
        )
        resubmit_url = absolute_url(request, "proofing:manual")
        send_templated_email(
            app="proofing",
            name="manual_rejected",
            to=person.email,
            context={"user": person, "reason": reason, "resubmit_url": resubmit_url},
        )
    return locked


def record_document_view(*, document, viewer, request=None):
    """Audit that ``viewer`` downloaded ``document``."""
    record_event(
        action=AuditEvent.Action.PROOFING_DOCUMENT_VIEWED,
        request=request,
        actor=viewer,
        subject=document.user,
        document=str(document.public_id),
        slot=document.slot,
        case=document.case_id,
    )
