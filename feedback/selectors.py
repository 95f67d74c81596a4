"""Reads for feedback pages, with what each role may see.

Access to an organization is checked by ``roles.selectors.get_membership_for_capability``
alone; what is read here then narrows to the membership: a Clinician membership sees only
rows of its own clinician.
"""

from django.http import Http404

from organizations.models import ApmParticipation, Clinician, Enrolment, Organization
from roles.capabilities import Role

from . import program
from .models import (
    ApmIncentivePayment,
    ClinicianEligibility,
    ExceptionApplication,
    FeedbackReport,
    OptInElection,
    PracticeEligibility,
)


def is_clinician_view(membership):
    return membership.role == Role.CLINICIAN


def organization_level(organization):
    if organization.kind == Organization.Kind.APM_ENTITY:
        return FeedbackReport.Level.APM_ENTITY
    if organization.is_virtual_group:
        return FeedbackReport.Level.VIRTUAL_GROUP
    return FeedbackReport.Level.GROUP


def _clinician_belongs(membership):
    """Answer whether the membership's clinician takes part in its organization: enrolled
    under the practice (or virtual group), or a participant of the APM entity."""
    organization = membership.organization
    if organization.kind == Organization.Kind.APM_ENTITY:
        return ApmParticipation.objects.filter(
            entity=organization, clinician=membership.clinician
        ).exists()
    return Enrolment.objects.filter(practice=organization, clinician=membership.clinician).exists()


def feedback_years(membership):
    """Return the released performance years with feedback this membership may see, newest
    first."""
    released = program.released_years()
    reports = FeedbackReport.objects.filter(
        organization=membership.organization, performance_year__in=released
    )
    if is_clinician_view(membership):
        if membership.organization.kind == Organization.Kind.PRACTICE and not (
            membership.organization.is_virtual_group
        ):
            reports = reports.filter(clinician=membership.clinician)
        elif _clinician_belongs(membership):
            reports = reports.filter(clinician__isnull=True)
        else:
            reports = reports.none()
    return sorted(set(reports.values_list("performance_year", flat=True)), reverse=True)


def summary_report(membership, year):
    """Return the report that sums up the page: the organization's own (group, virtual group
    or APM entity), or for a Clinician in a practice, their individual report. None if there
    is none the membership may see."""
    if year not in program.released_years():
        return None
    reports = FeedbackReport.objects.filter(
        organization=membership.organization, performance_year=year
    ).select_related("clinician")
    if is_clinician_view(membership):
        organization = membership.organization
        if organization.kind == Organization.Kind.PRACTICE and not organization.is_virtual_group:
            return reports.filter(clinician=membership.clinician).first()
        if not _clinician_belongs(membership):
            return None
    return reports.filter(clinician__isnull=True).first()


def clinician_reports(membership, year):
    """Return the individual reports a group's page drills down to: all of them for Staff
    Users and Security Officials, none for Clinicians (their own is the summary)."""
    if is_clinician_view(membership) or year not in program.released_years():
        return FeedbackReport.objects.none()
    return (
        FeedbackReport.objects.filter(
            organization=membership.organization,
            performance_year=year,
            level=FeedbackReport.Level.INDIVIDUAL,
        )
        .select_related("clinician")
        .order_by("clinician__last_name", "clinician__first_name", "clinician__npi")
    )


def get_clinician_report(membership, npi, year):
    """Return the individual report of ``npi`` in the membership's organization for ``year``;
    raise Http404 if there is none or a Clinician asks for anyone but themselves."""
    if is_clinician_view(membership) and membership.clinician.npi != npi:
        raise Http404("No such clinician among yours.")
    report = (
        FeedbackReport.objects.filter(
            organization=membership.organization,
            performance_year=year,
            level=FeedbackReport.Level.INDIVIDUAL,
            clinician__npi=npi,
            performance_year__in=program.released_years(),
        )
        .select_related("clinician")
        .first()
    )
    if report is None:
        raise Http404("No feedback for this clinician and year.")
    return report


