"""Preliminary MIPS scoring of a submission, in the shape of CMS's Submissions API score.

Every rule of the three submitted categories lives here as a small function; the year's
figures (data completeness threshold, points, floors, caps, redistribution of excluded
Promoting Interoperability points, ...) live in ``data/scoring_years.json`` with their
sources, read once per process. Nothing here touches the database.

The score is preliminary, as CMS's is during the submission window: Cost (from claims),
CAHPS, administrative-claims measures, quality improvement scoring, the complex patient
bonus and category reweighting are CMS's to compute later and are left out.

Input is a submission (or one measurement set) in CMS API shape that validation has
already accepted; rates are recomputed with ``rates.computed_fields`` rather than trusted.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, cached_property
from pathlib import Path

from feedback import program

from . import catalogue, rates
from .catalogue import Category, MetricType

DATA_FILE = Path(__file__).resolve().parent / "data" / "scoring_years.json"
PLACES = 4
PICKED = "PICKED"
NOT_PICKED = "NOT_PICKED"
# The parts of the score tree, as CMS names them.
SET_TITLES = {
    Category.QUALITY: "Quality Score",
    Category.IMPROVEMENT_ACTIVITIES: "Improvement Activities Score",
    Category.PROMOTING_INTEROPERABILITY: "Promoting Interoperability Score",
}
WEIGHT_KEYS = {
    Category.QUALITY: "quality",
    Category.IMPROVEMENT_ACTIVITIES: "improvement_activities",
    Category.PROMOTING_INTEROPERABILITY: "promoting_interoperability",
}
# Measure types that satisfy the "at least one outcome measure" requirement besides a
# high-priority flag (42 CFR 414.1335(a)(1)(i)).
OUTCOME_TYPES = frozenset(
    {"outcome", "intermediateOutcome", "patientReportedOutcome", "patientEngagementExperience"}
)
PERCENTILE_KEYS = ("1", "10", "20", "30", "40", "50", "60", "70", "80", "90", "99")
TOTAL_DETAIL = (
    "Preliminary score: each submitted category's score times its weight for the year. "
    "Cost is computed by CMS from Medicare claims after the performance year and is not "
    "included, nor are CAHPS, administrative-claims measures, quality improvement scoring, "
    "the complex patient bonus or the reweighting of categories."
)


@dataclass(frozen=True)
class ScoringContext:
    """What scoring needs to know about the clinician or group beyond the submission."""

    is_small_practice: bool = False  # 15 or fewer clinicians billing under the TIN
    has_special_status: bool = False  # rural, HPSA or non-patient-facing (IA double weight)


# --- The year's figures -------------------------------------------------------------------


def _values(node):
    """Strip the notes from the data file, keeping each figure's ``value``."""
    if isinstance(node, dict):
        if "value" in node:
            return node["value"]
        return {key: _values(child) for key, child in node.items()}
    return node


@cache
def _scoring_years():
    raw = json.loads(DATA_FILE.read_text())["years"]
    return {int(year): _values(figures) for year, figures in raw.items()}


def scoring_year(year):
    """Return the scoring figures of ``year``; raise ValueError for a year without them."""
    try:
        return _scoring_years()[int(year)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"No MIPS scoring figures for performance year {year!r}.") from None


# --- Small helpers -------------------------------------------------------------------------


def _number(value):
    """Round to 4 decimals like CMS's score objects (whole numbers stay integers)."""
    if value is None:
        return None
    rounded = round(float(value), PLACES)
    return int(rounded) if rounded.is_integer() else rounded


def _text(value):
    """Format a number for a sentence: at most 4 decimals, no trailing zeros."""
    return f"{_number(value):,}" if isinstance(_number(value), int) else f"{_number(value)}"


def _points_text(value):
    return f"{_text(value)} point" + ("" if _number(value) == 1 else "s")


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def performance_days(measurement_set):
    """Return the days from performanceStart to performanceEnd, both counted, or None."""
    start = _date(measurement_set.get("performanceStart"))
    end = _date(measurement_set.get("performanceEnd"))
    if start is None or end is None:
        return None
    return (end - start).days + 1


def _for_practice(figure, context):
    """Return the small-practice or default points of a ``{"default", "small_practice"}``."""
    return figure["small_practice"] if context.is_small_practice else figure["default"]


def _practice_words(figure, context):
    if context.is_small_practice:
        return (
            f"{_points_text(figure['small_practice'])} for a small practice "
            f"({_text(figure['default'])} otherwise)"
        )
    return f"{_points_text(figure['default'])} ({_text(figure['small_practice'])} for a small practice)"


