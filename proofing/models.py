import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qpp_portal import clock


class CreditFile(models.Model):
    """A person's simulated credit file, generated from their profile (see ``proofing.credit``).

    Blank values mean the person has no such account: the right answer to a question
    about it is "None of the above". The SSN is never stored here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_file"
    )
    profile_digest = models.CharField(
        max_length=64, help_text="Keyed hash of the profile it was generated from"
    )
    mortgage_servicer = models.CharField(max_length=100, blank=True)
    auto_lender = models.CharField(max_length=100, blank=True)
    student_loan_servicer = models.CharField(max_length=100, blank=True)
    credit_card_issuers = models.JSONField(default=list, blank=True)
    current_employer = models.CharField(max_length=100, blank=True)
    previous_employer = models.CharField(max_length=100, blank=True)
    bedrooms = models.PositiveSmallIntegerField()
    previous_addresses = models.JSONField(
        default=list, blank=True, help_text="Street addresses of the last five years"
    )
    generated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Simulated credit file of {self.user}"


class ProofingAttempt(models.Model):
    """One run of a proofing backend for a person: the outcome and its evidence.

    Holds who, when, which backend, the result, the score and the reference number; the
    answer key lives in ``backend_state`` only while the questions are open and is
    erased when they are scored. The person's chosen answers are never stored.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "Answering questions"
        VERIFIED = "verified", "Verified"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Failed: time ran out"
        MANUAL_REVIEW = "manual_review", "Sent to manual proofing"
        CANCELLED = "cancelled", "Cancelled"

    FAILED_STATUSES = (Status.FAILED, Status.EXPIRED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proofing_attempts"
    )
    backend = models.CharField(max_length=200, help_text="Dotted path of the backend")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    questions = models.JSONField(
        default=list, blank=True, help_text="Questions and choices as shown, no answers"
    )
    backend_state = models.JSONField(
        default=dict, blank=True, help_text="The backend's private state while answering"
    )
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    reference = models.CharField(max_length=32, blank=True, default="")
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Times the person asked for more time (PROOFING_QUIZ_EXTENSIONS at most; WCAG 2.2.1).
    extensions_used = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reference_cleared_at = models.DateTimeField(null=True, blank=True)
    reference_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reference_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="in_progress"),
                name="proofing_one_attempt_in_progress",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="proofing_reference_unique",
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.user}, {self.started_at:%Y-%m-%d %H:%M})"

    @property
    def is_expired(self):
        return self.expires_at is not None and clock.now() >= self.expires_at

    @property
    def reference_display(self):
        """Group the reference in fours so people can read it over the phone."""
        ref = self.reference
        return "-".join(ref[i : i + 4] for i in range(0, len(ref), 4))


class ManualProofingCase(models.Model):
    """A person's documents waiting for, or decided by, a help-desk reviewer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn: verified another way"

    class OpenedBecause(models.TextChoices):
        NO_SSN = "no_ssn", "No Social Security Number given"
        SSN_IN_USE = "ssn_in_use", "Another account already has this Social Security Number"
        TOO_MANY_FAILURES = "too_many_failures", "Too many failed question sets"

    class PhotoIdType(models.TextChoices):
        DRIVERS_LICENSE = "drivers_license", "Driver's license"
        US_PASSPORT = "us_passport", "U.S. passport"
        STATE_ID = "state_id", "State ID card"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manual_proofing_cases"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    photo_id_type = models.CharField(max_length=20, choices=PhotoIdType.choices)
    # Why the person was sent to manual proofing (proofing.selectors.manual_proofing_reason).
    opened_because = models.CharField(max_length=20, choices=OpenedBecause.choices, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="proofing_one_pending_case",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="proofing_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"Case {self.pk}: {self.user} ({self.get_status_display()})"


class ProofingDocument(models.Model):
    """One uploaded file, kept under ``settings.PRIVATE_MEDIA_ROOT`` with a random name.

    ``case`` is empty while the document is staged: it was valid but the rest of the
    form was not, so the person need not choose it again.
    """

    class Slot(models.TextChoices):
        PHOTO_ID = "photo_id", "Government photo ID"
        STATEMENT_1 = "statement_1", "First financial statement"
        STATEMENT_2 = "statement_2", "Second financial statement"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proofing_documents"
    )
    case = models.ForeignKey(
        ManualProofingCase,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    slot = models.CharField(max_length=20, choices=Slot.choices)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slot", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "slot"],
                condition=Q(case__isnull=True),
                name="proofing_one_staged_document_per_slot",
            )
        ]

    def __str__(self):
        return f"{self.get_slot_display()} of {self.user}"

    @property
    def extension(self):
        return self.stored_name.rsplit(".", 1)[-1]
