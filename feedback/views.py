"""Feedback, eligibility, exception applications, opt-in elections, and the public
participation lookup. Every organization page is wrapped in
``roles.decorators.requires_capability`` (which calls
``roles.selectors.get_membership_for_capability``); what it then shows narrows to the
membership (feedback.selectors)."""

import csv
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from audit.models import AuditEvent
from audit.services import record_event
from organizations.models import Clinician, Enrolment, Organization
from qpp_portal.spreadsheets import safe_cell
from roles.capabilities import Capability, role_allows
from roles.decorators import requires_capability
from roles.selectors import active_memberships

from . import charts, presentation, program, public_cache, selectors, services
from .forms import (
    GROUP,
    ExceptionApplicationForm,
    ExceptionDecisionForm,
    NpiLookupForm,
    OptInElectionForm,
    YearForm,
)
from .models import OptInElection


def _pick_year(request, years):
    """Return (form, year): the year asked for if it is among ``years``, else the newest."""
    form = YearForm(request.GET if "year" in request.GET else None, years=years)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["year"]
    return form, (years[0] if years else None)


def _past_and_current_years():
    this_year = program.today().year
    return [y for y in reversed(program.program_years()) if y <= this_year]


def _sections(membership):
    """Say which of the organization's feedback pages the membership's role may open."""
    organization = membership.organization

    def allows(capability):
        return role_allows(membership.role, organization, capability)

    return {
        "feedback": allows(Capability.VIEW_PERFORMANCE_FEEDBACK),
        "eligibility": allows(Capability.VIEW_ELIGIBILITY),
        "exceptions": allows(Capability.FILE_EXCEPTION_APPLICATION),
        "opt_in": allows(Capability.SUBMIT_OPT_IN_ELECTION)
        and organization.kind in (Organization.Kind.PRACTICE, Organization.Kind.REGISTRY),
        "public_reporting": allows(Capability.PREVIEW_PUBLIC_REPORTING),
        "apm_participants": allows(Capability.VIEW_APM_PARTICIPANTS),
    }


def index(request):
    """List the person's organizations with what they may see or do in each."""
    rows = []
    for membership in active_memberships(request.user):
        sections = _sections(membership)
        if any(sections.values()):
            rows.append({"membership": membership, **sections})
    return render(request, "feedback/index.html", {"rows": rows})


@requires_capability(Capability.VIEW_PERFORMANCE_FEEDBACK)
def summary(request, membership):
    """Performance feedback for a year: the final score against the thresholds, the
    categories, and for groups the clinicians to drill down to."""
    scope = selectors.feedback_scope(membership)
    years = scope.years
    form, year = _pick_year(request, years)
    feedback = selectors.summary_feedback(scope, year)
    report, computed = feedback.report, feedback.computed
    context = {
        "membership": membership,
        "organization": membership.organization,
        "sections": _sections(membership),
        "is_clinician": selectors.is_clinician_view(membership),
        "form": form,
        "years": years,
        "year": year,
        "report": report,
        "computed": computed,
    }
    if report is not None:
        figures = program.program_year(year)
        context.update(
            figures=figures,
            score_chart=charts.score_chart(report, figures),
            category_chart=charts.category_chart(report),
            clinician_rows=presentation.clinician_rows(
                membership.organization, year, feedback.clinician_reports
            ),
            measure_rows=presentation.measure_rows(computed.measures if computed else []),
            adjustment_parts=program.payment_adjustment_parts(report.final_score, year),
            group_report=feedback.group_report,
            group_computed=feedback.group_computed,
        )
    return render(request, "feedback/summary.html", context)


@requires_capability(Capability.VIEW_PERFORMANCE_FEEDBACK)
def clinician(request, membership, npi):
    """One clinician's individual feedback in a practice (a Clinician: their own only)."""
    years = (
        selectors.feedback_scope(membership).years
        if selectors.is_clinician_view(membership)
        else program.released_years()
    )
    form, year = _pick_year(request, years)
    report = selectors.get_clinician_report(membership, npi, year)
    figures = program.program_year(year)
    return render(
        request,
        "feedback/clinician.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "form": form,
            "year": year,
            "report": report,
            "figures": figures,
            "score_chart": charts.score_chart(report, figures),
            "category_chart": charts.category_chart(report),
        },
    )


CSV_HEADER = [
    "Performance year",
    "Level",
    "Organization",
    "TIN or APM Entity ID",
    "NPI",
    "Clinician",
    "Final score",
    "Quality",
    "Quality weight",
    "Promoting Interoperability",
    "Promoting Interoperability weight",
    "Improvement Activities",
    "Improvement Activities weight",
    "Cost",
    "Cost weight",
    "Payment year",
    "Payment adjustment (%)",
]