def _round_half_up(value):
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Quality ---------------------------------------------------------------------------------


def measurement_rates(measure, value):
    """Return performanceRate, reportingRate and caseCount of a quality measurement.

    CMS computes them for most metric types; a QCDR's registry*PerformanceRate keeps the
    rate it submitted, and a non-proportion measure's result is its ``numerator`` (a ratio,
    average or time, not a percentage).
    """
    fields = rates.computed_fields(measure, value)
    if measure.metric_type in MetricType.RATE_SUBMITTED:
        fields["performanceRate"] = value.get("performanceRate")
    elif measure.metric_type == MetricType.NON_PROPORTION:
        fields["performanceRate"] = value.get("numerator")
    return {
        "performanceRate": fields.get("performanceRate"),
        "reportingRate": fields.get("reportingRate"),
        "caseCount": fields.get("caseCount") or 0,
    }


def decile_bounds(benchmark, *, inverse):
    """Return the bound a rate must reach for each of deciles 1..10, in that order.

    For a direct measure decile d runs from the (10(d-1))th percentile (the 1st for
    decile 1) up to the next decile's bound; decile 10 is the 90th percentile and above.
    An inverse measure is the mirror image: decile 10 is the 10th percentile and below,
    decile 1 runs down from the 99th percentile to the 90th.
    """
    p = benchmark.percentiles
    keys = ("1", "10", "20", "30", "40", "50", "60", "70", "80", "90")
    if inverse:
        keys = ("99", "90", "80", "70", "60", "50", "40", "30", "20", "10")
    return [p.get(key) for key in keys]


def decile_points(rate, benchmark, *, inverse):
    """Return ``(decile, points, lower, upper)`` for a performance rate against a benchmark.

    The rate falls in the best decile whose bound it reaches (at or above it, or for an
    inverse measure at or below it). Decile 10 scores 10 points; deciles 1-9 score the
    decile number plus the rate's linear position between the decile's bound and the
    next one (partial points), so decile 8 from 73.08 to 82.71 gives a rate of 82.31
    8 + 9.23 / 9.63 = 8.9585. A rate beyond the 1st (inverse: 99th) percentile is decile 1
    with 1 point.
    """
    bounds = decile_bounds(benchmark, inverse=inverse)

    def reaches(bound):
        return bound is not None and (rate <= bound if inverse else rate >= bound)

    decile = max((d for d in range(1, 11) if reaches(bounds[d - 1])), default=1)
    lower = bounds[decile - 1]
    if decile == 10:
        return decile, 10.0, lower, None
    upper = bounds[decile]
    span = abs(upper - lower) if lower is not None and upper is not None else 0
    partial = abs(rate - lower) / span if span and reaches(lower) else 0.0
    return decile, decile + partial, lower, upper


def new_measure_floor(measure, *, year, rules):
    """Return ``(years_in_mips, floor)`` for a measure in its first or second year, else None."""
    first = measure.first_performance_year
    if not first:
        return None
    years_in_mips = year - first + 1
    floor = rules["new_measure_floors"].get(str(years_in_mips))
    return (years_in_mips, floor) if floor is not None else None


def _decile_message(rate, decile, points, lower, upper, *, inverse, unit):
    better = "Lower is better for this measure. " if inverse else ""
    if decile == 10:
        side = "at or below" if inverse else "at or above"
        return (
            f"{better}Performance rate {_text(rate)}{unit} is in decile 10 "
            f"({side} {_text(lower)}{unit}): 10 points."
        )
    if lower is None or not (rate <= lower if inverse else rate >= lower):
        side = "above" if inverse else "below"
        return (
            f"{better}Performance rate {_text(rate)}{unit} is {side} the benchmark's first "
            f"decile: 1 point."
        )
    return (
        f"{better}Performance rate {_text(rate)}{unit} falls in decile {decile} "
        f"({_text(lower)}{unit} to {_text(upper)}{unit}): {decile} points plus "
        f"{_text(points - decile)} for its position within the decile = {_points_text(points)}."
    )


