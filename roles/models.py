from django.conf import settings
from django.db import models
from django.db.models import Q

from .capabilities import Role


class Membership(models.Model):
    """A person's role in one organization: the request and the granted role in one row.

    Its status moves pending → active / denied / cancelled / expired, and active → revoked;
    every move is a MembershipEvent, written by roles.services.
    """

    Role = Role

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        DENIED = "denied", "Denied"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    class Awaiting(models.TextChoices):
        """Who must act on a pending request."""

        SECURITY_OFFICIAL = "security_official", "A Security Official of the organization"
        HELP_DESK = "help_desk", "The help desk (manual review)"

    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    awaiting = models.CharField(max_length=20, choices=Awaiting.choices, blank=True)
    clinician = models.ForeignKey(
        "organizations.Clinician",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="For the Clinician role: whose feedback this person may see.",
    )
    validation_failures = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(status__in=["pending", "active"]),
                name="roles_one_open_membership_per_organization",
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="roles_membership_role_valid"
            ),
            models.CheckConstraint(
                condition=~Q(role="clinician") | Q(clinician__isnull=False),
                name="roles_clinician_role_names_clinician",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | ~Q(awaiting=""),
                name="roles_pending_says_who_acts",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "role"])]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.organization} ({self.status})"


class MembershipEvent(models.Model):
    """One step in a membership's history: who moved it, when, why."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"
