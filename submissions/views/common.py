"""What the submission pages share: whom an organization reports for, the "before it
counts" checklist built from the preliminary score, and how measurements read in a table.

Nothing here validates or stores: that is ``services`` and ``validation``; the score is
``scoring``'s.
"""

import math
from dataclasses import dataclass

from django.http import Http404

from organizations.models import Clinician, Organization
from roles.capabilities import Capability, role_allows

from .. import catalogue, scoring, selectors
from ..catalogue import Category, MetricType
from ..forms import APM_ENTITY, GROUP, VIRTUAL_GROUP
from ..models import EntityType

CATEGORY_SLUGS = {
    Category.IMPROVEMENT_ACTIVITIES: "improvement-activities",
    Category.PROMOTING_INTEROPERABILITY: "promoting-interoperability",
    Category.QUALITY: "quality",
}


# --- Whom the data is for --------------------------------------------------------------------


def reporting_entities(organization):
    """Return ``{value: label}`` of whom ``organization`` reports for in the portal: an APM
    entity or a virtual group for itself; a practice as a group or for a clinician billing
    under its TIN."""
    name = organization.legal_business_name
    if organization.kind == Organization.Kind.APM_ENTITY:
        return {APM_ENTITY: f"The APM entity: {name} (APM Entity ID {organization.entity_id})"}
    if organization.is_virtual_group:
        # It reports by the identifier CMS gave it; one not formed yet has none.
        if not organization.virtual_group_id:
            return {}
        return {
            VIRTUAL_GROUP: (
                f"The virtual group: {name} (virtual group ID {organization.virtual_group_id})"
            )
        }
    entities = {GROUP: f"The group: {name} (TIN {organization.masked_tin})"}
    for enrolment in selectors.practice_clinicians(organization):
        clinician = enrolment.clinician
        entities[clinician.npi] = (
            f"{clinician.full_name}, as an individual clinician (NPI {clinician.npi})"
        )
    return entities


@dataclass
class Reporting:
    """The entity and year a page's data is for."""

    organization: Organization
    year: int
    reporting_for: str
    label: str
    identity: dict  # CMS's submission fields without measurementSets

    def submission(self):
        """Return the stored submission of the entity and year as the organization sees
        it (``visible_sets``), or None."""
        identity = self.identity
        lookups = {
            "entity_type": identity["entityType"],
            "taxpayer_identification_number": identity.get("taxpayerIdentificationNumber", ""),
            "national_provider_identifier": identity.get("nationalProviderIdentifier", ""),
            "entity_id": identity.get("entityId", ""),
            "performance_year": self.year,
        }
        return selectors.submissions_visible_to(self.organization, **lookups).first()

    def own_set(self, submission, category, submission_method):
        """Return the organization's own set of ``category`` by ``submission_method``."""
        if submission is None:
            return None
        for measurement_set in submission.visible_sets:
            if (
                measurement_set.submitter_id == self.organization.pk
                and measurement_set.category == category
                and measurement_set.submission_method == submission_method
                and measurement_set.program_name == "mips"
            ):
                return measurement_set
        return None

    def data(self, measurement_set):
        """Return a whole submission in CMS's shape holding one measurement set."""
        return {
            **self.identity,
            "performanceYear": self.year,
            "measurementSets": [measurement_set],
        }


def get_reporting(organization, year, reporting_for):
    """Return the Reporting for a URL's year and entity; Http404 if the year is not open or
    the organization does not report for that entity."""
    if year not in catalogue.performance_years():
        raise Http404("That performance year is not open.")
    entities = reporting_entities(organization)
    if reporting_for not in entities:
        raise Http404("You do not report for that entity.")
    if reporting_for == APM_ENTITY:
        identity = {"entityType": EntityType.APM_ENTITY, "entityId": organization.entity_id}
    elif reporting_for == VIRTUAL_GROUP:
        identity = {
            "entityType": EntityType.VIRTUAL_GROUP,
            "entityId": organization.virtual_group_id,
        }
    elif reporting_for == GROUP:
        identity = {
            "entityType": EntityType.GROUP,
            "taxpayerIdentificationNumber": organization.tin,
        }
    else:
        identity = {
            "entityType": EntityType.INDIVIDUAL,
            "taxpayerIdentificationNumber": organization.tin,
            "nationalProviderIdentifier": reporting_for,
        }
    return Reporting(
        organization=organization,
        year=year,
        reporting_for=reporting_for,
        label=entities[reporting_for],
        identity=identity,
    )