def score_quality_measurement(measurement, *, year, submission_method, context):
    """Return the score part of one quality measurement, its points and their reasons.

    In order: data completeness (reporting rate against the year's threshold), case
    minimum, benchmark for the collection type, decile points, the 7-point cap of a
    benchmark topped out two years in a row, and the floor of a new measure.
    """
    rules = scoring_year(year)["quality"]
    measure = catalogue.measure(year, measurement["measureId"])
    value = measurement.get("value") or {}
    figures = measurement_rates(measure, value)
    rate, reporting, cases = (
        figures["performanceRate"],
        figures["reportingRate"],
        figures["caseCount"],
    )
    unit = "" if measure.metric_type == MetricType.NON_PROPORTION else "%"
    benchmark = catalogue.benchmark(year, measure.measure_id, submission_method)
    inverse = measure.is_inverse or bool(benchmark and benchmark.is_inverse)
    threshold = rules["data_completeness_threshold"]
    minimum = rules["case_minimum"]
    messages = {}
    metadata = {
        "measureTitle": measure.title,
        "performanceRate": rate,
        "reportingRate": reporting,
        "caseCount": cases,
        "isInverse": inverse,
        "isHighPriority": measure.is_high_priority,
        "measureType": measure.measure_type,
        "submissionMethod": submission_method,
        "dataCompletenessThreshold": threshold,
        "caseMinimum": minimum,
        "smallPractice": context.is_small_practice,
        "noBenchmarks": benchmark is None,
        "benchmarkType": submission_method if benchmark else None,
        "deciles": decile_bounds(benchmark, inverse=inverse) if benchmark else None,
        "decile": None,
        "decileScore": None,
        "partialPoints": None,
        "toppedOut": benchmark.is_topped_out if benchmark else None,
        "toppedOutByProgram": benchmark.is_topped_out_by_program if benchmark else None,
        "sevenPointCapApplied": False,
        "newMeasureFloor": None,
    }

    data_complete = reporting is not None and reporting >= threshold
    metadata["dataCompletenessMet"] = data_complete
    metadata["caseMinimumMet"] = cases >= minimum
    if not data_complete:
        figure = rules["points_below_data_completeness"]
        points = _for_practice(figure, context)
        messages["dataCompleteness"] = (
            f"Reporting rate {_text(reporting or 0)}% is below the data completeness threshold "
            f"of {_text(threshold)}%: {_practice_words(figure, context)}."
        )
        return _quality_part(measure, points, metadata, messages)
    messages["dataCompleteness"] = (
        f"Reporting rate {_text(reporting)}% meets the data completeness threshold of "
        f"{_text(threshold)}%."
    )

    points = None
    if cases < minimum:
        figure = rules["points_below_case_minimum"]
        points = _for_practice(figure, context)
        messages["caseMinimum"] = (
            f"Case count {cases} is below the case minimum of {minimum}: "
            f"{_practice_words(figure, context)}."
        )
    else:
        messages["caseMinimum"] = f"Case count {cases} meets the case minimum of {minimum}."
    if points is None and (benchmark is None or rate is None):
        figure = rules["points_without_benchmark"]
        points = _for_practice(figure, context)
        messages["benchmark"] = (
            f"No {year} benchmark for this measure collected by {submission_method}"
            if benchmark is None
            else "No performance rate (no patients met or not met the measure)"
        ) + f": {_practice_words(figure, context)}."
    if points is None:
        decile, decile_score, lower, upper = decile_points(rate, benchmark, inverse=inverse)
        metadata.update(
            decile=decile,
            decileScore=_number(decile_score),
            partialPoints=_number(decile_score - decile),
        )
        messages["decileScore"] = _decile_message(
            rate, decile, decile_score, lower, upper, inverse=inverse, unit=unit
        )
        points = decile_score
        cap = rules["topped_out_cap"]
        if benchmark.is_topped_out_by_program and measure.seven_point_cap_removed:
            messages["toppedOut"] = (
                "The benchmark is topped out, but CMS removed the 7-point cap for this measure."
            )
        elif benchmark.is_topped_out_by_program:
            metadata["sevenPointCapApplied"] = points > cap
            points = min(points, cap)
            messages["toppedOut"] = (
                f"The benchmark has been topped out two years in a row, so the measure is "
                f"capped at {_points_text(cap)}."
            )
    if cases >= minimum and (floor := new_measure_floor(measure, year=year, rules=rules)):
        years_in_mips, floor_points = floor
        metadata["newMeasureFloor"] = floor_points
        if points < floor_points:
            points = floor_points
        ordinal = "first" if years_in_mips == 1 else "second"
        messages["newMeasure"] = (
            f"New measure in its {ordinal} year in MIPS (since {measure.first_performance_year}): "
            f"at least {_points_text(floor_points)}."
        )
    return _quality_part(measure, points, metadata, messages)


def _quality_part(measure, points, metadata, messages):
    metadata["messages"] = messages
    metadata["unroundedScoreValue"] = points
    return {
        "name": measure.measure_id,
        "title": measure.title,
        "value": _number(points),
        "detail": f"Scored {_points_text(points)}",
        "metadata": metadata,
    }


