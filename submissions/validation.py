"""Check MIPS data against the year's measures and CMS's field tables, and normalise it.

Every way data arrives (the Submissions API, the upload page, the portal's own forms) goes
through these functions, so a rule lives here once. Each function collects every problem
it finds, with its JSON path (``$.measurementSets[0].measurements[2].value.performanceMet``),
before raising ``SubmissionInvalid``: a person fixing a file sees all of them at once.

The cleaned result is the data as the API shows it: known fields only, the measure's own
strata names, and the rates CMS computes (``rates.computed_fields``).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from organizations import validators as identifiers

from . import catalogue, rates
from .catalogue import Category, MetricType
from .models import EntityType, SubmissionMethod

PROGRAM_NAMES = ("mips", "app1", "appPlus")
DEFAULT_PROGRAM = "mips"
# CMS: "CEHRT ID must be in the format 2025CXXXXXXXXXX or XX15CXXXXXXXXXX".
CEHRT_ID_PATTERN = re.compile(r"^([0-9]{4}|[0-9A-Z]{2}15)C[0-9A-Z]{10}$")
# Shortest continuous performance period per category, in days (42 CFR 414.1320).
MINIMUM_PERIOD_DAYS = {
    Category.IMPROVEMENT_ACTIVITIES: 90,
    Category.PROMOTING_INTEROPERABILITY: 180,
}
# No real practice sees a billion patients in a year; larger counts are typing errors.
MAXIMUM_COUNT = 1_000_000_000
MAXIMUM_MEASUREMENTS = 500

# Fields the API computes or assigns: accepted in input (clients echo them back) and ignored.
READ_ONLY_FIELDS = {"id", "createdAt", "updatedAt", "submissionId", "measurementSetId"}
COMPUTED_VALUE_FIELDS = {"performanceRate", "reportingRate", "caseCount"}

SUBMISSION_FIELDS = {
    "entityType",
    "entityId",
    "taxpayerIdentificationNumber",
    "nationalProviderIdentifier",
    "performanceYear",
    "measurementSets",
}
MEASUREMENT_SET_FIELDS = {
    "category",
    "submissionMethod",
    "programName",
    "performanceStart",
    "performanceEnd",
    "cehrtId",
    "measurements",
    "submission",
}
RATE_COUNTS = (
    "performanceMet",
    "performanceNotMet",
    "eligiblePopulationExclusion",
    "eligiblePopulationException",
    "eligiblePopulation",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, and where: a JSONPath from the document's root."""

    message: str
    path: str

    def as_dict(self):
        return {"message": self.message, "path": self.path}


class SubmissionInvalid(Exception):
    """Raised with every problem found; nothing is stored when it is raised."""

    def __init__(self, problems, message="Validation failed."):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class _Collector:
    def __init__(self):
        self.problems = []

    def add(self, path, message):
        self.problems.append(Problem(message=message, path=path))

    def raise_if_any(self):
        if self.problems:
            raise SubmissionInvalid(self.problems)


def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _check_object(problems, data, path, allowed):
    """Return True if ``data`` is an object; report its unknown fields."""
    if not isinstance(data, dict):
        problems.add(path, f"Expected an object, got {_type_name(data)}.")
        return False
    for key in data:
        if key not in allowed and key not in READ_ONLY_FIELDS:
            problems.add(f"{path}.{key}", f'Unknown field "{_printable(key)}".')
    return True


