"""``GET /api/eligibility/npis/<npi>[,<npi>...]/?year=YYYY``: public participation status as
JSON, in the shape of CMS's public QPP eligibility API, so health-IT vendors can test their
clients against it.

One NPI answers ``{"data": {...}}``; several (comma-separated, at most 25) answer
``{"data": [...]}`` with the NPIs that are known (404 if none is). A malformed NPI or year
answers 400, over the rate limit 429; errors are ``{"error": {"type", "message"}}``.
Only what CMS's public API shows: names, NPI, specialty, practice names, masked TINs,
eligibility flags. The ``lowVolumeStatusReasons`` codes are this simulator's own.
"""

import datetime
import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from organizations.models import Clinician, mask_tin

from . import program, public_cache, selectors
from .forms import NPI_LIST_MAX, validate_and_normalize_npi
from .models import ExceptionApplication, OptInElection, PracticeEligibility, QpStatus

DATA_DIR = Path(__file__).resolve().parent / "data"
NOT_FOUND = "No clinician with this NPI is known to the program."
QP_RANK = {QpStatus.QUALIFYING: 2, QpStatus.PARTIAL: 1, QpStatus.NOT_QUALIFYING: 0}


def public_api_rate(group, request):
    return settings.RATE_LIMITS["public_api"]


def _error(status, kind, message):
    return JsonResponse({"error": {"type": kind, "message": message}}, status=status)


# CMS's lowVolStusRsnCd codes: one reason object naming every criterion the subject is
# at or below (as the published clients' enums list them).
LOW_VOLUME_CODES = {
    frozenset({"charges"}): ("CHRG", "Part B allowed charges at or below the threshold"),
    frozenset({"beneficiaries"}): ("BENE", "Part B beneficiaries at or below the threshold"),
    frozenset({"services"}): ("SRVC", "Covered professional services at or below the threshold"),
    frozenset({"charges", "beneficiaries"}): (
        "BOTH",
        "Both the unique beneficiaries and Part B allowed charges at or below the threshold",
    ),
    frozenset({"beneficiaries", "services"}): (
        "BENE/SRVC",
        "Beneficiaries and covered services at or below the threshold",
    ),
    frozenset({"charges", "services"}): (
        "CHRG/SRVC",
        "Allowed charges and covered services at or below the threshold",
    ),
    frozenset({"charges", "beneficiaries", "services"}): (
        "ALL",
        "Allowed charges, beneficiaries and covered services at or below the threshold",
    ),
}
V6_MEDIA_TYPE = "application/vnd.qpp.cms.gov.v6+json"
VENDOR_MEDIA_PREFIX = "application/vnd.qpp.cms.gov."


def low_volume_reasons(row):
    """Return CMS's ``lowVolumeStatusReasons`` for an eligibility row (empty if above)."""
    below = frozenset(
        name
        for name in ("charges", "beneficiaries", "services")
        if row is not None and getattr(row, f"below_{name}")
    )
    if not below:
        return []
    code, description = LOW_VOLUME_CODES[below]
    return [{"lowVolStusRsnCd": code, "lowVolStusRsnDesc": description}]


@cache
def _data(name):
    return json.loads((DATA_DIR / name).read_text())


def _specialty(clinician):
    code, category = _data("specialties.json")["specialties"].get(clinician.specialty, ("", ""))
    return {
        "specialtyDescription": clinician.specialty,
        "typeDescription": category,
        "categoryReference": category,
    }


def specialty_code(clinician):
    return _data("specialties.json")["specialties"].get(clinician.specialty, ("", ""))[0]


def apm_model(model_type):
    """Return the model's entry of ``organizations/data/apm_models.json`` (years, flags), or {}."""
    return program.apm_models().get(model_type, {})


def enrolment_history(clinician, year, newly_enrolled):
    """Return (firstApprovedDate, yearsInMedicare, pecosEnrollmentDate) for ``year``.

    SIMULATED: the reference data has no enrolment dates, so a stable date is derived from
    the NPI (newly enrolled clinicians: in the year itself)."""
    if newly_enrolled:
        first = datetime.date(year, 3, 1)
    else:
        digest = int(hashlib.sha256(clinician.npi.encode()).hexdigest()[:8], 16)
        first_year = 1985 + digest % max(1, year - 1 - 1985)
        first = datetime.date(first_year, 1 + digest % 12, 1 + digest % 28)
    return first.isoformat(), year - first.year, first.year