def _is_outcome_or_high_priority(year, measure_id):
    measure = catalogue.measure(year, measure_id)
    return measure.is_high_priority or measure.measure_type in OUTCOME_TYPES


def pick_quality_measures(parts, *, year, required):
    """Return the names of the measures that count: the best ``required`` by points, with
    at least one outcome or high-priority measure among them when one was submitted."""
    ranked = sorted(parts, key=lambda part: -(part["metadata"]["unroundedScoreValue"]))
    picked = ranked[:required]
    if not any(_is_outcome_or_high_priority(year, p["name"]) for p in picked):
        outcome = next(
            (p for p in ranked[required:] if _is_outcome_or_high_priority(year, p["name"])), None
        )
        if outcome is not None:
            picked[-1] = outcome
    return [p["name"] for p in picked]


def score_quality_set(measurement_set, *, year, context):
    """Return the score part of a quality measurement set.

    Category score = (points of the best measures + small-practice bonus) / (required
    measures x 10) x 100, at most 100. Missing measures count 0.
    """
    rules = scoring_year(year)["quality"]
    method = measurement_set.get("submissionMethod")
    parts = [
        score_quality_measurement(m, year=year, submission_method=method, context=context)
        for m in measurement_set.get("measurements", ())
    ]
    required = rules["required_measures"]
    picked = pick_quality_measures(parts, year=year, required=required)
    for rank, part in enumerate(
        sorted(parts, key=lambda p: -(p["metadata"]["unroundedScoreValue"])), start=1
    ):
        counted = part["name"] in picked
        part["metadata"]["processingStatus"] = PICKED if counted else NOT_PICKED
        part["metadata"]["messages"]["measurementPicker"] = (
            f"Counted: ranked {rank} of {len(parts)} by points."
            if counted
            else f"Not counted: only the best {required} measures count (ranked {rank})."
        )
        if not counted:
            part["detail"] = f"Not counted ({_points_text(part['value'])})"
        else:
            part["detail"] = f"Contributing {_text(part['value'])}"
    total = sum(p["metadata"]["unroundedScoreValue"] for p in parts if p["name"] in picked)
    bonus = rules["small_practice_bonus"] if context.is_small_practice and parts else 0
    denominator = required * rules["max_measure_points"]
    score = min(100.0, (total + bonus) / denominator * 100)
    messages = {
        "denominator": (
            f"{required} measures are required, worth up to "
            f"{_text(rules['max_measure_points'])} points each, so the denominator is "
            f"{denominator}; missing measures count 0."
        ),
        "totalMeasurementPoints": (
            f"The {len(picked)} counted measures scored {_points_text(total)}."
        ),
        "score": (
            f"({_text(total)} + {_text(bonus)} bonus) / {denominator} x 100 = "
            f"{_text(score)} (at most 100)."
        ),
    }
    if bonus:
        messages["smallPracticeBonus"] = (
            f"{_points_text(bonus)} added for a practice of 15 or fewer clinicians."
        )
    if len(parts) < required:
        messages["missingMeasures"] = (
            f"Only {len(parts)} of {required} required measures were submitted."
        )
    if picked and not any(_is_outcome_or_high_priority(year, name) for name in picked):
        messages["outcomeMeasure"] = (
            "No outcome or high-priority measure was submitted; at least one is required."
        )
    return _set_part(
        Category.QUALITY,
        score,
        method,
        parts,
        {
            "measuresSubmitted": [p["name"] for p in parts],
            "measuresSubmittedCount": len(parts),
            "measuresPicked": picked,
            "maxMeasurementsAllowed": required,
            "totalMeasurementPoints": _number(total),
            "smallPracticeBonusEligible": context.is_small_practice,
            "smallPracticeBonus": bonus,
            "denominator": denominator,
            "maxContribution": 100,
            "messages": messages,
        },
    )


# --- Improvement activities ---------------------------------------------------------------


def activity_points(measure, *, rules, context):
    """Return the points of one attested activity: by weight until 2024 (medium 10, high
    20), 20 each from 2025, doubled for small practices and special status."""
    table = rules["activity_points"]
    points = table.get(measure.weight, table.get("any", 0))
    if context.is_small_practice or context.has_special_status:
        points *= rules["special_status_multiplier"]
    return points