def _printable(text, limit=60):
    """Echo a client's text in a message: shortened, control characters removed."""
    text = "".join(ch for ch in str(text) if ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _identifier(problems, path, value, validate):
    if not isinstance(value, str):
        problems.add(path, f"Expected a string, got {_type_name(value)}.")
        return ""
    try:
        validate(value)
    except ValidationError as error:
        problems.add(path, error.messages[0])
        return ""
    return value


# --- Submission ------------------------------------------------------------------------------


def clean_submission_identity(data, *, path="$", problems=None):
    """Return the entity and year of a submission object as
    ``{"entityType", "taxpayerIdentificationNumber", "nationalProviderIdentifier",
    "entityId", "performanceYear"}`` (absent identifiers as ""); raise SubmissionInvalid."""
    own = problems is None
    problems = problems or _Collector()
    identity = {
        "entityType": "",
        "taxpayerIdentificationNumber": "",
        "nationalProviderIdentifier": "",
        "entityId": "",
        "performanceYear": None,
    }
    if not isinstance(data, dict):
        problems.add(path, f"Expected an object, got {_type_name(data)}.")
        if own:
            problems.raise_if_any()
        return identity

    entity_type = data.get("entityType")
    if entity_type is None:
        problems.add(f"{path}.entityType", "entityType is required.")
    elif entity_type not in EntityType.values:
        problems.add(
            f"{path}.entityType",
            f"entityType must be one of {', '.join(EntityType.values)}.",
        )
    else:
        identity["entityType"] = entity_type

    year = data.get("performanceYear")
    years = catalogue.performance_years()
    if year is None:
        problems.add(f"{path}.performanceYear", "performanceYear is required.")
    elif not _is_integer(year):
        problems.add(f"{path}.performanceYear", f"Expected an integer, got {_type_name(year)}.")
    elif year not in years:
        problems.add(
            f"{path}.performanceYear",
            f"Performance year {year} is not open here; use one of "
            f"{', '.join(str(y) for y in years)}.",
        )
    else:
        identity["performanceYear"] = year

    tin = data.get("taxpayerIdentificationNumber")
    npi = data.get("nationalProviderIdentifier")
    entity_id = data.get("entityId")
    tin_path = f"{path}.taxpayerIdentificationNumber"
    npi_path = f"{path}.nationalProviderIdentifier"
    entity_path = f"{path}.entityId"

    if entity_type in (EntityType.INDIVIDUAL, EntityType.GROUP):
        if tin is None:
            problems.add(tin_path, f"taxpayerIdentificationNumber is required for {entity_type}.")
        else:
            identity["taxpayerIdentificationNumber"] = _identifier(
                problems, tin_path, tin, identifiers.validate_tin
            )
        if entity_id not in (None, ""):
            problems.add(entity_path, f"entityId is not used for {entity_type}.")
    if entity_type == EntityType.INDIVIDUAL:
        if npi is None:
            problems.add(npi_path, "nationalProviderIdentifier is required for individual.")
        else:
            identity["nationalProviderIdentifier"] = _identifier(
                problems, npi_path, npi, identifiers.validate_npi
            )
    elif entity_type is not None and npi not in (None, ""):
        problems.add(npi_path, "nationalProviderIdentifier is only used for individual.")

    if entity_type == EntityType.APM_ENTITY:
        if entity_id is None:
            problems.add(entity_path, "entityId (the APM Entity ID) is required for apm.")
        else:
            identity["entityId"] = _identifier(
                problems, entity_path, entity_id, identifiers.validate_apm_entity_id
            )
        if tin not in (None, ""):
            problems.add(tin_path, "taxpayerIdentificationNumber is not used for apm.")
    elif entity_type == EntityType.VIRTUAL_GROUP:
        # A virtual group is identified by the identifier CMS gave it (see models.Submission).
        if entity_id is None:
            problems.add(
                entity_path, "entityId (the virtual group ID, e.g. VG-12345) is required."
            )
        else:
            identity["entityId"] = _identifier(
                problems, entity_path, entity_id, identifiers.validate_virtual_group_id
            )
        if tin not in (None, ""):
            problems.add(tin_path, "taxpayerIdentificationNumber is not used for virtualGroup.")

    if own:
        problems.raise_if_any()
    return identity


def clean_submission(data, *, path="$"):
    """Return a whole submission (identity and measurement sets) cleaned, or raise
    SubmissionInvalid with every problem."""
    problems = _Collector()
    if not _check_object(problems, data, path, SUBMISSION_FIELDS):
        problems.raise_if_any()
    identity = clean_submission_identity(data, path=path, problems=problems)
    sets = data.get("measurementSets", [])
    cleaned_sets = []
    if not isinstance(sets, list):
        problems.add(f"{path}.measurementSets", f"Expected an array, got {_type_name(sets)}.")
    else:
        seen = {}
        for index, raw in enumerate(sets):
            set_path = f"{path}.measurementSets[{index}]"
            cleaned = _clean_measurement_set(problems, raw, path=set_path, identity=identity)
            if cleaned is None:
                continue
            key = (cleaned["category"], cleaned["submissionMethod"], cleaned["programName"])
            if not all(isinstance(part, str) for part in key):
                continue  # a wrong type (e.g. an object), already reported for that field
            if key in seen:
                problems.add(
                    set_path,
                    f"Measurement set {seen[key]} already reports {key[0]} by {key[1]} "
                    f"under {key[2]}: send one set for each.",
                )
                continue
            seen[key] = set_path
            cleaned_sets.append(cleaned)
    problems.raise_if_any()
    return {**identity, "measurementSets": cleaned_sets}


# --- Measurement set -------------------------------------------------------------------------


def clean_measurement_set(data, *, identity, path="$"):
    """Return one measurement set cleaned for the submission ``identity`` (as returned by
    ``clean_submission_identity``), or raise SubmissionInvalid."""
    problems = _Collector()
    cleaned = _clean_measurement_set(problems, data, path=path, identity=identity)
    problems.raise_if_any()
    return cleaned


def _parse_date(problems, path, value, name):
    if value is None:
        problems.add(path, f"{name} is required.")
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        problems.add(path, f"{name} must be a date like 2025-01-01.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add(path, f"{name} {value} is not a real date.")
        return None


def _clean_measurement_set(problems, data, *, path, identity):
    if not _check_object(problems, data, path, MEASUREMENT_SET_FIELDS):
        return None
    year = identity.get("performanceYear")
    cleaned = {}

    category = data.get("category")
    if category is None:
        problems.add(f"{path}.category", "category is required.")
    elif category not in Category.ALL:
        problems.add(f"{path}.category", f"category must be one of {', '.join(Category.ALL)}.")
    cleaned["category"] = category

    method = data.get("submissionMethod")
    if method is None:
        problems.add(f"{path}.submissionMethod", "submissionMethod is required.")
    elif method not in SubmissionMethod.values:
        problems.add(
            f"{path}.submissionMethod",
            f"submissionMethod must be one of {', '.join(SubmissionMethod.values)}.",
        )
    cleaned["submissionMethod"] = method

    program = data.get("programName", DEFAULT_PROGRAM)
    if program is None:
        program = DEFAULT_PROGRAM
    if program not in PROGRAM_NAMES:
        problems.add(
            f"{path}.programName", f"programName must be one of {', '.join(PROGRAM_NAMES)}."
        )
    cleaned["programName"] = program

    start = _parse_date(
        problems, f"{path}.performanceStart", data.get("performanceStart"), "performanceStart"
    )
    end = _parse_date(
        problems, f"{path}.performanceEnd", data.get("performanceEnd"), "performanceEnd"
    )
    if year is not None:
        if start and start.year != year:
            problems.add(f"{path}.performanceStart", f"performanceStart must be in {year}.")
        if end and end.year != year:
            problems.add(f"{path}.performanceEnd", f"performanceEnd must be in {year}.")
    if start and end:
        if end < start:
            problems.add(
                f"{path}.performanceEnd", "performanceEnd must not be before performanceStart."
            )
        else:
            minimum = MINIMUM_PERIOD_DAYS.get(category) if isinstance(category, str) else None
            days = (end - start + timedelta(days=1)).days
            if minimum and days < minimum:
                problems.add(
                    f"{path}.performanceEnd",
                    f"The {Category.LABELS[category]} performance period is {days} days; "
                    f"it must be at least {minimum} continuous days.",
                )
    cleaned["performanceStart"] = start
    cleaned["performanceEnd"] = end

    cehrt_id = data.get("cehrtId")
    if cehrt_id in (None, ""):
        if category == Category.PROMOTING_INTEROPERABILITY:
            problems.add(f"{path}.cehrtId", "cehrtId is required for Promoting Interoperability.")
        cehrt_id = ""
    elif not isinstance(cehrt_id, str) or not CEHRT_ID_PATTERN.fullmatch(cehrt_id):
        problems.add(
            f"{path}.cehrtId",
            "cehrtId must be 15 characters like 2025CXXXXXXXXXX or XX15CXXXXXXXXXX.",
        )
        cehrt_id = ""
    cleaned["cehrtId"] = cehrt_id

    measurements = data.get("measurements", [])
    cleaned["measurements"] = []
    if not isinstance(measurements, list):
        problems.add(f"{path}.measurements", f"Expected an array, got {_type_name(measurements)}.")
    elif len(measurements) > MAXIMUM_MEASUREMENTS:
        problems.add(f"{path}.measurements", f"At most {MAXIMUM_MEASUREMENTS} measurements.")
    elif category in Category.ALL and method in SubmissionMethod.values and year is not None:
        cleaned["measurements"] = _clean_measurements(
            problems,
            measurements,
            path=f"{path}.measurements",
            year=year,
            category=category,
            method=method,
            program=program,
        )
    return cleaned


# --- Measurements ----------------------------------------------------------------------------


def clean_measurements(data, *, year, category, submission_method, program_name, path):
    """Return a list of measurements cleaned for a measurement set, or raise."""
    problems = _Collector()
    if not isinstance(data, list):
        problems.add(path, f"Expected an array, got {_type_name(data)}.")
        problems.raise_if_any()
    cleaned = _clean_measurements(
        problems,
        data,
        path=path,
        year=year,
        category=category,
        method=submission_method,
        program=program_name,
    )
    problems.raise_if_any()
    return cleaned


def _clean_measurements(problems, measurements, *, path, year, category, method, program):
    cleaned = []
    seen = {}
    for index, raw in enumerate(measurements):
        item_path = f"{path}[{index}]"
        if not _check_object(problems, raw, item_path, {"measureId", "value"}):
            continue
        measure_id = raw.get("measureId")
        if measure_id is None:
            problems.add(f"{item_path}.measureId", "measureId is required.")
            continue
        if not isinstance(measure_id, str):
            problems.add(
                f"{item_path}.measureId", f"Expected a string, got {_type_name(measure_id)}."
            )
            continue
        measure = catalogue.measure(year, measure_id)
        if measure is None or measure.category != category:
            problems.add(
                f"{item_path}.measureId",
                f'"{_printable(measure_id)}" is not a {Category.LABELS[category]} measure of '
                f"performance year {year}.",
            )
            continue
        if measure_id in seen:
            problems.add(
                f"{item_path}.measureId",
                f"{measure_id} is already reported at {seen[measure_id]}.",
            )
            continue
        seen[measure_id] = item_path
        if category == Category.QUALITY and method not in measure.submission_methods:
            problems.add(
                f"{item_path}.measureId",
                f"Measure {measure_id} cannot be reported by {method} in {year}; it allows "
                f"{', '.join(measure.submission_methods) or 'no submission method'}.",
            )
            continue
        if (
            program != DEFAULT_PROGRAM
            and measure.allowed_programs
            and program not in measure.allowed_programs
        ):
            problems.add(
                f"{item_path}.measureId",
                f"Measure {measure_id} is not part of program {program} in {year}.",
            )
            continue
        if "value" not in raw or raw["value"] is None:
            problems.add(f"{item_path}.value", "value is required.")
            continue
        value = _clean_value(problems, raw["value"], path=f"{item_path}.value", measure=measure)
        if value is not None:
            cleaned.append({"measureId": measure_id, "value": value})
    if category == Category.PROMOTING_INTEROPERABILITY:
        _check_exclusions(problems, cleaned, seen, year)
    return cleaned


def _check_exclusions(problems, cleaned, seen, year):
    """A PI measure and its exclusion claimed (true) together contradict each other."""
    claimed = {m["measureId"] for m in cleaned if m["value"] is True}
    for measurement in cleaned:
        measure = catalogue.measure(year, measurement["measureId"])
        for exclusion in measure.exclusions:
            if exclusion in claimed:
                problems.add(
                    seen[exclusion],
                    f"{exclusion} claims an exclusion from {measure.measure_id}, which is also "
                    "reported: send one or the other.",
                )


def _clean_value(problems, value, *, path, measure):
    metric_type = measure.metric_type
    if metric_type == MetricType.BOOLEAN:
        if not isinstance(value, bool):
            problems.add(
                path, f"{measure.measure_id} takes true or false, got {_type_name(value)}."
            )
            return None
        return value
    if metric_type == MetricType.PROPORTION:
        return _clean_proportion(problems, value, path=path)
    if metric_type == MetricType.NON_PROPORTION:
        return _clean_non_proportion(problems, value, path=path, measure=measure)
    if metric_type in MetricType.SINGLE_RATES:
        return _clean_single_rate(problems, value, path=path, measure=measure)
    if metric_type in MetricType.MULTI_RATES:
        return _clean_multi_rate(problems, value, path=path, measure=measure)
    problems.add(path, f"{measure.measure_id} ({metric_type}) is not submitted through this API.")
    return None


def _count(problems, value, path, name, *, required, integer=True):
    """Return a count field of ``value`` (0 when optional and absent), or None if wrong."""
    if name not in value or value[name] is None:
        if required:
            problems.add(f"{path}.{name}", f"{name} is required.")
            return None
        return 0
    number = value[name]
    if not (_is_integer(number) if integer else _is_number(number)):
        kind = "an integer" if integer else "a number"
        problems.add(f"{path}.{name}", f"{name} must be {kind}, got {_type_name(number)}.")
        return None
    if number < 0:
        problems.add(f"{path}.{name}", f"{name} must not be negative.")
        return None
    if number > MAXIMUM_COUNT:
        problems.add(f"{path}.{name}", f"{name} must be at most {MAXIMUM_COUNT:,}.")
        return None
    return number


def _end_to_end(problems, value, path):
    flag = value.get("isEndToEndReported")
    if flag is None:
        problems.add(f"{path}.isEndToEndReported", "isEndToEndReported is required.")
        return None
    if not isinstance(flag, bool):
        problems.add(
            f"{path}.isEndToEndReported", f"Expected true or false, got {_type_name(flag)}."
        )
        return None
    return flag


def _stated_rate(problems, value, path, measure):
    """The performance rate a QCDR states for its own measure (0-100)."""
    rate = value.get("performanceRate")
    if rate is None:
        problems.add(
            f"{path}.performanceRate", f"performanceRate is required for {measure.metric_type}."
        )
        return None
    if not _is_number(rate) or not 0 <= rate <= 100:
        problems.add(f"{path}.performanceRate", "performanceRate must be a number from 0 to 100.")
        return None
    return rate


def _clean_proportion(problems, value, *, path):
    if not _check_object(problems, value, path, {"numerator", "denominator"}):
        return None
    numerator = _count(problems, value, path, "numerator", required=True)
    denominator = _count(problems, value, path, "denominator", required=True)
    if numerator is None or denominator is None:
        return None
    if numerator > denominator:
        problems.add(
            f"{path}.numerator",
            f"numerator ({numerator}) must not be greater than denominator ({denominator}).",
        )
        return None
    return {"numerator": numerator, "denominator": denominator}


def _clean_non_proportion(problems, value, *, path, measure):
    allowed = {
        "numerator",
        "denominator",
        "isEndToEndReported",
        "numeratorExclusion",
        "denominatorException",
        "observationInstances",
    } | COMPUTED_VALUE_FIELDS
    if not _check_object(problems, value, path, allowed):
        return None
    cleaned = {
        "numerator": _count(problems, value, path, "numerator", required=True, integer=False),
        "denominator": _count(problems, value, path, "denominator", required=True, integer=False),
        "isEndToEndReported": _end_to_end(problems, value, path),
        "numeratorExclusion": _count(
            problems, value, path, "numeratorExclusion", required=False, integer=False
        ),
        "denominatorException": _count(
            problems, value, path, "denominatorException", required=False, integer=False
        ),
        "observationInstances": _count(
            problems, value, path, "observationInstances", required=True
        ),
    }
    if any(v is None for v in cleaned.values()):
        return None
    return {**cleaned, **rates.computed_fields(measure, cleaned)}


def _check_rate_counts(problems, cleaned, path):
    """met + not met + exclusions + exceptions cannot exceed the eligible population."""
    counted = sum(cleaned[name] for name in RATE_COUNTS if name != "eligiblePopulation")
    if counted > cleaned["eligiblePopulation"]:
        problems.add(
            f"{path}.performanceMet",
            f"performanceMet + performanceNotMet + exclusions + exceptions ({counted}) must not "
            f"be greater than eligiblePopulation ({cleaned['eligiblePopulation']}).",
        )
        return False
    return True


def _clean_counts(problems, value, path, *, with_numerator_exclusion):
    cleaned = {
        name: _count(
            problems, value, path, name, required=name in ("performanceMet", "eligiblePopulation")
        )
        for name in RATE_COUNTS
    }
    if with_numerator_exclusion:
        cleaned["numeratorExclusion"] = _count(
            problems, value, path, "numeratorExclusion", required=False
        )
    if any(v is None for v in cleaned.values()):
        return None
    if not _check_rate_counts(problems, cleaned, path):
        return None
    return cleaned


def _clean_single_rate(problems, value, *, path, measure):
    is_qcdr = measure.metric_type == MetricType.REGISTRY_SINGLE_PERFORMANCE_RATE
    allowed = set(RATE_COUNTS) | {"isEndToEndReported"} | COMPUTED_VALUE_FIELDS
    if is_qcdr:
        allowed.add("numeratorExclusion")
    if not _check_object(problems, value, path, allowed):
        return None
    end_to_end = _end_to_end(problems, value, path)
    counts = _clean_counts(problems, value, path, with_numerator_exclusion=is_qcdr)
    stated = _stated_rate(problems, value, path, measure) if is_qcdr else 0
    if counts is None or end_to_end is None or stated is None:
        return None
    cleaned = {"isEndToEndReported": end_to_end, **counts}
    if is_qcdr:
        cleaned["performanceRate"] = stated
    return {**cleaned, **rates.computed_fields(measure, cleaned)}


def _clean_multi_rate(problems, value, *, path, measure):
    is_qcdr = measure.metric_type == MetricType.REGISTRY_MULTI_PERFORMANCE_RATE
    if not _check_object(
        problems, value, path, {"isEndToEndReported", "strata"} | COMPUTED_VALUE_FIELDS
    ):
        return None
    end_to_end = _end_to_end(problems, value, path)
    stated = _stated_rate(problems, value, path, measure) if is_qcdr else 0
    strata = value.get("strata")
    if strata is None:
        problems.add(f"{path}.strata", f"strata is required: {', '.join(measure.strata)}.")
        return None
    if not isinstance(strata, list):
        problems.add(f"{path}.strata", f"Expected an array, got {_type_name(strata)}.")
        return None
    # CMS's own examples write "14days" for the measure's "14Days": match names ignoring case,
    # store the measure's spelling.
    names = {name.lower(): name for name in measure.strata}
    cleaned_strata = []
    seen = set()
    for index, stratum in enumerate(strata):
        stratum_path = f"{path}.strata[{index}]"
        if not _check_object(problems, stratum, stratum_path, set(RATE_COUNTS) | {"stratum"}):
            continue
        name = stratum.get("stratum")
        if not isinstance(name, str) or name.lower() not in names:
            problems.add(
                f"{stratum_path}.stratum",
                f"{measure.measure_id} has the strata {', '.join(measure.strata)}"
                + (f', not "{_printable(name)}".' if isinstance(name, str) else "."),
            )
            continue
        name = names[name.lower()]
        if name in seen:
            problems.add(f"{stratum_path}.stratum", f"Stratum {name} is reported twice.")
            continue
        seen.add(name)
        counts = _clean_counts(problems, stratum, stratum_path, with_numerator_exclusion=False)
        if counts is not None:
            cleaned_strata.append({"stratum": name, **counts})
    missing = [name for name in measure.strata if name not in seen]
    if missing and not problems_in(problems, f"{path}.strata"):
        problems.add(
            f"{path}.strata", f"Missing strata of {measure.measure_id}: {', '.join(missing)}."
        )
        return None
    if end_to_end is None or stated is None or len(cleaned_strata) != len(measure.strata):
        return None
    cleaned = {"isEndToEndReported": end_to_end, "strata": cleaned_strata}
    if is_qcdr:
        cleaned["performanceRate"] = stated
    return {**cleaned, **rates.computed_fields(measure, cleaned)}


def problems_in(problems, path):
    """Answer whether a problem was already reported at or under ``path``."""
    return any(p.path == path or p.path.startswith(path + ".") for p in problems.problems)
