from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When

from qpp_portal.collation import ByteOrder

from .capabilities import Role

# Below every printable character, so a last name sorts before the longer ones it begins
# ("Smith" before "Smithe", "De" before "De La Cruz") as ordering by last, then first does.
SORT_NAME_SEPARATOR = "\t"


def member_sort_name_for(user):
    """Return ``user``'s name as the members page orders it: last name, then first name,
    case-folded (Membership.member_sort_name)."""
    return f"{user.last_name.strip()}{SORT_NAME_SEPARATOR}{user.first_name.strip()}".casefold()


def role_rank():
    """Return the role's place in the roles' declared order (0 for Security Officials) as
    an expression: Membership.role_rank's."""
    return Case(
        *(When(role=role, then=Value(index)) for index, role in enumerate(Role.values)),
        output_field=models.PositiveSmallIntegerField(),
    )


def member_order():
    """Return the members page's order: Security Officials, Staff Users, then Clinicians
    (the roles' declared order), each by sort name, then id.

    Membership's index "roles_membership_member_order" holds these after (organization,
    status); the page is read from it only while both match exactly, so the order is built
    here alone. They are columns, not the role's rank worked out in the query: a prepared
    query's plan for any organization has the rank's numbers as parameters, which no index
    matches, and sorted every member of a large organization for each page."""
    return (F("role_rank"), ByteOrder(F("member_sort_name")), F("id"))


def member_order_key(membership):
    """``member_order()`` in Python, for a page of memberships already read: Python
    compares strings by code point, which is the byte order of their UTF-8."""
    return (Role.values.index(membership.role), membership.member_sort_name, membership.pk)


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

        # The first Security Official of an organization proves the link themselves.
        VALIDATION = "validation", "The requester (validation details)"
        SECURITY_OFFICIAL = "security_official", "A Security Official of the organization"
        HELP_DESK = "help_desk", "The help desk (manual review)"

    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE)
    # Requests waiting for the help desk do not expire: the help desk decides every one.
    EXPIRING_AWAITING = (Awaiting.VALIDATION, Awaiting.SECURITY_OFFICIAL)

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
    # A copy of the member's name (member_sort_name_for), so that the members page is read
    # in order from an index rather than sorting every member joined to their user.
    # Set on creation (save) and by roles.services.refresh_member_sort_names on a rename.
    # Text, not a 101-character field: case folding may lengthen a name ("ß" → "ss").
    member_sort_name = models.TextField(editable=False, default="")
    # The role's place in the members page's order (role_rank), kept by the database.
    role_rank = models.GeneratedField(
        expression=role_rank(), output_field=models.PositiveSmallIntegerField(), db_persist=True
    )

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
        indexes = [
            models.Index(fields=["organization", "status", "role"]),
            models.Index(fields=["status", "expires_at"]),
            models.Index(
                F("organization"),
                F("status"),
                *member_order(),
                name="roles_membership_member_order",
            ),
            # A Security Official's requests to decide, oldest first.
            models.Index(
                fields=["organization", "status", "awaiting", "requested_at", "id"],
                name="roles_membership_requests",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.organization} ({self.status})"

    def save(self, *args, **kwargs):
        # Every way of creating a membership passes here (bulk_create aside, whose callers
        # set the field themselves), so no new row misses its place on the members page.
        if self._state.adding:
            self.member_sort_name = member_sort_name_for(self.user)
        super().save(*args, **kwargs)

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    def is_overdue(self, now):
        """Whether this request is past its expiry, not yet expired by the daily job: what
        ``roles.selectors.overdue_requests`` matches in SQL."""
        return (
            self.awaiting in self.EXPIRING_AWAITING
            and self.expires_at is not None
            and self.expires_at <= now
        )

    @property
    def needs_validation(self):
        return self.is_pending and self.awaiting == self.Awaiting.VALIDATION

    @property
    def in_manual_review(self):
        return self.is_pending and self.awaiting == self.Awaiting.HELP_DESK


class MembershipEvent(models.Model):
    """One step in a membership's history: who moved it, when, why."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"


class CallerVerification(models.Model):
    """What the help desk verified about a caller before vacating a Security Official.

    Holds the identity, business contact and professional details a caller gives (seed
    004's list) except the Social Security Number and date of birth, which the help desk
    checks against the caller's own account (``caller``) but this portal never stores
    anywhere else.
    """

    help_desk_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    # The caller.
    first_name = models.CharField(max_length=50)
    last_name = models.CharField(max_length=50)
    email = models.EmailField()
    phone = models.CharField(max_length=20)
    street_address = models.CharField("home street address", max_length=100)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2)
    zip_code = models.CharField("ZIP code", max_length=10)
    # Business contact.
    company_name = models.CharField(max_length=200)
    business_street_address = models.CharField(max_length=100)
    business_city = models.CharField(max_length=60)
    business_state = models.CharField(max_length=2)
    business_zip_code = models.CharField("business ZIP code", max_length=10)
    business_phone = models.CharField("company phone", max_length=20)
    office_phone = models.CharField(max_length=20, blank=True, default="")
    # Professional: one current practitioner billing under the TIN.
    practitioner_first_name = models.CharField(max_length=50)
    practitioner_last_name = models.CharField(max_length=50)
    legal_business_name = models.CharField(max_length=200)
    tin = models.CharField("TIN", max_length=9)
    npi = models.CharField("individual NPI", max_length=10)
    ptan = models.CharField("individual PTAN", max_length=10)
    practitioner_street_address = models.CharField(max_length=100, blank=True, default="")
    practitioner_city = models.CharField(max_length=60, blank=True, default="")
    practitioner_state = models.CharField(max_length=2, blank=True, default="")
    practitioner_zip_code = models.CharField(
        "practitioner ZIP code", max_length=10, blank=True, default=""
    )
    practitioner_phone = models.CharField(max_length=20, blank=True, default="")
    # The caller's own account, whose date of birth and SSN the help desk checked.
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    vacated_membership = models.OneToOneField(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caller_verification",
    )
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Caller {self.first_name} {self.last_name} for {self.organization}"


class ValidationAttempt(models.Model):
    """One try of a would-be first Security Official: what they typed (NPI and PTAN, APM
    Entity ID and TINs, or registry ID and TIN) and what the check said, so the help desk
    can compare it with the reference data when the request reaches its queue."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="validation_attempts"
    )
    evidence = models.JSONField(default=dict)
    failure_code = models.CharField(max_length=40, blank=True, help_text="Empty: it matched.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Validation try for {self.membership_id}: {self.failure_code or 'matched'}"


class AccessReview(models.Model):
    """The yearly access review of one organization: by ``deadline`` a Security Official
    confirms, per member, that they still need their role; roles left unconfirmed are
    removed (``roles.services.run_access_reviews``)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="access_reviews"
    )
    year = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    deadline = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "organization_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="roles_one_access_review_per_year"
            )
        ]

    def __str__(self):
        return f"Access review {self.year} of {self.organization_id}"

    @property
    def is_open(self):
        return self.closed_at is None


class AccessReviewItem(models.Model):
    """One member's role under review: confirmed by a Security Official, or removed at the
    deadline."""

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="items")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="access_review_items"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "membership"], name="roles_one_item_per_member_and_review"
            )
        ]

    def __str__(self):
        return f"Review item of membership {self.membership_id}"