def score_ia_set(measurement_set, *, year, context):
    """Return the score part of an improvement activities measurement set.

    Category score = activity points, at most 40, over 40 x 100. Activities count only
    when the measurement set covers the year's minimum of continuous days.
    """
    rules = scoring_year(year)["ia"]
    maximum = rules["max_points"]
    days = performance_days(measurement_set)
    long_enough = days is None or days >= rules["minimum_days"]
    doubled = context.is_small_practice or context.has_special_status
    parts = []
    for measurement in measurement_set.get("measurements", ()):
        measure = catalogue.measure(year, measurement["measureId"])
        attested = measurement.get("value") is True
        if measure.measure_id in rules["full_credit_activities"]:
            points = maximum
            reason = "Attested as a patient-centered medical home: full credit."
        else:
            points = activity_points(measure, rules=rules, context=context)
            weight = (
                f"{measure.weight.capitalize()}-weighted activity"
                if measure.weight
                else "Activity"
            )
            reason = f"{weight}: {_points_text(points)}" + (
                " (doubled for a small practice or special status)." if doubled else "."
            )
        if not attested:
            points, reason = 0, "Not attested (value false): 0 points."
        elif not long_enough:
            points = 0
            reason = (
                f"The performance period is {days} days, shorter than the "
                f"{rules['minimum_days']} continuous days an activity needs: 0 points."
            )
        parts.append(
            {
                "name": measure.measure_id,
                "title": measure.title,
                "value": _number(points),
                "detail": f"Contributing {_text(points)}",
                "metadata": {
                    "weight": measure.weight or None,
                    "calculatedScore": points,
                    "maxContribution": maximum,
                    "complete": attested,
                    "processingStatus": PICKED,
                    "messages": {"complete": reason},
                },
            }
        )
    total = sum(p["metadata"]["calculatedScore"] for p in parts)
    score = min(total, maximum) / maximum * 100
    return _set_part(
        Category.IMPROVEMENT_ACTIVITIES,
        score,
        measurement_set.get("submissionMethod"),
        parts,
        {
            "maxContribution": maximum,
            "totalActivityPoints": total,
            "performancePeriodDays": days,
            "minimumDays": rules["minimum_days"],
            "specialStatus": doubled,
            "messages": {
                "score": (
                    f"Activities scored {_points_text(total)} of the {maximum} needed for "
                    f"full credit: {_text(min(total, maximum))} / {maximum} x 100 = "
                    f"{_text(score)}."
                )
            },
        },
    )


# --- Promoting Interoperability ------------------------------------------------------------


@dataclass
class _PiSet:
    """The reported values of a PI measurement set, read through the year's measures."""

    year: int
    rules: dict
    values: dict  # measure_id -> value

    def measure(self, measure_id):
        return catalogue.measure(self.year, measure_id)

    def is_engagement(self, measure_id):
        return measure_id.endswith(tuple(self.rules["engagement_suffixes"]))

    def reported(self, measure_id):
        return measure_id in self.values

    def excluded(self, measure_id):
        measure = self.measure(measure_id)
        return bool(measure) and any(self.values.get(e) is True for e in measure.exclusions)

    def met(self, measure_id):
        """A reported measure that meets its requirement: "yes", or a numerator of 1+."""
        if measure_id not in self.values:
            return False
        value = self.values[measure_id]
        if isinstance(value, bool):
            return value or measure_id in self.rules["yes_or_no_accepted"]
        numerator = (value or {}).get("numerator") or 0
        return numerator >= self.rules["minimum_numerator"]

    def satisfied(self, measure_id):
        """A required measure is met, excluded, or replaced by one of its substitutes."""
        measure = self.measure(measure_id)

        def direct(mid):
            return self.met(mid) or self.excluded(mid)

        return direct(measure_id) or any(direct(s) for s in measure.substitutes)

    @cached_property
    def required_ids(self):
        return [
            m.measure_id
            for m in catalogue.measures_of_category(self.year, Category.PROMOTING_INTEROPERABILITY)
            if m.is_required and not m.is_bonus and not self.is_engagement(m.measure_id)
        ]

    def objective_measures(self, objective):
        return [mid for mid in self.required_ids if self.measure(mid).objective == objective]


def _measure_score(pi, measure_id, max_points):
    """Return ``(points, formula)`` of a scored PI measure worth ``max_points``."""
    value = pi.values.get(measure_id)
    if isinstance(value, dict):
        numerator, denominator = value.get("numerator") or 0, value.get("denominator") or 0
        raw = numerator / denominator * max_points if denominator else 0
        points = _round_half_up(raw)
        return points, f"(({numerator}/{denominator})*{_text(max_points)}) = {points}"
    return (max_points if value is True else 0), None


