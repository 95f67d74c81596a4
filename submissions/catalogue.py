"""The year's measures and benchmarks, read from the trimmed CMS data in ``data/``.

Read-only and cached per process: the files change only with a release of the portal.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


class Category:
    QUALITY = "quality"
    IMPROVEMENT_ACTIVITIES = "ia"
    PROMOTING_INTEROPERABILITY = "pi"
    ALL = (QUALITY, IMPROVEMENT_ACTIVITIES, PROMOTING_INTEROPERABILITY)
    LABELS = {
        QUALITY: "Quality",
        IMPROVEMENT_ACTIVITIES: "Improvement Activities",
        PROMOTING_INTEROPERABILITY: "Promoting Interoperability",
    }


class MetricType:
    BOOLEAN = "boolean"
    PROPORTION = "proportion"
    NON_PROPORTION = "nonProportion"
    SINGLE_PERFORMANCE_RATE = "singlePerformanceRate"
    REGISTRY_SINGLE_PERFORMANCE_RATE = "registrySinglePerformanceRate"
    MULTI_PERFORMANCE_RATE = "multiPerformanceRate"
    REGISTRY_MULTI_PERFORMANCE_RATE = "registryMultiPerformanceRate"
    SINGLE_RATES = (SINGLE_PERFORMANCE_RATE, REGISTRY_SINGLE_PERFORMANCE_RATE)
    MULTI_RATES = (MULTI_PERFORMANCE_RATE, REGISTRY_MULTI_PERFORMANCE_RATE)
    # The submitter states the performance rate of these (QCDR measures); CMS computes the
    # others.
    RATE_SUBMITTED = (REGISTRY_SINGLE_PERFORMANCE_RATE, REGISTRY_MULTI_PERFORMANCE_RATE)


@dataclass(frozen=True)
class Measure:
    """One measure or activity of a performance year, as qpp-measures-data describes it."""

    measure_id: str
    category: str
    title: str
    metric_type: str
    description: str = ""
    is_inverse: bool = False
    is_high_priority: bool = False
    measure_type: str = ""
    strata: tuple[str, ...] = ()
    overall_algorithm: str = ""
    submission_methods: tuple[str, ...] = ()
    allowed_programs: tuple[str, ...] = ()
    first_performance_year: int | None = None
    seven_point_cap_removed: bool = False
    # Improvement activities: "medium" or "high" until 2024, none from 2025.
    weight: str = ""
    subcategory: str = ""
    # Promoting Interoperability.
    objective: str = ""
    is_required: bool = False
    is_bonus: bool = False
    reporting_category: str = ""
    exclusions: tuple[str, ...] = ()
    substitutes: tuple[str, ...] = ()

    @property
    def is_exclusion(self):
        return self.reporting_category == "exclusion"


@dataclass(frozen=True)
class Benchmark:
    measure_id: str
    submission_method: str
    percentiles: dict = field(hash=False)
    is_topped_out: bool = False
    is_topped_out_by_program: bool = False
    is_inverse: bool = False
    average_performance_rate: float | None = None

    @property
    def deciles(self):
        """Return the lower bounds of deciles 1..10 (percentiles 1, 10, 20, ... 90)."""
        return [
            self.percentiles.get(key)
            for key in ("1", "10", "20", "30", "40", "50", "60", "70", "80", "90")
        ]


def _measure(raw):
    return Measure(
        measure_id=raw["measureId"],
        category=raw["category"],
        title=raw["title"],
        metric_type=raw["metricType"],
        description=raw.get("description", ""),
        is_inverse=bool(raw.get("isInverse")),
        is_high_priority=bool(raw.get("isHighPriority")),
        measure_type=raw.get("measureType") or "",
        strata=tuple(s["name"] for s in raw.get("strata", ())),
        overall_algorithm=raw.get("overallAlgorithm") or "",
        submission_methods=tuple(raw.get("submissionMethods", ())),
        allowed_programs=tuple(raw.get("allowedPrograms", ())),
        first_performance_year=raw.get("firstPerformanceYear"),
        seven_point_cap_removed=bool(raw.get("isSevenPointCapRemoved")),
        weight=raw.get("weight") or "",
        subcategory=raw.get("subcategoryId") or "",
        objective=raw.get("objective") or "",
        is_required=bool(raw.get("isRequired")),
        is_bonus=bool(raw.get("isBonus")),
        reporting_category=raw.get("reportingCategory") or "",
        exclusions=tuple(raw.get("exclusion") or ()),
        substitutes=tuple(raw.get("substitutes") or ()),
    )


@cache
def performance_years():
    """Return the performance years with measures data, oldest first."""
    return tuple(
        sorted(int(p.name) for p in DATA_DIR.iterdir() if p.is_dir() and p.name.isdigit())
    )


@cache
def measures(year):
    """Return ``{measure_id: Measure}`` for ``year`` (empty if the year has no data)."""
    path = DATA_DIR / str(year) / "measures.json"
    if not path.exists():
        return {}
    return {raw["measureId"]: _measure(raw) for raw in json.loads(path.read_text())}


def measure(year, measure_id):
    """Return the measure ``measure_id`` of ``year``, or None."""
    return measures(year).get(measure_id)


def measures_of_category(year, category):
    """Return the year's measures of ``category``, ordered by measure ID."""
    return sorted(
        (m for m in measures(year).values() if m.category == category), key=lambda m: m.measure_id
    )


@cache
def benchmarks(year):
    """Return ``{(measure_id, submission_method): Benchmark}`` for ``year``."""
    path = DATA_DIR / str(year) / "benchmarks.json"
    if not path.exists():
        return {}
    result = {}
    for raw in json.loads(path.read_text()):
        result[(raw["measureId"], raw["submissionMethod"])] = Benchmark(
            measure_id=raw["measureId"],
            submission_method=raw["submissionMethod"],
            percentiles=raw.get("percentiles") or {},
            is_topped_out=bool(raw.get("isToppedOut")),
            is_topped_out_by_program=bool(raw.get("isToppedOutByProgram")),
            is_inverse=bool(raw.get("isInverse")),
            average_performance_rate=raw.get("averagePerformanceRate"),
        )
    return result


def benchmark(year, measure_id, submission_method):
    """Return the benchmark of a measure for a submission method in ``year``, or None."""
    return benchmarks(year).get((measure_id, submission_method))