@requires_capability(Capability.VIEW_PERFORMANCE_FEEDBACK)
def download(request, membership, year):
    """Download the year's feedback the person may see as CSV."""
    scope = selectors.feedback_scope(membership)
    if year not in scope.years:
        from django.http import Http404

        raise Http404("No feedback for this year.")
    organization = membership.organization
    feedback = selectors.summary_feedback(scope, year)
    reports = [feedback.report, *feedback.clinician_reports]
    record_event(
        action=AuditEvent.Action.FEEDBACK_DOWNLOADED,
        request=request,
        organization=organization.pk,
        year=year,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mips-feedback-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    identifier = organization.masked_tin or organization.entity_id or ""
    for report in filter(None, reports):
        who = report.clinician
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    report.performance_year,
                    report.get_level_display(),
                    organization.legal_business_name,
                    identifier,
                    who.npi if who else "",
                    who.full_name if who else "",
                    report.final_score,
                    report.quality,
                    report.quality_weight,
                    report.promoting_interoperability,
                    report.promoting_interoperability_weight,
                    report.improvement_activities,
                    report.improvement_activities_weight,
                    report.cost,
                    report.cost_weight,
                    report.payment_year,
                    str(report.payment_adjustment),
                )
            ]
        )
    return response


@requires_capability(Capability.VIEW_ELIGIBILITY)
def eligibility(request, membership):
    """Eligibility of the organization's clinicians (a Clinician: their own) for a year,
    with the reasons and any APM incentive payment."""
    years = _past_and_current_years()
    form, year = _pick_year(request, years)
    organization = membership.organization
    return render(
        request,
        "feedback/eligibility.html",
        {
            "membership": membership,
            "organization": organization,
            "sections": _sections(membership),
            "is_clinician": selectors.is_clinician_view(membership),
            "form": form,
            "year": year,
            "figures": program.program_year(year),
            "practice": (
                None
                if selectors.is_clinician_view(membership)
                else selectors.practice_eligibility(organization, year)
            ),
            "rows": selectors.eligibility_rows(membership, year),
            "incentives": selectors.apm_incentives(membership, year),
            "approved_exceptions": selectors.approved_exceptions(membership, year),
        },
    )


def _exception_form(organization, data=None):
    years = [y for y in _past_and_current_years() if services.exception_window_open(y)]
    if organization.kind == Organization.Kind.APM_ENTITY:
        clinicians = Clinician.objects.filter(apm_participations__entity=organization)
    else:
        clinicians = Clinician.objects.filter(enrolments__practice=organization)
    label = "APM entity" if organization.kind == Organization.Kind.APM_ENTITY else "practice"
    return ExceptionApplicationForm(
        data,
        years=years,
        clinicians=list(clinicians.distinct().order_by("last_name", "first_name", "npi")),
        organization_label=label,
    )


@requires_capability(Capability.FILE_EXCEPTION_APPLICATION)
def exceptions(request, membership):
    """The organization's exception applications, with their status."""
    organization = membership.organization
    open_years = [y for y in _past_and_current_years() if services.exception_window_open(y)]
    return render(
        request,
        "feedback/exceptions.html",
        {
            "organization": organization,
            "sections": _sections(membership),
            "applications": selectors.exception_applications(organization),
            "open_years": open_years,
            "deadlines": [program.program_year(y) for y in open_years],
        },
    )