def pick_pi_alternatives(pi):
    """Return the measures of the unpicked options of objectives met in more than one way
    (the HIE objective: referral loops, bi-directional exchange or TEFCA)."""
    points = pi.rules["measure_points"]
    dropped = set()
    for options in pi.rules["alternatives"].values():
        complete = [
            option for option in options if all(pi.reported(m) or pi.excluded(m) for m in option)
        ]
        if not complete:
            continue
        best = max(
            complete, key=lambda option: sum(_measure_score(pi, m, points[m])[0] for m in option)
        )
        dropped.update(m for option in options if option is not best for m in option)
    return dropped


def redistribute_pi_points(pi, in_play):
    """Return ``(max_points, moves)``: each in-play measure's (and objective's) points after
    the year's redistribution of excluded measures, and sentences saying what moved."""
    rules = pi.rules
    maximum = {m: p for m, p in rules["measure_points"].items() if m in in_play}
    maximum.update({o: p for o, p in rules["objective_points"].items() if o in in_play})
    moves = []
    for rule in rules["redistribution"]:
        source = rule["from"]
        if source not in maximum or not _is_excluded(pi, source):
            continue
        amount = maximum.pop(source)
        targets = [t for t in rule["to"] if t in maximum and not _is_excluded(pi, t)] or [
            t for t in rule["to"] if t in maximum
        ]
        if not targets:
            moves.append(
                f"{_pi_label(pi, source)} is excluded; its {_points_text(amount)} had "
                f"nowhere to go."
            )
            continue
        for target in targets:
            maximum[target] += amount / len(targets)
        names = " and ".join(_pi_label(pi, t) for t in targets)
        moves.append(
            f"{_pi_label(pi, source)} is excluded: its {_points_text(amount)} move to {names}."
        )
    return maximum, moves


def _pi_label(pi, name):
    """Name a PI measure by its title, or an objective in words, for sentences."""
    measure = pi.measure(name)
    if measure:
        return measure.title
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name).capitalize() + " objective"


def _is_excluded(pi, name):
    """A measure is excluded by a claimed exclusion; an objective when all its required
    measures are excluded."""
    if name in pi.rules["objective_points"]:
        measures = pi.objective_measures(name)
        return bool(measures) and all(pi.excluded(m) and not pi.met(m) for m in measures)
    return pi.excluded(name) and not pi.met(name)


