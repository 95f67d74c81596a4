"""Registrations for the CMS Web Interface and the CAHPS for MIPS survey.

A practice, virtual group or APM entity registers in the year's window (``rules``); a
registration stays until it is cancelled, which is possible until the window closes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from organizations.models import FIRST_PERFORMANCE_YEAR, LAST_PERFORMANCE_YEAR


class SurveyRegistration(models.Model):
    class Kind(models.TextChoices):
        WEB_INTERFACE = "web_interface", "CMS Web Interface"
        CAHPS = "cahps", "CAHPS for MIPS survey"

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        CANCELLED = "cancelled", "Cancelled"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="registrations"
    )
    performance_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    vendor = models.CharField(
        "CAHPS survey vendor", max_length=40, blank=True, help_text="CAHPS only."
    )
    clinician_count = models.PositiveIntegerField(
        help_text="Clinicians counted for the size rule when registering."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REGISTERED)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField()
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-performance_year", "kind", "-registered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(performance_year__gte=FIRST_PERFORMANCE_YEAR)
                & Q(performance_year__lte=LAST_PERFORMANCE_YEAR),
                name="survey_registration_year",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["web_interface", "cahps"]), name="survey_registration_kind"
            ),
            models.CheckConstraint(
                condition=(Q(kind="cahps") & ~Q(vendor=""))
                | (Q(kind="web_interface") & Q(vendor="")),
                name="survey_registration_vendor_for_cahps_only",
            ),
            models.CheckConstraint(
                condition=Q(status="registered", cancelled_at__isnull=True)
                | Q(status="cancelled", cancelled_at__isnull=False),
                name="survey_registration_cancelled_has_time",
            ),
            models.UniqueConstraint(
                fields=["organization", "performance_year", "kind"],
                condition=Q(status="registered"),
                name="one_registration_per_kind_year",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.performance_year} ({self.status})"

    @property
    def vendor_name(self):
        from .rules import cahps_vendors

        return cahps_vendors().get(self.vendor, self.vendor)