def eligibility_rows(membership, year):
    """Return the clinicians' eligibility the membership may see for ``year``: a practice's
    clinicians, an APM entity's participants, or a Clinician's own rows only."""
    organization = membership.organization
    rows = ClinicianEligibility.objects.filter(performance_year=year).select_related(
        "clinician", "practice"
    )
    if organization.kind == Organization.Kind.APM_ENTITY:
        participants = ApmParticipation.objects.filter(
            entity=organization, performance_year=year, clinician__isnull=False
        )
        rows = rows.filter(
            clinician__in=participants.values("clinician"),
            practice__in=participants.values("practice"),
        )
    else:
        rows = rows.filter(practice=organization)
    if is_clinician_view(membership):
        rows = rows.filter(clinician=membership.clinician)
    return rows.order_by("clinician__last_name", "clinician__first_name", "clinician__npi")


def practice_eligibility(organization, year):
    return PracticeEligibility.objects.filter(practice=organization, performance_year=year).first()


def apm_incentives(membership, year):
    rows = ApmIncentivePayment.objects.filter(performance_year=year).select_related("clinician")
    organization = membership.organization
    if organization.kind == Organization.Kind.APM_ENTITY:
        rows = rows.filter(entity=organization)
    else:
        rows = rows.filter(clinician__enrolments__practice=organization)
    if is_clinician_view(membership):
        rows = rows.filter(clinician=membership.clinician)
    return rows.order_by("clinician__last_name", "clinician__npi")


def exception_applications(organization):
    return ExceptionApplication.objects.filter(organization=organization).select_related(
        "clinician", "filed_by"
    )


def get_exception_application(organization, pk):
    """Return the organization's application ``pk``; Http404 for another organization's."""
    application = exception_applications(organization).filter(pk=pk).first()
    if application is None:
        raise Http404("No such exception application.")
    return application


def applications_awaiting_review(user=None):
    """Return the submitted applications; for ``user``, leave out those they filed or whose
    organization they hold a role in (somebody else decides those)."""
    applications = ExceptionApplication.objects.filter(
        status=ExceptionApplication.Status.SUBMITTED
    ).select_related("organization", "clinician", "filed_by")
    if user is not None:
        applications = applications.exclude(filed_by=user).exclude(
            organization__memberships__user=user, organization__memberships__status="active"
        )
    return applications


def opt_in_candidates(practice, year):
    """Return (group eligibility or None, [clinician eligibility rows]) of those who may opt
    in for ``year`` under ``practice``, each with its election if made (``.election``)."""
    elections = {
        e.clinician_id: e
        for e in OptInElection.objects.filter(practice=practice, performance_year=year)
    }
    group = PracticeEligibility.objects.filter(
        practice=practice, performance_year=year, opt_in_eligible=True
    ).first()
    if group is not None:
        group.election = elections.get(None)
    rows = list(
        ClinicianEligibility.objects.filter(
            practice=practice, performance_year=year, opt_in_eligible=True
        )
        .select_related("clinician")
        .order_by("clinician__last_name", "clinician__npi")
    )
    for row in rows:
        row.election = elections.get(row.clinician_id)
    return group, rows


def participation_for_npi(npi, year):
    """Return (clinician, [eligibility rows for ``year`` with practice], {practice id:
    [(entity, qp)]}, {practice id: election}) for the public lookup; raise
    Clinician.DoesNotExist for an unknown NPI."""
    clinician = Clinician.objects.get(npi=npi)
    rows = list(
        ClinicianEligibility.objects.filter(clinician=clinician, performance_year=year)
        .select_related("practice")
        .order_by("practice__legal_business_name", "practice__tin")
    )
    apms = {}
    for participation in ApmParticipation.objects.filter(
        clinician=clinician, performance_year=year
    ).select_related("entity"):
        apms.setdefault(participation.practice_id, []).append(participation.entity)
    elections = {
        e.practice_id: e
        for e in OptInElection.objects.filter(clinician=clinician, performance_year=year)
    }
    return clinician, rows, apms, elections


HELP_DESK_PERMISSION = "accounts.help_desk"


def require_help_desk(user):
    """Raise PermissionDenied unless ``user`` acts for the help desk."""
    from django.core.exceptions import PermissionDenied

    if not user.has_perm(HELP_DESK_PERMISSION):
        raise PermissionDenied("Help desk only.")


def get_application_for_review(user, pk):
    require_help_desk(user)
    application = (
        ExceptionApplication.objects.filter(pk=pk)
        .select_related("organization", "clinician", "filed_by", "decided_by")
        .first()
    )
    if application is None:
        raise Http404("No such exception application.")
    return application
