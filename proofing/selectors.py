"""Reads and permission-checked getters for proofing."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User, keyed_digests
from accounts.selectors import is_help_desk
from qpp_portal import clock

from .models import ManualProofingCase, ProofingAttempt, ProofingDocument

# Manual proofing cases are reviewed by the help desk.
is_reviewer = is_help_desk


def require_reviewer(user):
    """Raise PermissionDenied unless ``user`` may act as the help desk."""
    if not is_reviewer(user):
        raise PermissionDenied


def recent_failure_count(user):
    """Count the person's failed or timed-out question sets within the failure window."""
    since = clock.now() - settings.PROOFING_FAILURE_WINDOW
    return ProofingAttempt.objects.filter(
        user=user, status__in=ProofingAttempt.FAILED_STATUSES, completed_at__gte=since
    ).count()


def manual_proofing_reason(user):
    """Return why the person must use manual proofing now, or "".

    "no_ssn", "ssn_in_use" (another account already claims this SSN: HARP allows one
    account per person, so the help desk decides), "too_many_failures" or "name_changed"
    (the legal name changed after proofing: documents showing the new name, checked by the
    help desk, prove it; a quiz built from the profile would not).
    """
    if user.legal_name_changed_since_proofing:
        return "name_changed"
    if not user.ssn:
        return "no_ssn"
    if ssn_in_use_elsewhere(user):
        return "ssn_in_use"
    if recent_failure_count(user) >= settings.PROOFING_FAILURE_LIMIT:
        return "too_many_failures"
    return ""


def ssn_in_use_elsewhere(user):
    """Say whether another account that is verified, or waiting for review, has this SSN.

    Looked up by the keyed digest under every digest key in use, so a rotated key still
    finds accounts digested with the old one.
    """
    if not user.ssn:
        return False
    return (
        User.objects.filter(
            ssn_digest__in=keyed_digests(user.ssn, "ssn"),
            identity_status__in=[User.IdentityStatus.VERIFIED, User.IdentityStatus.MANUAL_REVIEW],
        )
        .exclude(pk=user.pk)
        .exists()
    )


def open_attempt(user):
    return ProofingAttempt.objects.filter(
        user=user, status=ProofingAttempt.Status.IN_PROGRESS
    ).first()


def latest_failed_attempt(user):
    return (
        ProofingAttempt.objects.filter(user=user, status__in=ProofingAttempt.FAILED_STATUSES)
        .order_by("-completed_at", "-id")
        .first()
    )


def pending_case(user):
    return ManualProofingCase.objects.filter(
        user=user, status=ManualProofingCase.Status.PENDING
    ).first()


def latest_case(user):
    return ManualProofingCase.objects.filter(user=user).order_by("-submitted_at", "-id").first()


def staged_documents(user):
    """Return the person's valid uploads not yet submitted, by slot."""
    return {d.slot: d for d in ProofingDocument.objects.filter(user=user, case__isnull=True)}


def review_queue(user):
    """Return pending cases, oldest first, for a reviewer; raise PermissionDenied otherwise."""
    require_reviewer(user)
    return (
        ManualProofingCase.objects.filter(status=ManualProofingCase.Status.PENDING)
        # A reviewer's own case is decided by someone else.
        .exclude(user=user)
        .select_related("user")
        .annotate(document_count=Count("documents"))
        .order_by("submitted_at", "id")
    )


def get_case_for_reviewer(user, case_id):
    """Return a case with its person and documents; PermissionDenied for non-reviewers."""
    require_reviewer(user)
    return get_object_or_404(
        ManualProofingCase.objects.select_related("user", "decided_by").prefetch_related(
            "documents"
        ),
        pk=case_id,
    )


def get_document_for_user(user, public_id):
    """Return a document its owner or a reviewer may read; Http404 for anyone else.

    Not found and not yours look the same, so nobody learns which documents exist.
    """
    document = (
        ProofingDocument.objects.select_related("user", "case").filter(public_id=public_id).first()
    )
    if document is None:
        raise Http404
    if document.user_id == user.pk or is_reviewer(user):
        return document
    raise Http404


def outstanding_references(user, reference=""):
    """Return failed attempts whose reference the bureau has not cleared, oldest first."""
    require_reviewer(user)
    attempts = (
        ProofingAttempt.objects.filter(
            status__in=ProofingAttempt.FAILED_STATUSES, reference_used_at__isnull=True
        )
        .exclude(user=user)
        .select_related("user", "reference_cleared_by")
    )
    if reference:
        return attempts.filter(reference=reference)
    return attempts.filter(reference_cleared_at__isnull=True).order_by("completed_at", "id")


def attempts_for_review(person):
    return ProofingAttempt.objects.filter(user=person).order_by("-started_at", "-id")
