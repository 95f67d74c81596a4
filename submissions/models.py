"""MIPS data in the shape of CMS's Submissions API: a submission per entity and performance
year, its measurement sets (one per category, submission method, program and submitter),
and their measurements. Also the registries' API tokens.

Submissions and measurement sets are shared objects, as at CMS: a practice's staff and every
registry that reports for it add sets to the same submission. Who submitted a set is
``MeasurementSet.submitter`` (the practice itself, or the registry).

Identifiers are UUIDs because the API hands them out: they say nothing about how many
others exist.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from organizations.models import NPI_REGEX, TIN_REGEX

from .catalogue import Category


class EntityType(models.TextChoices):
    INDIVIDUAL = "individual", "Individual clinician"
    GROUP = "group", "Group"
    VIRTUAL_GROUP = "virtualGroup", "Virtual group"
    APM_ENTITY = "apm", "APM Entity"


class SubmissionMethod(models.TextChoices):
    REGISTRY = "registry", "Registry (MIPS CQMs, QCDR measures, attestation)"
    ELECTRONIC_HEALTH_RECORD = "electronicHealthRecord", "Electronic health record (eCQMs)"


class CategoryChoice(models.TextChoices):
    QUALITY = Category.QUALITY, "Quality"
    IMPROVEMENT_ACTIVITIES = Category.IMPROVEMENT_ACTIVITIES, "Improvement Activities"
    PROMOTING_INTEROPERABILITY = Category.PROMOTING_INTEROPERABILITY, "Promoting Interoperability"


class Submission(models.Model):
    """All the MIPS data of one entity (clinician, group, virtual group or APM entity) for one
    performance year.

    A virtual group is identified by the identifier CMS gave it (``VG-12345``, the
    ``virtual_group_id`` of its Organization): its ``entity_id``, with no TIN.
    """

    EntityType = EntityType

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entity_type = models.CharField(max_length=16, choices=EntityType.choices)
    taxpayer_identification_number = models.CharField("TIN", max_length=9, blank=True)
    national_provider_identifier = models.CharField("NPI", max_length=10, blank=True)
    entity_id = models.CharField("entity ID", max_length=20, blank=True)
    performance_year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-performance_year", "entity_type", "taxpayer_identification_number"]
        constraints = [
            # One submission per entity and year; empty strings (not NULL) for identifiers an
            # entity type does not have, so the constraint also holds on SQLite and PostgreSQL
            # without NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=[
                    "entity_type",
                    "taxpayer_identification_number",
                    "national_provider_identifier",
                    "entity_id",
                    "performance_year",
                ],
                name="one_submission_per_entity_and_year",
            ),
            models.CheckConstraint(
                condition=Q(entity_type__in=EntityType.values), name="submission_entity_type"
            ),
            models.CheckConstraint(
                condition=Q(taxpayer_identification_number="")
                | Q(taxpayer_identification_number__regex=TIN_REGEX),
                name="submission_tin",
            ),
            models.CheckConstraint(
                condition=Q(national_provider_identifier="")
                | Q(national_provider_identifier__regex=NPI_REGEX),
                name="submission_npi",
            ),
            models.CheckConstraint(
                condition=(
                    Q(entity_type="individual")
                    & ~Q(taxpayer_identification_number="")
                    & ~Q(national_provider_identifier="")
                    & Q(entity_id="")
                )
                | (
                    Q(entity_type="group")
                    & ~Q(taxpayer_identification_number="")
                    & Q(national_provider_identifier="", entity_id="")
                )
                | (
                    Q(entity_type="virtualGroup")
                    & ~Q(entity_id="")
                    & Q(national_provider_identifier="")
                )
                | (
                    Q(entity_type="apm")
                    & ~Q(entity_id="")
                    & Q(national_provider_identifier="", taxpayer_identification_number="")
                ),
                name="submission_identifiers_of_entity_type",
            ),
            models.CheckConstraint(
                condition=Q(performance_year__gte=2017, performance_year__lte=2100),
                name="submission_performance_year",
            ),
        ]
        indexes = [
            models.Index(
                fields=["taxpayer_identification_number", "performance_year"],
                name="submission_tin_year",
            ),
            models.Index(fields=["entity_id", "performance_year"], name="submission_entity_year"),
        ]

    def __str__(self):
        return f"{self.get_entity_type_display()} {self.entity_label} ({self.performance_year})"

    @property
    def entity_label(self):
        if self.entity_type == EntityType.INDIVIDUAL:
            return f"NPI {self.national_provider_identifier}"
        if self.entity_type == EntityType.GROUP:
            return "TIN ***-**" + self.taxpayer_identification_number[-4:]
        return f"ID {self.entity_id}"


class MeasurementSet(models.Model):
    """The measurements of one category, reported one way (submission method) under one
    program by one submitter, over one performance period."""

    Category = CategoryChoice
    SubmissionMethod = SubmissionMethod

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="measurement_sets"
    )
    category = models.CharField(max_length=8, choices=CategoryChoice.choices)
    submission_method = models.CharField(max_length=32, choices=SubmissionMethod.choices)
    program_name = models.CharField(max_length=16, default="mips")
    performance_start = models.DateField()
    performance_end = models.DateField()
    cehrt_id = models.CharField("CEHRT ID", max_length=15, blank=True)
    submitter = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="submitted_measurement_sets",
        help_text="The organization that submitted the set: the practice or APM entity "
        "itself, or the registry that reports for it.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person who saved it in the portal; empty when it came through the API.",
    )
    api_token = models.ForeignKey(
        "ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "submission_method", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "submission",
                    "category",
                    "submission_method",
                    "program_name",
                    "submitter",
                ],
                name="one_measurement_set_per_category_method_program_submitter",
            ),
            models.CheckConstraint(
                condition=Q(category__in=CategoryChoice.values), name="measurement_set_category"
            ),
            models.CheckConstraint(
                condition=Q(submission_method__in=SubmissionMethod.values),
                name="measurement_set_submission_method",
            ),
            models.CheckConstraint(
                condition=Q(performance_end__gte=models.F("performance_start")),
                name="measurement_set_period_in_order",
            ),
        ]
        indexes = [models.Index(fields=["submitter", "-updated_at"], name="set_submitter_updated")]

    def __str__(self):
        return f"{self.get_category_display()} ({self.submission_method}) of {self.submission}"


class Measurement(models.Model):
    """One measure's value in a measurement set, stored as the API shows it (with the rates
    the portal computed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    measurement_set = models.ForeignKey(
        MeasurementSet, on_delete=models.CASCADE, related_name="measurements"
    )
    measure_id = models.CharField(max_length=40)
    value = models.JSONField()

    class Meta:
        ordering = ["measure_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measurement_set", "measure_id"], name="one_measurement_per_measure"
            ),
        ]

    def __str__(self):
        return self.measure_id


class ApiToken(models.Model):
    """A registry's bearer token for the Submissions API.

    Only a SHA-256 digest of the secret is kept: the secret is 256 random bits, so a fast
    hash is as safe as a slow one and lets every request be checked with one indexed query.
    ``prefix`` (the first characters) lets people tell their tokens apart.
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when made by manage.py create_api_token.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replaced_by = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text="The token that rotation made in this one's place.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_digest__regex=r"^[0-9a-f]{64}$"), name="api_token_digest"
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None
