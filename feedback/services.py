"""State changes people make in the feedback app: exception applications and opt-in
elections. Each checks the current state under a row lock, saves, writes the audit event and
sends its email after commit. Callers check the person's role first (roles.selectors)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.messaging import send_templated_email
from audit.models import AuditEvent
from audit.services import record_event
from organizations.models import ApmParticipation, Enrolment, Organization
from qpp_portal import clock

from . import program
from .models import (
    ClinicianEligibility,
    ExceptionApplication,
    OptInElection,
    PracticeEligibility,
    PublicReportingFlag,
)

CATEGORY_NAMES = ("quality", "cost", "improvement_activities", "promoting_interoperability")


def exception_window_open(year, on=None):
    """Answer whether applications for ``year`` are accepted on ``on`` (today): from the
    start of the performance year to its deadline."""
    on = on or program.today()
    try:
        figures = program.program_year(year)
    except ValueError:
        return False
    return figures.year <= on.year and on <= figures.exception_deadline


def opt_in_window_open(year, on=None):
    """Answer whether opt-in elections for ``year`` are accepted on ``on`` (today)."""
    on = on or program.today()
    try:
        figures = program.program_year(year)
    except ValueError:
        return False
    return figures.opt_in_available and figures.year <= on.year and on <= figures.opt_in_deadline


def _takes_part(organization, clinician):
    if organization.kind == Organization.Kind.APM_ENTITY:
        return ApmParticipation.objects.filter(entity=organization, clinician=clinician).exists()
    return Enrolment.objects.filter(practice=organization, clinician=clinician).exists()


def file_exception_application(
    *,
    organization,
    performance_year,
    kind,
    reason,
    categories,
    start_date,
    end_date,
    description,
    acting_user,
    clinician=None,
    request=None,
):
    """File an application for the organization (or one of its clinicians) and return it;
    raise ValidationError if the year's deadline has passed, the reason does not fit the
    kind, the clinician is not the organization's, or an open one already exists."""
    if not exception_window_open(performance_year):
        raise ValidationError(
            "Applications for this performance year are closed (or not open yet).",
            code="deadline",
        )
    allowed = (
        ExceptionApplication.PI_REASONS
        if kind == ExceptionApplication.Kind.PI_HARDSHIP
        else ExceptionApplication.EUC_REASONS
    )
    if reason not in allowed:
        raise ValidationError("Choose a reason that fits this kind of exception.", code="reason")
    if kind == ExceptionApplication.Kind.PI_HARDSHIP:
        categories = {"promoting_interoperability"}
    if not categories:
        raise ValidationError("Choose at least one performance category.", code="categories")
    if clinician is not None and not _takes_part(organization, clinician):
        raise ValidationError("This clinician is not part of the organization.", code="clinician")
    with transaction.atomic():
        # Lock the organization row so two simultaneous filings queue up behind each other.
        Organization.objects.select_for_update().get(pk=organization.pk)
        duplicate = ExceptionApplication.objects.filter(
            organization=organization,
            clinician=clinician,
            performance_year=performance_year,
            kind=kind,
            status__in=ExceptionApplication.OPEN_STATUSES,
        ).exists()
        if duplicate:
            raise ValidationError(
                "An application of this kind is already open for this year.", code="duplicate"
            )
        application = ExceptionApplication.objects.create(
            organization=organization,
            clinician=clinician,
            performance_year=performance_year,
            kind=kind,
            reason=reason,
            start_date=start_date,
            end_date=end_date,
            description=description,
            filed_by=acting_user,
            filed_at=clock.now(),
            **{name: name in categories for name in CATEGORY_NAMES},
        )
        record_event(
            action=AuditEvent.Action.EXCEPTION_FILED,
            request=request,
            actor=acting_user,
            application=application.pk,
            organization=organization.pk,
            kind=kind,
            year=performance_year,
        )
    return application


def withdraw_exception_application(*, application, acting_user, request=None):
    """Withdraw a submitted application; raise ValidationError once it is decided."""
    with transaction.atomic():
        application = ExceptionApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != ExceptionApplication.Status.SUBMITTED:
            raise ValidationError(
                "Only an application that is still awaiting review can be withdrawn.",
                code="not_submitted",
            )
        application.status = ExceptionApplication.Status.WITHDRAWN
        application.save(update_fields=["status"])
        record_event(
            action=AuditEvent.Action.EXCEPTION_WITHDRAWN,
            request=request,
            actor=acting_user,
            application=application.pk,
        )
    return application


def is_party_to_application(user, application):
    """Answer whether ``user`` filed ``application`` or holds a role in its organization:
    either way they may not decide it."""
    from roles.models import Membership

    return application.filed_by_id == user.pk or (
        Membership.objects.filter(
            user=user, organization_id=application.organization_id, status=Membership.Status.ACTIVE
        ).exists()
    )


def decide_exception_application(*, application, approve, acting_user, reason="", request=None):
    """Approve or deny a submitted application (help desk) and email whoever filed it;
    raise ValidationError if it is no longer awaiting review or ``acting_user`` is party to
    it (``is_party_to_application``)."""
    with transaction.atomic():
        application = (
            # Lock the application row alone: filed_by is a nullable (outer) join.
            ExceptionApplication.objects.select_for_update(of=("self",))
            .select_related("filed_by", "organization")
            .get(pk=application.pk)
        )
        if application.status != ExceptionApplication.Status.SUBMITTED:
            raise ValidationError(
                "This application has already been decided or withdrawn.", code="not_submitted"
            )
        if is_party_to_application(acting_user, application):
            raise ValidationError(
                "You filed this application or hold a role in its organization, so another "
                "member of the help desk must decide it.",
                code="own_case",
            )
        Status = ExceptionApplication.Status
        application.status = Status.APPROVED if approve else Status.DENIED
        application.decided_by = acting_user
        application.decided_at = timezone.now()
        application.decision_reason = reason
        application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        record_event(
            action=(
                AuditEvent.Action.EXCEPTION_APPROVED
                if approve
                else AuditEvent.Action.EXCEPTION_DENIED
            ),
            request=request,
            actor=acting_user,
            subject=application.filed_by,
            application=application.pk,
        )
        filer = application.filed_by
        if filer is not None and filer.email:
            context = {
                "application": application,
                "organization_name": application.organization.legal_business_name,
            }
            send_templated_email(
                app="feedback", name="exception_decided", to=filer.email, context=context
            )
    return application


