"""The rates CMS computes for a measurement (``performanceRate``, ``reportingRate``,
``caseCount``), as CMS's Submissions API field tables define them (qpp-submissions-docs
``data.ts``). Validation stores them with each measurement; scoring reads them.

Rates are percentages from 0 to 100, rounded to 2 decimals like CMS's responses, or None
when their denominator is zero.
"""

from .catalogue import MetricType

OVERALL_STRATUM = "overall"


def _percent(numerator, denominator):
    if not denominator or denominator <= 0:
        return None
    return round(numerator / denominator * 100, 2)


def _counts(value):
    return (
        value.get("performanceMet") or 0,
        value.get("performanceNotMet") or 0,
        value.get("eligiblePopulationExclusion") or 0,
        value.get("eligiblePopulationException") or 0,
        value.get("eligiblePopulation") or 0,
    )


def single_rate_fields(value, *, metric_type):
    """Return the computed fields of a single-performance-rate value.

    performanceRate = performanceMet / (performanceMet + performanceNotMet) * 100 (a QCDR's
    registrySinglePerformanceRate states its own and keeps it); reportingRate = (met +
    exclusion + exception + notMet) / eligiblePopulation * 100; caseCount = eligiblePopulation
    (minus exclusions for QCDR measures).
    """
    met, not_met, exclusion, exception, eligible = _counts(value)
    fields = {
        "reportingRate": _percent(met + exclusion + exception + not_met, eligible),
        "caseCount": eligible - exclusion
        if metric_type == MetricType.REGISTRY_SINGLE_PERFORMANCE_RATE
        else eligible,
    }
    if metric_type != MetricType.REGISTRY_SINGLE_PERFORMANCE_RATE:
        fields["performanceRate"] = _percent(met, met + not_met)
    return fields


def _stratum_rate(stratum, *, subtract_exclusions):
    met, not_met, exclusion, _exception, _eligible = _counts(stratum)
    denominator = met + not_met - (exclusion if subtract_exclusions else 0)
    return _percent(met, denominator)


def multi_rate_fields(value, *, metric_type, overall_algorithm):
    """Return the computed fields of a multi-performance-rate value, by the measure's
    ``overallAlgorithm``.

    simpleAverage: the mean of the strata's rates; weightedAverage: the strata's summed met
    over summed met + not met; overallStratumOnly: the "overall" stratum's rate; split: the
    "performance" stratum's rate, completeness from the "reporting" stratum. Other than for
    overallStratumOnly, an "overall" stratum is left out.
    """
    strata = value.get("strata") or []
    if overall_algorithm == "overallStratumOnly":
        counted = [s for s in strata if s.get("stratum") == OVERALL_STRATUM]
    elif overall_algorithm == "split":
        counted = [s for s in strata if s.get("stratum") == "reporting"]
    else:
        counted = [s for s in strata if s.get("stratum") != OVERALL_STRATUM]

    totals = [_counts(s) for s in counted]
    met = sum(t[0] for t in totals)
    not_met = sum(t[1] for t in totals)
    exclusion = sum(t[2] for t in totals)
    exception = sum(t[3] for t in totals)
    eligible = sum(t[4] for t in totals)
    case_counts = [t[4] - t[2] for t in totals]

    if overall_algorithm == "simpleAverage":
        rates = [_stratum_rate(s, subtract_exclusions=True) for s in counted]
        rates = [r for r in rates if r is not None]
        performance_rate = round(sum(rates) / len(rates), 2) if rates else None
        case_count = max(case_counts, default=0)
    elif overall_algorithm == "overallStratumOnly":
        performance_rate = _stratum_rate(counted[0], subtract_exclusions=True) if counted else None
        case_count = sum(case_counts)
    elif overall_algorithm == "split":
        performance = [s for s in strata if s.get("stratum") == "performance"]
        performance_rate = (
            _stratum_rate(performance[0], subtract_exclusions=False) if performance else None
        )
        case_count = sum(case_counts)
    else:  # weightedAverage, and any algorithm CMS adds later
        performance_rate = _percent(met, met + not_met)
        case_count = sum(case_counts)

    fields = {
        "reportingRate": _percent(met + exclusion + exception + not_met, eligible),
        "caseCount": case_count,
    }
    if metric_type != MetricType.REGISTRY_MULTI_PERFORMANCE_RATE:
        fields["performanceRate"] = performance_rate
    return fields


def non_proportion_fields(value):
    """reportingRate = (observationInstances + denominatorException + numeratorExclusion) /
    denominator * 100; caseCount = denominator."""
    denominator = value.get("denominator") or 0
    observed = (
        (value.get("observationInstances") or 0)
        + (value.get("denominatorException") or 0)
        + (value.get("numeratorExclusion") or 0)
    )
    return {"reportingRate": _percent(observed, denominator), "caseCount": int(denominator)}


def computed_fields(measure, value):
    """Return the fields CMS computes for ``value`` of ``measure`` (empty for booleans and
    proportions)."""
    if measure.metric_type in MetricType.SINGLE_RATES:
        return single_rate_fields(value, metric_type=measure.metric_type)
    if measure.metric_type in MetricType.MULTI_RATES:
        return multi_rate_fields(
            value, metric_type=measure.metric_type, overall_algorithm=measure.overall_algorithm
        )
    if measure.metric_type == MetricType.NON_PROPORTION:
        return non_proportion_fields(value)
    return {}