def score_pi_set(measurement_set, *, year, context):
    """Return the score part of a Promoting Interoperability measurement set.

    The category score is 0 when the performance period is shorter than the year's
    minimum, or a required measure is missing, answered "no", or has a zero numerator
    (and is neither excluded nor replaced by a substitute). Otherwise it is the sum of
    the measure scores (proportion: numerator / denominator x points, rounded; "yes":
    full points), after excluded measures' points are redistributed, plus the bonus for
    an optional public health registry, at most 100.
    """
    rules = scoring_year(year)["pi"]
    values = {m["measureId"]: m.get("value") for m in measurement_set.get("measurements", ())}
    pi = _PiSet(year=year, rules=rules, values=values)
    days = performance_days(measurement_set)
    dropped = pick_pi_alternatives(pi)
    in_play = {
        m
        for m in rules["measure_points"]
        if m not in dropped and (pi.reported(m) or pi.excluded(m))
    }
    in_play |= {
        o
        for o in rules["objective_points"]
        if any(pi.reported(m) or pi.excluded(m) for m in pi.objective_measures(o))
    }
    maximum, moves = redistribute_pi_points(pi, in_play)

    failures = [mid for mid in pi.required_ids if not pi.satisfied(mid)]
    objective_scores, parts = {}, []
    excluded_ids = []
    for measure_id, value in values.items():
        measure = pi.measure(measure_id)
        metadata = {
            "objective": measure.objective,
            "reportingCategory": measure.reporting_category or None,
            "processingStatus": NOT_PICKED if measure_id in dropped else PICKED,
        }
        messages = {}
        points = 0
        if measure_id in dropped:
            messages["picked"] = "Another option of this objective scored higher."
        elif measure_id in maximum:
            points, formula = _measure_score(pi, measure_id, maximum[measure_id])
            metadata["maxContribution"] = _number(maximum[measure_id])
            metadata["mipsMinimumScore"] = rules["minimum_numerator"]
            if formula:
                metadata["formula"] = formula
                messages["score"] = f"{formula}: {_points_text(points)}."
            else:
                messages["score"] = f"Answered {'yes' if value else 'no'}: {_points_text(points)}."
            objective_scores[measure.objective] = (
                objective_scores.get(measure.objective, 0) + points
            )
        elif _is_excluded(pi, measure_id):
            messages["exclusion"] = (
                "Excluded: its points were redistributed (see the set's messages)."
            )
        elif measure.is_exclusion:
            excluded_ids.append(measure_id)
            messages["exclusion"] = (
                "Exclusion claimed." if value is True else "Exclusion not claimed (value false)."
            )
        elif pi.is_engagement(measure_id):
            messages["engagement"] = "Level of active engagement for a public health measure."
        elif measure.is_bonus:
            messages["bonus"] = "Optional measure: a yes earns the bonus." if value else "No."
        elif measure.is_required:
            messages["required"] = (
                "Required statement: met." if pi.met(measure_id) else "Required: not met."
            )
        else:
            messages["optional"] = f"Optional statement, answered {'yes' if value else 'no'}."
        if measure_id in failures:
            messages["required"] = _failure_sentence(pi, measure_id)
        metadata["messages"] = messages
        parts.append(
            {
                "name": measure_id,
                "title": measure.title,
                "value": value if isinstance(value, bool) and not points else _number(points),
                "detail": f"Contributing {_text(points)}",
                "metadata": metadata,
            }
        )

    for objective, objective_max in maximum.items():
        if objective not in rules["objective_points"]:
            continue
        measures = pi.objective_measures(objective)
        if all(pi.satisfied(m) for m in measures) and any(pi.met(m) for m in measures):
            objective_scores[objective] = objective_scores.get(objective, 0) + objective_max
    bonus_measures = [
        mid
        for mid, value in values.items()
        if value is True and pi.measure(mid).is_bonus and not pi.is_engagement(mid)
    ]
    bonus = rules["bonus_points"] if bonus_measures else 0
    base = sum(objective_scores.values())
    score = min(rules["max_points"], base + bonus)
    messages = {"redistribution": " ".join(moves)} if moves else {}
    missing = [m for m in failures if not pi.reported(m)]
    if days is not None and days < rules["minimum_days"]:
        score = 0
        messages["performancePeriod"] = (
            f"The performance period is {days} days, shorter than the {rules['minimum_days']} "
            f"continuous days required: the category scores 0."
        )
    if failures:
        score = 0
        messages["requiredMeasures"] = (
            "The category scores 0 because these required measures are missing, answered "
            f"no, or have a zero numerator: {', '.join(failures)}."
        )
    if not measurement_set.get("cehrtId"):
        messages["cehrtId"] = (
            "No CEHRT ID was submitted with this measurement set; CMS gives Promoting "
            "Interoperability credit only with one. The preliminary score does not check it."
        )
    messages["score"] = (
        f"Measure points {_text(base)} + bonus {_text(bonus)} = {_text(base + bonus)}, at most "
        f"{rules['max_points']}: {_text(score)}."
        if not (failures or messages.get("performancePeriod"))
        else f"Score: {_text(score)}."
    )
    return _set_part(
        Category.PROMOTING_INTEROPERABILITY,
        score,
        measurement_set.get("submissionMethod"),
        parts,
        {
            "performancePeriodDays": days,
            "minimumDays": rules["minimum_days"],
            "hasCehrtId": bool(measurement_set.get("cehrtId")),
            "maxContribution": rules["max_points"],
            "objectiveScores": {k: _number(v) for k, v in objective_scores.items()},
            "bonuses": {"publicHealthBonus": bonus} if bonus else {},
            "bonusMeasures": bonus_measures,
            "measuresExcluded": excluded_ids,
            "requiredMeasuresNotMet": failures,
            "requiredMeasuresMissing": missing,
            "maxPoints": {k: _number(v) for k, v in maximum.items()},
            "messages": messages,
        },
    )


def _failure_sentence(pi, measure_id):
    if not pi.reported(measure_id):
        return "Required measure not submitted (and no exclusion or substitute): the category scores 0."
    value = pi.values[measure_id]
    if isinstance(value, bool):
        return "Required measure answered no: the category scores 0."
    return (
        f"Required measure has a numerator below {pi.rules['minimum_numerator']}: "
        f"the category scores 0."
    )


# --- The score tree ----------------------------------------------------------------------


def _set_part(category, score, method, parts, metadata):
    metadata["unroundedScoreValue"] = score
    metadata.setdefault("messages", {})
    return {
        "name": category,
        "title": SET_TITLES[category],
        "value": _number(score),
        "detail": method or "",
        "parts": parts,
        "metadata": metadata,
    }


SCORERS = {
    Category.QUALITY: score_quality_set,
    Category.IMPROVEMENT_ACTIVITIES: score_ia_set,
    Category.PROMOTING_INTEROPERABILITY: score_pi_set,
}