def _hardship(applications):
    """Return CMS's hardship flags from approved exception applications."""
    euc = [
        a for a in applications if a.kind == ExceptionApplication.Kind.EXTREME_AND_UNCONTROLLABLE
    ]
    pi = [a for a in applications if a.kind == ExceptionApplication.Kind.PI_HARDSHIP]
    reasons = {
        "quality": any(a.quality for a in euc),
        "improvementActivities": any(a.improvement_activities for a in euc),
        "aci": any(a.promoting_interoperability for a in euc),
        "cost": any(a.cost for a in euc),
    }
    return {
        "aciHardship": bool(pi),
        "aciReweighting": bool(pi) or reasons["aci"],
        "extremeHardship": bool(euc),
        "extremeHardshipReasons": reasons,
        "extremeHardshipEventType": euc[0].get_reason_display() if euc else None,
        "extremeHardshipSources": ["manual"] if euc else [],
    }


def _special_statuses(group):
    """The special-status flags CMS reports; the reference data knows small and rural (from
    the practice's eligibility), and none of the others, which are reported as false."""
    return {
        "smallGroupPractitioner": bool(group and group.small_practice),
        "ruralClinician": bool(group and group.rural),
        "hpsaClinician": False,
        "hospitalBasedClinician": False,
        "nonPatientFacing": False,
        "ambulatorySurgicalCenter": False,
        "iaStudy": False,
    }


# SIMULATED QP scores (threshold scores CMS computes from claims): figures of the right
# order for each QP status, since the reference data has only the status.
QP_SCORES = {
    QpStatus.QUALIFYING: (0.62, 0.81),
    QpStatus.PARTIAL: (0.38, 0.45),
    QpStatus.NOT_QUALIFYING: (0.12, 0.18),
}


def _apm_document(entity, qp_status, year, applications):
    model = apm_model(entity.model_type)
    groups = PracticeEligibility.objects.filter(
        practice__apm_participations__entity=entity,
        practice__apm_participations__performance_year=year,
        practice__apm_participations__clinician__isnull=True,
        performance_year=year,
    ).distinct()
    payments = sum(g.allowed_charges for g in groups)
    patients = sum(g.beneficiaries for g in groups)
    figures = program.program_year(year).low_volume
    patient_score, payment_score = QP_SCORES[QpStatus(qp_status)]
    return {
        "apmId": model.get("apm_id", ""),
        "apmName": entity.get_model_type_display(),
        "entityId": entity.entity_id,
        "entityName": entity.legal_business_name,
        "advancedApmFlag": bool(model.get("advanced")),
        "mipsApmFlag": bool(model.get("mips_apm")),
        "lvtFlag": bool(groups)
        and (payments <= figures["charges"] or patients <= figures["beneficiaries"]),
        "lvtPayments": payments,
        "lvtPatients": patients,
        "lvtSmallStatus": any(g.small_practice for g in groups),
        "lvtPerformanceYear": year,
        "qpStatus": qp_status,
        "qpPatientScores": {"me": patient_score},
        "qpPaymentScores": {"me": payment_score},
        "finalQpcScore": None,
        "providerRelationshipCode": "P",
        **{k: v for k, v in _hardship(applications).items() if k.startswith("extreme")},
    }


def _approved_applications(year, organizations):
    rows = {}
    for application in ExceptionApplication.objects.filter(
        organization__in=organizations,
        performance_year=year,
        status=ExceptionApplication.Status.APPROVED,
    ):
        rows.setdefault(application.organization_id, []).append(application)
    return rows


def cached_clinician_document(npi, year):
    """Return ``clinician_document`` through the public cache (feedback.public_cache), or
    None for an unknown NPI."""

    def compute():
        try:
            return clinician_document(npi, year)
        except Clinician.DoesNotExist:
            return None

    return public_cache.cached_answer("eligibility-document", f"{npi}:{year}", compute)


