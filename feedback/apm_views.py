"""View APM participants: an APM entity's participating TINs and clinicians per year, with
their eligibility and QP status, searchable and downloadable as CSV."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render

from audit.models import AuditEvent
from audit.services import record_event
from organizations.models import mask_tin
from qpp_portal.spreadsheets import safe_cell
from roles.capabilities import Capability
from roles.decorators import requires_capability

from . import selectors
from .forms import ParticipantSearchForm, YearForm
from .views import _sections

CSV_HEADER = [
    "Performance year",
    "APM Entity ID",
    "TIN",
    "Practice",
    "NPI",
    "Clinician",
    "Required to report individually",
    "Included in the group",
    "QP status",
]


def _year_and_query(request, entity):
    years = selectors.apm_participation_years(entity)
    year_form = YearForm(request.GET if "year" in request.GET else None, years=years)
    year = (
        year_form.cleaned_data["year"]
        if year_form.is_bound and year_form.is_valid()
        else (years[0] if years else None)
    )
    search = ParticipantSearchForm(request.GET if "q" in request.GET else None)
    query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    return year_form, year, search, query


@requires_capability(Capability.VIEW_APM_PARTICIPANTS)
def participants(request, membership):
    entity = membership.organization
    year_form, year, search, query = _year_and_query(request, entity)
    tins, clinicians = selectors.apm_participants(entity, year, query) if year else ([], [])
    return render(
        request,
        "feedback/apm_participants.html",
        {
            "organization": entity,
            "sections": _sections(membership),
            "year_form": year_form,
            "year": year,
            "search": search,
            "query": query,
            "tins": tins,
            "clinicians": clinicians,
        },
        status=400 if search.is_bound and not search.is_valid() else 200,
    )


@requires_capability(Capability.VIEW_APM_PARTICIPANTS)
def participants_csv(request, membership):
    entity = membership.organization
    year_form, year, search, query = _year_and_query(request, entity)
    if year is None:
        raise Http404("No participants.")
    tins, clinicians = selectors.apm_participants(entity, year, query)
    record_event(
        action=AuditEvent.Action.FEEDBACK_DOWNLOADED,
        request=request,
        organization=entity.pk,
        year=year,
        what="apm_participants",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="apm-participants-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in tins:
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    year,
                    entity.entity_id,
                    mask_tin(row.practice.tin),
                    row.practice.legal_business_name,
                    "",
                    "",
                    "",
                    "",
                    "",
                )
            ]
        )
    for row in clinicians:
        e = row.eligibility
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    year,
                    entity.entity_id,
                    mask_tin(row.practice.tin),
                    row.practice.legal_business_name,
                    row.clinician.npi,
                    row.clinician.full_name,
                    ("Yes" if e.individual_eligible else "No") if e else "Not determined",
                    ("Yes" if e.group_eligible else "No") if e else "Not determined",
                    e.get_qp_status_display() if e else "Not determined",
                )
            ]
        )
    return response