# --- Preliminary score and what is missing ---------------------------------------------------


@dataclass
class Check:
    category: str
    done: bool
    text: str


def checklist(year, tree):
    """Return what still keeps each category from full credit, from the preliminary score
    (and the year's figures for how many activities make full credit)."""
    checks = []
    picked = scoring.picked_set_parts(tree or {})
    for category in (
        Category.IMPROVEMENT_ACTIVITIES,
        Category.PROMOTING_INTEROPERABILITY,
        Category.QUALITY,
    ):
        label = Category.LABELS[category]
        part = picked.get(category)
        if part is None:
            checks.append(Check(label, False, f"No {label} data submitted yet."))
            continue
        checks.extend(CHECKS[category](label, part, year))
    return checks


def _ia_checks(label, part, year):
    metadata = part["metadata"]
    maximum = metadata.get("maxContribution", 40)
    total = metadata.get("totalActivityPoints", 0)
    checks = []
    days, minimum = metadata.get("performancePeriodDays"), metadata.get("minimumDays")
    if days is not None and minimum and days < minimum:
        checks.append(
            Check(label, False, f"The performance period is {days} days; {minimum} are needed.")
        )
    points = scoring.scoring_year(year)["ia"]["activity_points"].get("any")
    if points:
        if metadata.get("specialStatus"):
            points *= scoring.scoring_year(year)["ia"]["special_status_multiplier"]
        needed = math.ceil(maximum / points)
        counted = sum(1 for activity in part["parts"] if (activity.get("value") or 0) > 0)
        text = f"{min(counted, needed)} of {needed} activities needed for full credit."
    else:
        text = (
            f"{min(total, maximum):g} of {maximum} activity points needed for full credit "
            "(medium-weighted activities earn 10, high-weighted 20"
            + (", doubled for a small practice)." if metadata.get("specialStatus") else ").")
        )
    checks.append(Check(label, total >= maximum, text))
    return checks


def _pi_checks(label, part, year):
    metadata = part["metadata"]
    messages = metadata.get("messages", {})
    checks = []
    missing = metadata.get("requiredMeasuresMissing") or []
    not_met = [m for m in metadata.get("requiredMeasuresNotMet") or [] if m not in missing]
    if missing:
        names = ", ".join(
            f"{catalogue.measure(year, m).title} ({m})" if catalogue.measure(year, m) else m
            for m in missing
        )
        checks.append(
            Check(label, False, f"Required measures not yet answered ({len(missing)}): {names}.")
        )
    if not_met:
        checks.append(
            Check(
                label,
                False,
                f"Required measures answered no or with a zero numerator: {', '.join(not_met)}.",
            )
        )
    if messages.get("performancePeriod"):
        checks.append(Check(label, False, messages["performancePeriod"]))
    if not metadata.get("hasCehrtId", True):
        checks.append(Check(label, False, "No CEHRT ID: CMS gives credit only with one."))
    if not checks:
        checks.append(
            Check(label, True, "Every required measure is answered, or excluded, and met.")
        )
    return checks


def _quality_checks(label, part, year):
    metadata = part["metadata"]
    messages = metadata.get("messages", {})
    required = metadata.get("maxMeasurementsAllowed", 6)
    count = metadata.get("measuresSubmittedCount", len(part.get("parts", ())))
    checks = [
        Check(
            label,
            count >= required,
            f"{min(count, required)} of {required} measures needed.",
        )
    ]
    if messages.get("outcomeMeasure"):
        checks.append(Check(label, False, messages["outcomeMeasure"]))
    return checks


CHECKS = {
    Category.IMPROVEMENT_ACTIVITIES: _ia_checks,
    Category.PROMOTING_INTEROPERABILITY: _pi_checks,
    Category.QUALITY: _quality_checks,
}


# --- Showing stored data ---------------------------------------------------------------------