def make_opt_in_election(
    *, practice, performance_year, decision, acting_user, clinician=None, request=None
):
    """Record the practice's election for itself (no clinician) or one clinician and return
    it; raise ValidationError if the window is closed, the subject may not opt in that year,
    or an election was already made (elections cannot be changed)."""
    if not opt_in_window_open(performance_year):
        raise ValidationError("Opt-in elections for this year are closed.", code="deadline")
    if decision not in OptInElection.Decision.values:
        raise ValidationError("Choose an election.", code="decision")
    with transaction.atomic():
        if clinician is None:
            eligible = PracticeEligibility.objects.select_for_update().filter(
                practice=practice, performance_year=performance_year, opt_in_eligible=True
            )
        else:
            eligible = ClinicianEligibility.objects.select_for_update().filter(
                practice=practice,
                clinician=clinician,
                performance_year=performance_year,
                opt_in_eligible=True,
            )
        if not list(eligible):
            raise ValidationError(
                "This practice or clinician may not opt in this year.", code="not_eligible"
            )
        if OptInElection.objects.filter(
            practice=practice, clinician=clinician, performance_year=performance_year
        ).exists():
            raise ValidationError(
                "An election has already been made for this year; it cannot be changed.",
                code="already_made",
            )
        try:
            with transaction.atomic():
                election = OptInElection.objects.create(
                    practice=practice,
                    clinician=clinician,
                    performance_year=performance_year,
                    decision=decision,
                    made_by=acting_user,
                    made_at=clock.now(),
                )
        except IntegrityError:
            # Lost a race with a simultaneous election (the unique constraint held).
            raise ValidationError(
                "An election has already been made for this year; it cannot be changed.",
                code="already_made",
            ) from None
        record_event(
            action=AuditEvent.Action.OPT_IN_ELECTED,
            request=request,
            actor=acting_user,
            election=election.pk,
            organization=practice.pk,
            year=performance_year,
            decision=decision,
        )
    return election


def flag_public_reporting_figure(
    *, organization, performance_year, figure, reason, acting_user, request=None
):
    """Ask for a review of one figure of the public reporting preview and return the flag;
    raise ValidationError outside the year's preview window, for a figure the preview does
    not show, or when that figure already awaits review."""
    from . import public_reporting, selectors

    window = public_reporting.preview_window(performance_year)
    if window is None or not window.is_open():
        raise ValidationError(
            "The preview period for this year is closed (or not open yet).", code="window"
        )
    shown = {f.key: f for f in selectors.public_reporting_figures(organization, performance_year)}
    if figure not in shown:
        raise ValidationError("Choose a figure from the preview.", code="figure")
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        if PublicReportingFlag.objects.filter(
            organization=organization,
            performance_year=performance_year,
            figure=figure,
            status=PublicReportingFlag.Status.OPEN,
        ).exists():
            raise ValidationError("This figure already awaits review.", code="duplicate")
        flag = PublicReportingFlag.objects.create(
            organization=organization,
            performance_year=performance_year,
            figure=figure,
            figure_label=shown[figure].label[:200],
            shown_value=shown[figure].value[:40],
            reason=reason,
            flagged_by=acting_user,
            flagged_at=timezone.now(),
        )
        record_event(
            action=AuditEvent.Action.PUBLIC_REPORTING_FLAGGED,
            request=request,
            actor=acting_user,
            flag=flag.pk,
            organization=organization.pk,
            year=performance_year,
        )
    return flag


def resolve_public_reporting_flag(*, flag, resolution, acting_user, request=None):
    """Close a review request with the help desk's note and email whoever raised it; raise
    ValidationError if it is already closed or ``acting_user`` holds a role in its
    organization (somebody else reviews it)."""
    from roles.models import Membership

    with transaction.atomic():
        flag = (
            PublicReportingFlag.objects.select_for_update(of=("self",))
            .select_related("flagged_by", "organization")
            .get(pk=flag.pk)
        )
        if flag.status != PublicReportingFlag.Status.OPEN:
            raise ValidationError("This request was already reviewed.", code="not_open")
        if Membership.objects.filter(
            user=acting_user, organization=flag.organization, status=Membership.Status.ACTIVE
        ).exists():
            raise ValidationError(
                "You hold a role in this organization, so another member of the help desk "
                "must review it.",
                code="own_case",
            )
        flag.status = PublicReportingFlag.Status.RESOLVED
        flag.resolution = resolution
        flag.resolved_by = acting_user
        flag.resolved_at = timezone.now()
        flag.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        record_event(
            action=AuditEvent.Action.PUBLIC_REPORTING_FLAG_RESOLVED,
            request=request,
            actor=acting_user,
            subject=flag.flagged_by,
            flag=flag.pk,
        )
        if flag.flagged_by is not None and flag.flagged_by.email:
            send_templated_email(
                app="feedback",
                name="public_reporting_reviewed",
                to=flag.flagged_by.email,
                context={
                    "flag": flag,
                    "organization_name": flag.organization.legal_business_name,
                },
            )
    return flag
