"""Performance feedback, eligibility, exception applications and opt-in elections.

Feedback and eligibility are reference data CMS computes (here: ``generate_feedback_data``);
people never edit them. Exception applications and opt-in elections are what people file,
through ``feedback.services``. The database enforces what must always hold: score ranges,
weights that add up to 100, one report per subject and year, one election per year.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from organizations.models import FIRST_PERFORMANCE_YEAR, LAST_PERFORMANCE_YEAR

YEAR_RANGE = Q(performance_year__gte=FIRST_PERFORMANCE_YEAR) & Q(
    performance_year__lte=LAST_PERFORMANCE_YEAR
)
CATEGORY_FIELDS = ("quality", "promoting_interoperability", "improvement_activities", "cost")


def _score_field(verbose_name):
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, null=True, blank=True)


class FeedbackReport(models.Model):
    """The final score of one practice (group), one clinician in a practice (individual), one
    APM entity or one virtual group for a performance year, with its category scores, the
    weights they counted for and the payment adjustment it leads to two years later.

    A category weighted 0 was not scored (reweighted); its score is then empty.
    """

    class Level(models.TextChoices):
        GROUP = "group", "Group"
        INDIVIDUAL = "individual", "Individual"
        APM_ENTITY = "apm_entity", "APM Entity"
        VIRTUAL_GROUP = "virtual_group", "Virtual group"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="feedback_reports"
    )
    clinician = models.ForeignKey(
        "organizations.Clinician",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_reports",
        help_text="Individual reports only.",
    )
    performance_year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=16, choices=Level.choices)
    final_score = models.DecimalField(max_digits=5, decimal_places=2)
    quality = _score_field("Quality")
    promoting_interoperability = _score_field("Promoting Interoperability")
    improvement_activities = _score_field("Improvement Activities")
    cost = _score_field("Cost")
    quality_weight = models.PositiveSmallIntegerField()
    promoting_interoperability_weight = models.PositiveSmallIntegerField()
    improvement_activities_weight = models.PositiveSmallIntegerField()
    cost_weight = models.PositiveSmallIntegerField()
    payment_adjustment = models.DecimalField(
        "payment adjustment (%)",
        max_digits=6,
        decimal_places=3,
        help_text="Percent, applied to Part B payments in the payment year.",
    )

    class Meta:
        ordering = ["-performance_year", "level", "clinician__last_name", "id"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="feedback_report_year"),
            models.CheckConstraint(
                condition=Q(level__in=["group", "individual", "apm_entity", "virtual_group"]),
                name="feedback_report_level",
            ),
            models.CheckConstraint(
                condition=Q(final_score__gte=0, final_score__lte=100),
                name="feedback_final_score_range",
            ),
            *[
                models.CheckConstraint(
                    condition=(
                        Q(**{f"{name}__isnull": True, f"{name}_weight": 0})
                        | Q(**{f"{name}__gte": 0, f"{name}__lte": 100, f"{name}_weight__gt": 0})
                    ),
                    name=f"feedback_{name}_scored_when_weighted",
                )
                for name in CATEGORY_FIELDS
            ],
            models.CheckConstraint(
                condition=Q(
                    quality_weight=100
                    - F("promoting_interoperability_weight")
                    - F("improvement_activities_weight")
                    - F("cost_weight")
                ),
                name="feedback_weights_total_100",
            ),
            # The largest possible swing: -9% up to 9% x a scaling factor of at most 3 plus
            # a 10% exceptional bonus.
            models.CheckConstraint(
                condition=Q(payment_adjustment__gte=-9, payment_adjustment__lte=37),
                name="feedback_adjustment_range",
            ),
            models.CheckConstraint(
                condition=(Q(level="individual") & Q(clinician__isnull=False))
                | (~Q(level="individual") & Q(clinician__isnull=True)),
                name="feedback_clinician_iff_individual",
            ),
            models.UniqueConstraint(
                fields=["organization", "performance_year", "level"],
                condition=Q(clinician__isnull=True),
                name="feedback_one_report_per_organization_year",
            ),
            models.UniqueConstraint(
                fields=["organization", "performance_year", "clinician"],
                condition=Q(clinician__isnull=False),
                name="feedback_one_report_per_clinician_year",
            ),
        ]
        indexes = [models.Index(fields=["organization", "performance_year"])]

    def __str__(self):
        who = self.clinician or self.organization
        return f"{who} {self.performance_year}: {self.final_score}"

    @property
    def payment_year(self):
        return self.performance_year + 2

    def categories(self):
        """Return [(label, score or None, weight)] in the order feedback shows them."""
        return [
            (
                self._meta.get_field(name).verbose_name,
                getattr(self, name),
                getattr(self, f"{name}_weight"),
            )
            for name in CATEGORY_FIELDS
        ]


class QpStatus(models.TextChoices):
    """Qualifying APM Participant status (42 CFR 414.1425)."""

    QUALIFYING = "Y", "Qualifying APM Participant"
    PARTIAL = "P", "Partial Qualifying APM Participant"
    NOT_QUALIFYING = "N", "Not a Qualifying APM Participant"


class PracticeEligibility(models.Model):
    """A practice's standing as a group for a performance year: the low-volume test over the
    whole TIN, and whether the group may opt in (exceeds one or two criteria, not all)."""

    practice = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="eligibility_years"
    )
    performance_year = models.PositiveSmallIntegerField()
    allowed_charges = models.PositiveIntegerField(help_text="Part B allowed charges, dollars.")
    beneficiaries = models.PositiveIntegerField()
    services = models.PositiveIntegerField()
    below_charges = models.BooleanField()
    below_beneficiaries = models.BooleanField()
    below_services = models.BooleanField()
    opt_in_eligible = models.BooleanField(default=False)
    small_practice = models.BooleanField(default=False, help_text="15 or fewer clinicians.")
    rural = models.BooleanField(default=False)

    class Meta:
        ordering = ["-performance_year"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="practice_eligibility_year"),
            models.UniqueConstraint(
                fields=["practice", "performance_year"], name="one_practice_eligibility_per_year"
            ),
            # Opting in is for those under at least one criterion but not under all three.
            models.CheckConstraint(
                condition=Q(opt_in_eligible=False)
                | (
                    (Q(below_charges=True) | Q(below_beneficiaries=True) | Q(below_services=True))
                    & ~Q(below_charges=True, below_beneficiaries=True, below_services=True)
                ),
                name="practice_opt_in_needs_partial_low_volume",
            ),
        ]

    def __str__(self):
        return f"{self.practice} ({self.performance_year})"

    @property
    def low_volume(self):
        return self.below_charges or self.below_beneficiaries or self.below_services


class ClinicianEligibility(models.Model):
    """A clinician's MIPS eligibility under one practice for a performance year, individually
    and as part of the group, with the reasons: low volume, newly enrolled, QP status,
    clinician type."""

    clinician = models.ForeignKey(
        "organizations.Clinician", on_delete=models.CASCADE, related_name="eligibility_years"
    )
    practice = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="clinician_eligibility",
    )
    performance_year = models.PositiveSmallIntegerField()
    below_charges = models.BooleanField()
    below_beneficiaries = models.BooleanField()
    below_services = models.BooleanField()
    newly_enrolled = models.BooleanField(default=False)
    eligible_clinician_type = models.BooleanField(default=True)
    qp_status = models.CharField(
        max_length=1, choices=QpStatus.choices, default=QpStatus.NOT_QUALIFYING
    )
    individual_eligible = models.BooleanField("required to report individually")
    group_eligible = models.BooleanField("included when the practice reports as a group")
    opt_in_eligible = models.BooleanField(default=False)

    class Meta:
        ordering = ["-performance_year", "clinician__last_name", "clinician__first_name"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="clinician_eligibility_year"),
            models.UniqueConstraint(
                fields=["clinician", "practice", "performance_year"],
                name="one_clinician_eligibility_per_practice_year",
            ),
            models.CheckConstraint(condition=Q(qp_status__in=["Y", "P", "N"]), name="qp_status"),
            # Anyone excluded for a reason is not required to report individually...
            models.CheckConstraint(
                condition=Q(individual_eligible=False)
                | Q(
                    below_charges=False,
                    below_beneficiaries=False,
                    below_services=False,
                    newly_enrolled=False,
                    eligible_clinician_type=True,
                    qp_status="N",
                ),
                name="individual_eligible_has_no_exclusion",
            ),
            # ...and the reasons that follow the person exclude them from the group too.
            models.CheckConstraint(
                condition=Q(group_eligible=False)
                | Q(newly_enrolled=False, eligible_clinician_type=True, qp_status="N"),
                name="group_eligible_has_no_personal_exclusion",
            ),
            models.CheckConstraint(
                condition=Q(opt_in_eligible=False)
                | (
                    (Q(below_charges=True) | Q(below_beneficiaries=True) | Q(below_services=True))
                    & ~Q(below_charges=True, below_beneficiaries=True, below_services=True)
                    & Q(newly_enrolled=False, eligible_clinician_type=True, qp_status="N")
                ),
                name="clinician_opt_in_needs_partial_low_volume",
            ),
        ]

    def __str__(self):
        return f"{self.clinician} under {self.practice} ({self.performance_year})"

    @property
    def low_volume(self):
        return self.below_charges or self.below_beneficiaries or self.below_services

    def reasons(self):
        """Return why the clinician is not required to report individually, in words."""
        reasons = []
        if self.below_charges:
            reasons.append("Allowed charges at or below the low-volume threshold")
        if self.below_beneficiaries:
            reasons.append("Medicare patients at or below the low-volume threshold")
        if self.below_services:
            reasons.append("Covered services at or below the low-volume threshold")
        if self.newly_enrolled:
            reasons.append("Newly enrolled in Medicare")
        if not self.eligible_clinician_type:
            reasons.append("Not a MIPS eligible clinician type")
        if self.qp_status == QpStatus.QUALIFYING:
            reasons.append("Qualifying APM Participant")
        return reasons


class ApmIncentivePayment(models.Model):
    """The APM incentive payment a Qualifying APM Participant earned in a performance year,
    paid two years later (42 CFR 414.1450)."""

    clinician = models.ForeignKey(
        "organizations.Clinician", on_delete=models.CASCADE, related_name="apm_incentives"
    )
    entity = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="apm_incentives"
    )
    performance_year = models.PositiveSmallIntegerField()
    percent = models.DecimalField(max_digits=4, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["-performance_year"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="apm_incentive_year"),
            models.UniqueConstraint(
                fields=["clinician", "performance_year"], name="one_apm_incentive_per_year"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=5, amount__gte=0),
                name="apm_incentive_amounts",
            ),
        ]

    def __str__(self):
        return f"{self.clinician} {self.performance_year}: {self.amount}"

    @property
    def payment_year(self):
        return self.performance_year + 2


class ExceptionApplication(models.Model):
    """An application to reweight MIPS categories for a performance year, for a whole
    practice or APM entity (no clinician) or one clinician in it."""

    class Kind(models.TextChoices):
        EXTREME_AND_UNCONTROLLABLE = "euc", "Extreme and Uncontrollable Circumstances"
        PI_HARDSHIP = "pi_hardship", "Promoting Interoperability hardship"

    class Reason(models.TextChoices):
        NATURAL_DISASTER = "natural_disaster", "Natural disaster"
        PUBLIC_HEALTH_EMERGENCY = "public_health_emergency", "Public health emergency"
        PRACTICE_CLOSURE = "practice_closure", "Practice closure or severe financial distress"
        VENDOR_ISSUE = "vendor_issue", "Vendor issue (EHR or registry)"
        SMALL_PRACTICE = "small_practice", "Small practice"
        DECERTIFIED_EHR = "decertified_ehr", "Decertified EHR technology"
        INSUFFICIENT_INTERNET = "insufficient_internet", "Insufficient internet connectivity"
        NO_CONTROL_OF_CEHRT = "no_control_of_cehrt", "Lack of control over certified EHR"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        WITHDRAWN = "withdrawn", "Withdrawn"

    EUC_REASONS = (
        Reason.NATURAL_DISASTER,
        Reason.PUBLIC_HEALTH_EMERGENCY,
        Reason.PRACTICE_CLOSURE,
        Reason.VENDOR_ISSUE,
    )
    PI_REASONS = (
        Reason.SMALL_PRACTICE,
        Reason.DECERTIFIED_EHR,
        Reason.INSUFFICIENT_INTERNET,
        Reason.NO_CONTROL_OF_CEHRT,
        Reason.NATURAL_DISASTER,
    )
    OPEN_STATUSES = (Status.SUBMITTED, Status.APPROVED)

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="exception_applications",
    )
    clinician = models.ForeignKey(
        "organizations.Clinician",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exception_applications",
    )
    performance_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(max_length=24, choices=Reason.choices)
    quality = models.BooleanField(default=False)
    cost = models.BooleanField(default=False)
    improvement_activities = models.BooleanField(default=False)
    promoting_interoperability = models.BooleanField(default=False)
    start_date = models.DateField()
    end_date = models.DateField()
    description = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="exception_year"),
            models.CheckConstraint(
                condition=Q(kind__in=["euc", "pi_hardship"]), name="exception_kind"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "approved", "denied", "withdrawn"]),
                name="exception_status",
            ),
            models.CheckConstraint(
                condition=Q(quality=True)
                | Q(cost=True)
                | Q(improvement_activities=True)
                | Q(promoting_interoperability=True),
                name="exception_names_a_category",
            ),
            # A PI hardship reweights Promoting Interoperability and nothing else.
            models.CheckConstraint(
                condition=~Q(kind="pi_hardship")
                | Q(
                    promoting_interoperability=True,
                    quality=False,
                    cost=False,
                    improvement_activities=False,
                ),
                name="pi_hardship_is_pi_only",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="exception_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "withdrawn"]) | Q(decided_at__isnull=False),
                name="exception_decision_has_time",
            ),
            models.UniqueConstraint(
                fields=["organization", "performance_year", "kind"],
                condition=Q(clinician__isnull=True, status__in=["submitted", "approved"]),
                name="one_open_group_exception_per_kind_year",
            ),
            models.UniqueConstraint(
                fields=["organization", "clinician", "performance_year", "kind"],
                condition=Q(clinician__isnull=False, status__in=["submitted", "approved"]),
                name="one_open_clinician_exception_per_kind_year",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.performance_year} ({self.status})"

    def category_labels_keys(self):
        """Return the names of the categories the application asks to reweight."""
        return {
            name
            for name in ("quality", "cost", "improvement_activities", "promoting_interoperability")
            if getattr(self, name)
        }

    def category_labels(self):
        return [
            label
            for name, label in (
                ("quality", "Quality"),
                ("cost", "Cost"),
                ("improvement_activities", "Improvement Activities"),
                ("promoting_interoperability", "Promoting Interoperability"),
            )
            if getattr(self, name)
        ]


class OptInElection(models.Model):
    """A practice's election, for itself as a group (no clinician) or for one clinician, to
    opt in to MIPS, report voluntarily, or decline, for one performance year. Irrevocable:
    one per subject and year."""

    class Decision(models.TextChoices):
        OPT_IN = "opt_in", "Opt in to MIPS (receive a payment adjustment)"
        VOLUNTARY = "voluntary", "Report voluntarily (no payment adjustment)"
        DECLINE = "decline", "Do not report (decline)"

    practice = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="opt_in_elections"
    )
    clinician = models.ForeignKey(
        "organizations.Clinician",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opt_in_elections",
    )
    performance_year = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["-performance_year", "-made_at"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="opt_in_year"),
            models.CheckConstraint(
                condition=Q(decision__in=["opt_in", "voluntary", "decline"]),
                name="opt_in_decision",
            ),
            models.UniqueConstraint(
                fields=["practice", "performance_year"],
                condition=Q(clinician__isnull=True),
                name="one_group_election_per_year",
            ),
            models.UniqueConstraint(
                fields=["practice", "clinician", "performance_year"],
                condition=Q(clinician__isnull=False),
                name="one_clinician_election_per_year",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.performance_year})"


class PublicReportingFlag(models.Model):
    """A figure of the public reporting preview (the final score, a category score or one
    measure's rate) that the organization asks CMS to review before Care Compare publishes
    it. The help desk sees the open ones and closes each with a note."""

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting review"
        RESOLVED = "resolved", "Reviewed"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="public_reporting_flags",
    )
    performance_year = models.PositiveSmallIntegerField()
    figure = models.CharField(
        max_length=60, help_text="Which figure: final_score, a category name or measure:<id>."
    )
    figure_label = models.CharField(max_length=200)
    shown_value = models.CharField(max_length=40, help_text="The value the preview showed.")
    reason = models.TextField(max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-flagged_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="public_reporting_flag_year"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "resolved"]), name="public_reporting_flag_status"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(resolved_at__isnull=False),
                name="public_reporting_flag_resolved_has_time",
            ),
            # One open request per figure: a second flag adds nothing the reviewer needs.
            models.UniqueConstraint(
                fields=["organization", "performance_year", "figure"],
                condition=Q(status="open"),
                name="one_open_public_reporting_flag_per_figure",
            ),
        ]

    def __str__(self):
        return f"{self.figure_label} {self.performance_year} ({self.status})"
