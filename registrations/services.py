"""Register for the CMS Web Interface or the CAHPS for MIPS survey, and cancel. Each checks
the state under a row lock, saves, audits and queues its emails in the same transaction
(``accounts.messaging``). Callers check the person's role first (roles.decorators)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.messaging import send_templated_email
from audit.models import AuditEvent
from audit.services import record_event
from feedback import program
from organizations.models import Organization
from qpp_portal import clock

from . import rules, selectors
from .models import SurveyRegistration


def window_open(year, on=None):
    figures = rules.registration_year(year)
    return bool(figures and figures.window_open(on or program.today()))


def _notify(registration, name):
    """Email every Security Official of the organization (the person acting among them)."""
    from roles.capabilities import Role
    from roles.models import Membership

    officials = Membership.objects.filter(
        organization=registration.organization,
        role=Role.SECURITY_OFFICIAL,
        status=Membership.Status.ACTIVE,
    ).select_related("user")
    for membership in officials:
        if membership.user.email:
            send_templated_email(
                app="registrations",
                name=name,
                to=membership.user.email,
                context={
                    "registration": registration,
                    "organization_name": registration.organization.legal_business_name,
                    "recipient": membership.user,
                },
            )


def register(*, organization, performance_year, kind, acting_user, vendor="", request=None):
    """Register ``organization`` for ``kind`` in ``performance_year`` and return the
    registration; raise ValidationError outside the window, when the year's rules (who,
    size) refuse it, for a CAHPS registration without a listed vendor, or when it is
    already registered."""
    if kind not in SurveyRegistration.Kind.values:
        raise ValidationError("Choose what to register for.", code="kind")
    if not window_open(performance_year):
        raise ValidationError(
            "Registration for this performance year is closed (or not open yet).",
            code="window",
        )
    if kind == SurveyRegistration.Kind.CAHPS:
        if vendor not in rules.cahps_vendors():
            raise ValidationError("Choose a survey vendor from the list.", code="vendor")
    else:
        vendor = ""
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        count = selectors.clinician_count(organization, performance_year)
        problem = selectors.registration_problem(organization, performance_year, kind, count)
        if problem:
            raise ValidationError(problem, code="not_eligible")
        if SurveyRegistration.objects.filter(
            organization=organization,
            performance_year=performance_year,
            kind=kind,
            status=SurveyRegistration.Status.REGISTERED,
        ).exists():
            raise ValidationError(
                "Your organization is already registered for this.", code="duplicate"
            )
        registration = SurveyRegistration.objects.create(
            organization=organization,
            performance_year=performance_year,
            kind=kind,
            vendor=vendor,
            clinician_count=count,
            registered_by=acting_user,
            registered_at=clock.now(),
        )
        record_event(
            action=AuditEvent.Action.SURVEY_REGISTERED,
            request=request,
            actor=acting_user,
            registration=registration.pk,
            organization=organization.pk,
            kind=kind,
            year=performance_year,
        )
        _notify(registration, "registered")
    return registration


def cancel_registration(*, registration, acting_user, request=None):
    """Cancel a registration; raise ValidationError once it is cancelled or the year's
    window has closed."""
    with transaction.atomic():
        registration = (
            SurveyRegistration.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=registration.pk)
        )
        if registration.status != SurveyRegistration.Status.REGISTERED:
            raise ValidationError("This registration is already cancelled.", code="cancelled")
        if not window_open(registration.performance_year):
            raise ValidationError(
                "The registration period has closed, so the registration can no longer be "
                "cancelled.",
                code="window",
            )
        registration.status = SurveyRegistration.Status.CANCELLED
        registration.cancelled_by = acting_user
        registration.cancelled_at = clock.now()
        registration.save(update_fields=["status", "cancelled_by", "cancelled_at"])
        record_event(
            action=AuditEvent.Action.SURVEY_REGISTRATION_CANCELLED,
            request=request,
            actor=acting_user,
            registration=registration.pk,
        )
        _notify(registration, "cancelled")
    return registration