def score_measurement_set(
    measurement_set: dict,
    *,
    year: int,
    context: ScoringContext = ScoringContext(),  # noqa: B008 - frozen, so safe to share
) -> dict:
    """Return the score part of one measurement set of ``year`` (its category's rules).

    Raise ValueError for a category that is not submitted (cost) or a year without figures.
    """
    category = measurement_set.get("category")
    if category not in SCORERS:
        raise ValueError(f"Measurement sets of category {category!r} are not scored.")
    scoring_year(year)
    return SCORERS[category](measurement_set, year=int(year), context=context)


def pick_measurement_set(category, set_parts):
    """Mark the highest scoring of a category's measurement sets PICKED (the first on a
    tie) and the others NOT_PICKED; return the category's ``original`` score."""
    best = max(set_parts, key=lambda part: part["metadata"]["unroundedScoreValue"])
    for part in set_parts:
        chosen = part is best
        part["metadata"]["processingStatus"] = PICKED if chosen else NOT_PICKED
        part["metadata"]["measurementSetPicked"] = chosen
        part["metadata"]["messages"]["picked"] = (
            "Measurement set selected for category score."
            if chosen
            else "Another measurement set of this category scored higher; this one is not used."
        )
    label = best["detail"] or "submitted"
    detail = (
        f"Picked the highest scoring measurement set: {label}"
        if len(set_parts) > 1
        else f"Picked the only measurement set: {label}"
    )
    return {
        "name": category,
        "value": best["value"],
        "detail": detail,
        "parts": set_parts,
        "metadata": {"unroundedScoreValue": best["metadata"]["unroundedScoreValue"]},
    }


def score_submission(
    submission: dict,
    *,
    context: ScoringContext = ScoringContext(),  # noqa: B008 - frozen, so safe to share
) -> dict:
    """Return the preliminary score tree of a submission of its ``performanceYear``.

    Each category's measurement sets are scored and the highest picked; the total is the
    sum of the picked category scores times the year's weights (feedback.program). Cost is
    not submitted, so it is not in the tree.
    """
    year = int(submission["performanceYear"])
    weights = program.program_year(year).weights
    by_category = {}
    for measurement_set in submission.get("measurementSets", ()):
        part = score_measurement_set(measurement_set, year=year, context=context)
        by_category.setdefault(part["name"], []).append(part)
    parts, total, messages = [], 0.0, {}
    for category in Category.ALL:
        if category not in by_category:
            continue
        original = pick_measurement_set(category, by_category[category])
        weight = weights[WEIGHT_KEYS[category]]
        contribution = original["metadata"]["unroundedScoreValue"] * weight / 100
        total += contribution
        messages[category] = (
            f"{Category.LABELS[category]}: {_text(original['value'])} x {weight}% = "
            f"{_text(contribution)} points."
        )
        parts.append(
            {
                "name": category,
                "title": f"{category.upper()} component of total score",
                "detail": f"Scoring based on weight of {weight}%.",
                "value": _number(contribution),
                "original": original,
                "metadata": {"maxContribution": weight, "unroundedScoreValue": contribution},
            }
        )
    return {
        "name": "total",
        "title": "Total Score",
        "value": _number(total),
        "detail": TOTAL_DETAIL,
        "parts": parts,
        "metadata": {
            "performanceYear": year,
            "maxTotalScore": 100,
            "maxContributionCost": weights["cost"],
            "isPreliminary": True,
            "smallPractice": context.is_small_practice,
            "specialStatus": context.has_special_status,
            "unroundedScoreValue": total,
            "messages": messages,
        },
    }


def category_scores(score: dict) -> dict:
    """Return ``{"quality", "ia", "pi"}`` category scores (0-100, None if not submitted)
    from a ``score_submission`` tree."""
    scores = dict.fromkeys(Category.ALL)
    for part in score.get("parts", ()):
        if part.get("name") in scores and "original" in part:
            scores[part["name"]] = part["original"]["value"]
    return scores


def picked_set_parts(score: dict) -> dict:
    """Return ``{category: the measurement set part that counts}`` of a ``score_submission``
    tree (the set marked picked, or the only one)."""
    picked = {}
    for part in score.get("parts", ()):
        for set_part in part.get("original", {}).get("parts", ()):
            if set_part.get("metadata", {}).get("measurementSetPicked", True):
                picked[part["name"]] = set_part
                break
    return picked


def preliminary_payment_adjustment(score: dict, year: int) -> Decimal | None:
    """Return the payment adjustment (percent) the preliminary total would lead to, or None
    when no category was scored.

    The total leaves out Cost, which CMS adds later, so this is the adjustment of the
    score as it stands, not a forecast of the final one.
    """
    if not any(value is not None for value in category_scores(score).values()):
        return None
    return program.payment_adjustment(min(100, max(0, score["value"])), year)
