"""Reads for registrations: the size of an organization and whether it may register."""

from organizations.models import ApmParticipation, Enrolment, Organization
from roles.capabilities import matrix_kind

from . import rules
from .models import SurveyRegistration


def clinician_count(organization, year):
    """Return the clinicians the size rule counts: those billing under the practice's (or
    virtual group's) TIN, or the APM entity's participating clinicians in ``year``."""
    if organization.kind == Organization.Kind.APM_ENTITY:
        return (
            ApmParticipation.objects.filter(
                entity=organization, performance_year=year, clinician__isnull=False
            )
            .values("clinician")
            .distinct()
            .count()
        )
    return Enrolment.objects.filter(practice=organization).count()


def registration_problem(organization, year, kind, count=None):
    """Return why ``organization`` may not register for ``kind`` in ``year`` (a sentence),
    or "" if it may. The window is checked by the service, not here."""
    figures = rules.registration_year(year)
    label = SurveyRegistration.Kind(kind).label
    offer = figures.offers.get(kind) if figures else None
    if offer is None:
        return f"The {label} is not offered for {year}."
    if matrix_kind(organization).value not in offer.organization_kinds or (
        offer.apm_models is not None and organization.model_type not in offer.apm_models
    ):
        return f"In {year} the {label} is not offered to organizations like yours."
    count = clinician_count(organization, year) if count is None else count
    if count < offer.min_clinicians:
        return (
            f"The {label} needs {offer.min_clinicians} or more clinicians in {year}; "
            f"{count} {'is' if count == 1 else 'are'} counted for your organization."
        )
    return ""


def registrations_of(organization):
    return SurveyRegistration.objects.filter(organization=organization).select_related(
        "registered_by", "cancelled_by"
    )


def get_registration_for(organization, pk):
    from django.http import Http404

    registration = registrations_of(organization).filter(pk=pk).first()
    if registration is None:
        raise Http404("No such registration.")
    return registration