def clinician_names(submissions):
    """Return ``{npi: full name}`` of the individual submissions' clinicians (one query)."""
    npis = {s.national_provider_identifier for s in submissions if s.national_provider_identifier}
    return {c.npi: c.full_name for c in Clinician.objects.filter(npi__in=npis)}


def entity_description(submission, names):
    if submission.entity_type == EntityType.INDIVIDUAL:
        npi = submission.national_provider_identifier
        name = names.get(npi)
        return f"{name} (NPI {npi})" if name else f"Clinician NPI {npi}"
    if submission.entity_type == EntityType.GROUP:
        return f"Group, TIN ***-**{submission.taxpayer_identification_number[-4:]}"
    if submission.entity_type == EntityType.VIRTUAL_GROUP:
        return f"Virtual group {submission.entity_id}"
    return f"APM entity {submission.entity_id}"


def _rate(value):
    rate = value.get("performanceRate")
    return "" if rate is None else f"{rate:g}%"


def _counts(value):
    parts = [f"met {value.get('performanceMet', 0):g}"]
    if value.get("performanceNotMet"):
        parts.append(f"not met {value['performanceNotMet']:g}")
    parts.append(f"eligible {value.get('eligiblePopulation', 0):g}")
    if value.get("eligiblePopulationExclusion"):
        parts.append(f"exclusions {value['eligiblePopulationExclusion']:g}")
    if value.get("eligiblePopulationException"):
        parts.append(f"exceptions {value['eligiblePopulationException']:g}")
    return ", ".join(parts)


def describe_value(year, measure_id, value):
    """Return ``(what was reported, its rate)`` of a stored measurement, in words."""
    measure = catalogue.measure(year, measure_id)
    if isinstance(value, bool):
        if measure is not None and measure.is_exclusion:
            return ("Exclusion claimed" if value else "Exclusion not claimed"), ""
        return ("Yes" if value else "No"), ""
    if not isinstance(value, dict):
        return str(value), ""
    if measure is not None and measure.metric_type == MetricType.PROPORTION:
        numerator, denominator = value.get("numerator", 0), value.get("denominator", 0)
        rate = f"{numerator / denominator * 100:.1f}%" if denominator else ""
        return f"{numerator:g} of {denominator:g}", rate
    if "strata" in value:
        strata = "; ".join(
            f"{s.get('stratum')}: {_counts(s)}"
            + (f" ({s['performanceRate']:g}%)" if s.get("performanceRate") is not None else "")
            for s in value["strata"]
        )
        return strata, _rate(value)
    if "observationInstances" in value:
        return (
            f"numerator {value.get('numerator', 0):g}, denominator "
            f"{value.get('denominator', 0):g}, {value.get('observationInstances', 0)} "
            "observations"
        ), _rate(value)
    return _counts(value), _rate(value)


def measurement_rows(measurement_set, year):
    rows = []
    for measurement in measurement_set.measurements.all():
        measure = catalogue.measure(year, measurement.measure_id)
        reported, rate = describe_value(year, measurement.measure_id, measurement.value)
        rows.append(
            {
                "measure_id": measurement.measure_id,
                "title": measure.title if measure else "",
                "reported": reported,
                "rate": rate,
            }
        )
    return rows


def allows(membership, capability):
    return role_allows(membership.role, membership.organization, capability)


def score_page_name(membership):
    """Return the URL name of the score page the membership may open, or ""."""
    if allows(membership, Capability.VIEW_PRELIMINARY_SCORING):
        return "submissions:scoring_detail"
    if allows(membership, Capability.VIEW_SUBMITTED_DATA):
        return "submissions:submitted_score"
    return ""


def sections(membership):
    """Say which of the organization's submission pages the membership's role may open."""
    return {
        "submit": allows(membership, Capability.SUBMIT_DATA),
        "submitted": allows(membership, Capability.VIEW_SUBMITTED_DATA),
        "upload": allows(membership, Capability.UPLOAD_SUBMISSION_FILE),
        "scoring": allows(membership, Capability.VIEW_PRELIMINARY_SCORING),
        "tokens": allows(membership, Capability.DOWNLOAD_API_TOKEN),
    }
