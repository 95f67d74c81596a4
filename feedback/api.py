"""``GET /api/eligibility/npis/<npi>[,<npi>...]/?year=YYYY``: public participation status as
JSON, in the shape of CMS's public QPP eligibility API, so health-IT vendors can test their
clients against it.

One NPI answers ``{"data": {...}}``; several (comma-separated, at most 25) answer
``{"data": [...]}`` with the NPIs that are known (404 if none is). A malformed NPI or year
answers 400, over the rate limit 429; errors are ``{"error": {"type", "message"}}``.
Only what CMS's public API shows: names, NPI, specialty, practice names, masked TINs,
eligibility flags. The ``lowVolumeStatusReasons`` codes are this simulator's own.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from organizations.models import Clinician, mask_tin

from . import program, selectors
from .forms import NPI_LIST_MAX, validate_and_normalize_npi
from .models import OptInElection, PracticeEligibility, QpStatus

QP_RANK = {QpStatus.QUALIFYING: 2, QpStatus.PARTIAL: 1, QpStatus.NOT_QUALIFYING: 0}


def public_api_rate(group, request):
    return settings.RATE_LIMITS["public_api"]


def _error(status, kind, message):
    return JsonResponse({"error": {"type": kind, "message": message}}, status=status)


def low_volume_reasons(row):
    reasons = []
    if row.below_charges:
        reasons.append("ALLOWED_CHARGES")
    if row.below_beneficiaries:
        reasons.append("BENEFICIARIES")
    if row.below_services:
        reasons.append("SERVICES")
    return reasons


def _specialty(clinician):
    return {"specialtyDescription": clinician.specialty, "typeDescription": clinician.specialty}


def clinician_document(npi, year):
    """Return the ``data`` object for one NPI; raise Clinician.DoesNotExist if unknown."""
    clinician, rows, apms, elections = selectors.participation_for_npi(npi, year)
    groups = {
        p.practice_id: p
        for p in PracticeEligibility.objects.filter(
            practice__in=[r.practice_id for r in rows], performance_year=year
        )
    }
    group_elections = {
        e.practice_id: e
        for e in OptInElection.objects.filter(
            practice__in=[r.practice_id for r in rows],
            performance_year=year,
            clinician__isnull=True,
        )
    }
    qp = max((r.qp_status for r in rows), key=QP_RANK.get, default=QpStatus.NOT_QUALIFYING)
    organizations = []
    for row in rows:
        practice = row.practice
        entities = apms.get(practice.pk, [])
        in_apm = bool(entities)
        virtual = practice.is_virtual_group
        election = elections.get(practice.pk)
        group = groups.get(practice.pk)
        group_election = group_elections.get(practice.pk)
        organizations.append(
            {
                "TIN": mask_tin(practice.tin),
                "prvdrOrgName": practice.legal_business_name,
                "individualScenario": {
                    "isEligible": {
                        "individual": row.individual_eligible,
                        "group": row.group_eligible,
                        "mipsApm": in_apm and row.qp_status != QpStatus.QUALIFYING,
                        "virtualGroup": virtual and row.group_eligible,
                    },
                    "lowVolumeSwitch": row.low_volume,
                    "lowVolumeStatusReasons": low_volume_reasons(row),
                    "isOptInEligible": row.opt_in_eligible,
                    "isOptedIn": bool(
                        election and election.decision == OptInElection.Decision.OPT_IN
                    ),
                    "specialty": _specialty(clinician),
                },
                "groupScenario": {
                    "isEligible": {
                        "individual": False,
                        "group": bool(group and not group.low_volume),
                        "mipsApm": in_apm,
                        "virtualGroup": virtual,
                    },
                    "lowVolumeSwitch": bool(group and group.low_volume),
                    "lowVolumeStatusReasons": low_volume_reasons(group) if group else [],
                    "isOptInEligible": bool(group and group.opt_in_eligible),
                    "isOptedIn": bool(
                        group_election and group_election.decision == OptInElection.Decision.OPT_IN
                    ),
                    "specialty": _specialty(clinician),
                },
                "apms": [
                    {
                        "entityId": entity.entity_id,
                        "entityName": entity.legal_business_name,
                        "apmName": entity.get_model_type_display(),
                        "qpStatus": row.qp_status,
                    }
                    for entity in entities
                ],
                "virtualGroups": (
                    [
                        {
                            "virtualGroupIdentifier": mask_tin(practice.tin),
                            "name": practice.legal_business_name,
                        }
                    ]
                    if virtual
                    else []
                ),
            }
        )
    return {
        "npi": clinician.npi,
        "firstName": clinician.first_name,
        "lastName": clinician.last_name,
        "nationalProviderIdentifierType": 1,
        "newlyEnrolled": any(r.newly_enrolled for r in rows),
        "qpStatus": qp,
        "performanceYear": year,
        "organizations": organizations,
    }


@login_not_required
@require_GET
@ratelimit(key="ip", rate=public_api_rate, block=False)
def npis(request, npis):
    """Answer the eligibility of one or more NPIs for ``?year=`` (default: this year)."""
    if getattr(request, "limited", False):
        return _error(
            429, "RateLimited", "Too many requests from this address; try again in a minute."
        )
    year_text = request.GET.get("year", str(program.today().year))
    try:
        year = int(year_text)
        program.program_year(year)
    except ValueError:
        years = list(program.program_years())
        return _error(
            400,
            "ValidationError",
            f"year must be a performance year from {years[0]} to {years[-1]}.",
        )
    values = npis.split(",")
    if len(values) > NPI_LIST_MAX:
        return _error(400, "ValidationError", f"Ask for at most {NPI_LIST_MAX} NPIs at a time.")
    checked = []
    for value in values:
        try:
            checked.append(validate_and_normalize_npi(value))
        except ValidationError as error:
            shown = value if value.isascii() and value.isalnum() and len(value) <= 20 else "?"
            return _error(400, "ValidationError", f"{shown}: {error.messages[0]}")
    documents = []
    for npi in dict.fromkeys(checked):
        try:
            documents.append(clinician_document(npi, year))
        except Clinician.DoesNotExist:
            continue
    if not documents:
        return _error(404, "NotFound", "No clinician with this NPI is known to the program.")
    return JsonResponse({"data": documents[0] if len(checked) == 1 else documents})