@requires_capability(Capability.FILE_EXCEPTION_APPLICATION)
def exception_new(request, membership):
    """File an exception application."""
    organization = membership.organization
    form = _exception_form(organization, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.file_exception_application(
                organization=organization,
                clinician=data["clinician"],
                performance_year=data["performance_year"],
                kind=data["kind"],
                reason=data["reason"],
                categories=set(data["categories"]),
                start_date=data["start_date"],
                end_date=data["end_date"],
                description=data["description"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Your application was submitted. The help desk will review it."
            )
            return redirect("feedback:exceptions", organization_id=organization.pk)
    return render(
        request,
        "feedback/exception_new.html",
        {"organization": organization, "form": form},
        status=200,
    )


@require_POST
@requires_capability(Capability.FILE_EXCEPTION_APPLICATION)
def exception_withdraw(request, membership, pk):
    application = selectors.get_exception_application(membership.organization, pk)
    try:
        services.withdraw_exception_application(
            application=application, acting_user=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "The application was withdrawn.")
    return redirect("feedback:exceptions", organization_id=membership.organization.pk)


def review_list(request):
    """Help desk: exception applications awaiting a decision."""
    selectors.require_help_desk(request.user)
    return render(
        request,
        "feedback/review_list.html",
        {"applications": selectors.applications_awaiting_review(request.user)},
    )


def review(request, pk):
    """Help desk: approve or deny one application."""
    application = selectors.get_application_for_review(request.user, pk)
    # Nobody decides a case they are party to: the form is not offered (the service refuses).
    party = services.is_party_to_application(request.user, application)
    form = None if party else ExceptionDecisionForm(request.POST or None)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.decide_exception_application(
                application=application,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"].strip(),
                acting_user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Decision recorded; the applicant was emailed.")
            return redirect("feedback:review_list")
    return render(
        request,
        "feedback/review.html",
        {"application": application, "form": form, "is_party": party},
    )


@requires_capability(Capability.SUBMIT_OPT_IN_ELECTION)
def opt_in(request, membership):
    """Opt-in elections for the practice and its clinicians who may opt in, for a year;
    for a registry, on behalf of the client practice chosen (``client``)."""
    organization = membership.organization
    years = [y for y in _past_and_current_years() if program.program_year(y).opt_in_available]
    source = request.POST if request.method == "POST" else request.GET
    year_form = YearForm(source if "year" in source else None, years=years)
    year = (
        year_form.cleaned_data["year"]
        if year_form.is_bound and year_form.is_valid()
        else (years[0] if years else None)
    )
    practice, clients = organization, None
    if organization.kind == Organization.Kind.REGISTRY:
        clients = list(selectors.registry_clients(organization))
        if source.get("client"):
            practice = selectors.get_registry_client(organization, source.get("client"))
        else:
            practice = clients[0] if clients else None
    group, rows = selectors.opt_in_candidates(practice, year) if practice else (None, [])
    subjects = [r.clinician.npi for r in rows] + ([GROUP] if group else [])
    form = OptInElectionForm(request.POST if request.method == "POST" else None, subjects=subjects)
    if request.method == "POST" and year_form.is_valid() and form.is_valid():
        subject = form.cleaned_data["subject"]
        clinician = None
        if subject != GROUP:
            clinician = Enrolment.objects.get(practice=practice, clinician__npi=subject).clinician
        try:
            services.make_opt_in_election(
                practice=practice,
                clinician=clinician,
                performance_year=year,
                decision=form.cleaned_data["decision"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "The election was recorded. It cannot be changed.")
        return redirect(
            reverse("feedback:opt_in", kwargs={"organization_id": organization.pk})
            + f"?year={year}"
            + (f"&client={practice.pk}" if clients is not None else "")
        )
    # A refused election for someone listed shows beside that person's choices (the
    # USWDS error pattern); any other refusal (who, which year) above the page.
    error_subject = None
    if request.method == "POST":
        if form.errors and "subject" not in form.errors:
            error_subject = form.cleaned_data["subject"]
        else:
            messages.error(
                request,
                " ".join(e for errs in form.errors.values() for e in errs)
                or "Choose a performance year from the list.",
            )
    return render(
        request,
        "feedback/opt_in.html",
        {
            "organization": organization,
            "sections": _sections(membership),
            "year_form": year_form,
            "year": year,
            "clients": clients,
            "client": practice if clients is not None else None,
            "group": group,
            "rows": rows,
            "window_open": year is not None and services.opt_in_window_open(year),
            "deadline": program.program_year(year).opt_in_deadline if year else None,
            "decisions": OptInElection.Decision.choices,
            "election_form": form,
            "error_subject": error_subject,
            "page_has_errors": request.method == "POST",
        },
        status=400 if request.method == "POST" else 200,
    )


def public_api_rate(group, request):
    return settings.RATE_LIMITS["public_api"]


@login_not_required
@ratelimit(key="ip", rate=public_api_rate, block=True)
def lookup(request):
    """Public: participation status of an NPI for a year, per associated practice."""
    years = _past_and_current_years()
    data = None
    if "npi" in request.GET:
        data = request.GET.copy()
        # A shared link may carry only the NPI: look it up for the current year.
        data.setdefault("year", str(years[0]))
    form = NpiLookupForm(data, years=years, initial={"year": years[0]})
    if form.is_bound and form.is_valid():
        npi, year = form.cleaned_data["npi"], form.cleaned_data["year"]
        # The same question (as typed, among the same years) gets the same content.
        question = hashlib.sha256(f"{years}|{data['npi']}|{year}".encode()).hexdigest()
        content = public_cache.cached_answer(
            "lookup-page", question, lambda: _lookup_content(form, npi, year)
        )
    else:
        content = render_to_string(LOOKUP_CONTENT, {"form": form, "result": None})
    return render(request, "feedback/lookup.html", {"form": form, "content": content})


LOOKUP_CONTENT = "feedback/includes/lookup_content.html"


def _lookup_content(form, npi, year):
    """Render the lookup form and its answer for a valid question."""
    try:
        clinician, rows, apms, elections = selectors.participation_for_npi(npi, year)
    except Clinician.DoesNotExist:
        result = {"unknown": True, "npi": npi, "year": year}
    else:
        for row in rows:
            row.apms = apms.get(row.practice_id, [])
            row.election = elections.get(row.practice_id)
        result = {"clinician": clinician, "rows": rows, "year": year}
    return render_to_string(LOOKUP_CONTENT, {"form": form, "result": result})