def clinician_document(npi, year):
    """Return the ``data`` object for one NPI; raise Clinician.DoesNotExist if unknown."""
    clinician, rows, apms, elections = selectors.participation_for_npi(npi, year)
    practice_ids = [r.practice_id for r in rows]
    groups = {
        p.practice_id: p
        for p in PracticeEligibility.objects.filter(
            practice__in=practice_ids, performance_year=year
        )
    }
    group_elections = {
        e.practice_id: e
        for e in OptInElection.objects.filter(
            practice__in=practice_ids, performance_year=year, clinician__isnull=True
        )
    }
    entity_ids = [e.pk for entities in apms.values() for e in entities]
    approved = _approved_applications(year, [*practice_ids, *entity_ids])
    qp = max((r.qp_status for r in rows), key=QP_RANK.get, default=QpStatus.NOT_QUALIFYING)
    newly_enrolled = any(r.newly_enrolled for r in rows)
    first_approved, years_in_medicare, pecos_year = enrolment_history(
        clinician, year, newly_enrolled
    )
    specialty = _specialty(clinician)
    organizations = []
    for row in rows:
        practice = row.practice
        entities = apms.get(practice.pk, [])
        in_apm = bool(entities)
        virtual = practice.is_virtual_group
        election = elections.get(practice.pk)
        group = groups.get(practice.pk)
        group_election = group_elections.get(practice.pk)
        group_applications = [a for a in approved.get(practice.pk, []) if a.clinician_id is None]
        own_applications = group_applications + [
            a for a in approved.get(practice.pk, []) if a.clinician_id == clinician.pk
        ]
        statuses = _special_statuses(group)
        organizations.append(
            {
                "TIN": mask_tin(practice.tin),
                "prvdrOrgName": practice.legal_business_name,
                "isFacilityBased": False,
                "addressLineOne": practice.street_address,
                "addressLineTwo": "",
                "city": practice.city,
                "state": practice.state,
                "zip": practice.zip_code,
                "individualScenario": {
                    "isEligible": {
                        "individual": row.individual_eligible,
                        "group": row.group_eligible,
                        "mipsApm": in_apm and row.qp_status != QpStatus.QUALIFYING,
                        "virtualGroup": virtual and row.group_eligible,
                    },
                    "mipsEligibleSwitch": row.individual_eligible,
                    "lowVolumeSwitch": row.low_volume,
                    "lowVolumeStatusReasons": low_volume_reasons(row),
                    "isOptInEligible": row.opt_in_eligible,
                    "isOptedIn": bool(
                        election and election.decision == OptInElection.Decision.OPT_IN
                    ),
                    "optInDecisionDate": election.made_at.isoformat() if election else None,
                    "specialty": specialty,
                    "specialtyCode": specialty_code(clinician),
                    **statuses,
                    **_hardship(own_applications),
                },
                "groupScenario": {
                    "isEligible": {
                        "individual": False,
                        "group": bool(group and not group.low_volume),
                        "mipsApm": in_apm,
                        "virtualGroup": virtual,
                    },
                    "mipsEligibleSwitch": bool(group and not group.low_volume),
                    "lowVolumeSwitch": bool(group and group.low_volume),
                    "lowVolumeStatusReasons": low_volume_reasons(group),
                    "isOptInEligible": bool(group and group.opt_in_eligible),
                    "isOptedIn": bool(
                        group_election and group_election.decision == OptInElection.Decision.OPT_IN
                    ),
                    "optInDecisionDate": (
                        group_election.made_at.isoformat() if group_election else None
                    ),
                    "specialty": specialty,
                    **statuses,
                    **_hardship(group_applications),
                },
                "apms": [
                    _apm_document(entity, row.qp_status, year, approved.get(entity.pk, []))
                    for entity in entities
                ],
                "virtualGroups": (
                    [
                        {
                            "virtualGroupIdentifier": practice.virtual_group_id,
                            "name": practice.legal_business_name,
                            "claimsTypes": "B",
                            "lowVolumeSwitch": bool(group and group.low_volume),
                            "lowVolumeStatusReasons": low_volume_reasons(group),
                            "beneficiaryCount": group.beneficiaries if group else None,
                            "allowedCharges": group.allowed_charges if group else None,
                            "isFacilityBased": False,
                            "specialScenario": {**statuses, **_hardship(group_applications)},
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
        "middleName": "",
        "lastName": clinician.last_name,
        "nationalProviderIdentifierType": 1,
        "firstApprovedDate": first_approved,
        "yearsInMedicare": years_in_medicare,
        "pecosEnrollmentDate": pecos_year,
        "newlyEnrolled": newly_enrolled,
        "specialty": specialty,
        "qpStatus": qp,
        "isMaqi": False,
        "amsMipsEligibleClinician": any(r.individual_eligible for r in rows),
        "performanceYear": year,
        "organizations": organizations,
    }


def _media_type(request):
    """Return the media type to answer with, or None for a version this API does not serve.

    CMS's clients send ``Accept: application/vnd.qpp.cms.gov.v6+json``; plain JSON (or no
    Accept header) is answered too."""
    accepted = [
        part.split(";")[0].strip() for part in request.headers.get("Accept", "").split(",")
    ]
    vendor = [t for t in accepted if t.startswith(VENDOR_MEDIA_PREFIX)]
    if V6_MEDIA_TYPE in vendor:
        return V6_MEDIA_TYPE
    if vendor and not any(t in ("application/json", "*/*", "application/*") for t in accepted):
        return None
    return "application/json"


def _year_or_error(request):
    """Return (year, None) for ``?year=`` (default: this year), or (None, a 400 answer)."""
    year_text = request.GET.get("year", str(program.today().year))
    try:
        year = int(year_text)
        program.program_year(year)
    except ValueError:
        years = list(program.program_years())
        return None, _error(
            400,
            "ValidationError",
            f"year must be a performance year from {years[0]} to {years[-1]}.",
        )
    return year, None


def _answer(request, body, status=200):
    """Answer ``body`` as JSON in the media type the client asked for (406 for another
    version of CMS's API)."""
    media_type = _media_type(request)
    if media_type is None:
        return _error(406, "NotAcceptable", f"This API serves version 6: Accept: {V6_MEDIA_TYPE}.")
    response = JsonResponse(body, status=status)
    response["Content-Type"] = media_type
    response["Vary"] = "Accept"
    return response


@login_not_required
@require_GET
@ratelimit(key="ip", rate=public_api_rate, block=False)
def npis(request, npis):
    """Answer the eligibility of one or more NPIs for ``?year=`` (default: this year). In a
    list, an unknown NPI answers ``{"npi", "error"}`` in its place; 404 if none is known."""
    if getattr(request, "limited", False):
        return _error(
            429, "RateLimited", "Too many requests from this address; try again in a minute."
        )
    year, error = _year_or_error(request)
    if error is not None:
        return error
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
    documents, found = [], False
    for npi in dict.fromkeys(checked):
        document = cached_clinician_document(npi, year)
        if document is None:
            # In a list, an unknown NPI answers in its place (CMS's clients read
            # ``data[].error``) rather than vanishing from the answer.
            documents.append({"npi": npi, "error": {"type": "NotFound", "message": NOT_FOUND}})
        else:
            documents.append(document)
            found = True
    if not found:
        return _error(404, "NotFound", NOT_FOUND)
    return _answer(request, {"data": documents[0] if len(checked) == 1 else documents})


@login_not_required
@require_GET
@ratelimit(key="ip", rate=public_api_rate, block=False)
def stats(request):
    """``GET /api/eligibility/stats?year=``: the national averages CMS publishes for the
    complex patient bonus (SIMULATED figures, ``data/eligibility_stats.json``)."""
    if getattr(request, "limited", False):
        return _error(
            429, "RateLimited", "Too many requests from this address; try again in a minute."
        )
    year, error = _year_or_error(request)
    if error is not None:
        return error
    figures = _data("eligibility_stats.json")["years"].get(str(year))
    if figures is None:
        return _error(404, "NotFound", f"No statistics for {year}.")
    return _answer(request, {"data": figures})
