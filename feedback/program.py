"""The MIPS figures of each performance year and the payment adjustment they lead to.

The figures live in ``data/program_years.json`` with their sources; this module reads them
once and computes from them. Nothing here touches the database.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from organizations import apm_models as apm_models_data
from qpp_portal import clock

DATA_FILE = Path(__file__).resolve().parent / "data" / "program_years.json"
PAYMENT_YEAR_OFFSET = 2  # 42 CFR 414.1405(e): the adjustment applies two years later.
# The exceptional-performance bonus runs from 0.5% at the additional threshold to 10% at 100
# points (SSA 1848(q)(6)(D)), before its own scaling for the $500M pool.
EXCEPTIONAL_BONUS_MIN = Decimal("0.5")
EXCEPTIONAL_BONUS_MAX = Decimal("10")
ADJUSTMENT_PLACES = Decimal("0.001")
HUNDRED = Decimal(100)
CATEGORIES = ("quality", "promoting_interoperability", "improvement_activities", "cost")


@dataclass(frozen=True)
class ProgramYear:
    year: int
    performance_threshold: Decimal
    exceptional_threshold: Decimal | None
    max_negative_adjustment: Decimal
    scaling_factor: Decimal
    exceptional_scaling_factor: Decimal | None
    weights: dict
    low_volume: dict
    opt_in_available: bool
    apm_incentive_percent: Decimal

    @property
    def payment_year(self):
        return self.year + PAYMENT_YEAR_OFFSET

    @property
    def exception_deadline(self):
        """The last day to file an exception application (simulated: December 31)."""
        return datetime.date(self.year, 12, 31)

    @property
    def opt_in_deadline(self):
        """The last day to make an opt-in election (simulated: March 31 after the year)."""
        return datetime.date(self.year + 1, 3, 31)

    @property
    def feedback_released(self):
        """When performance feedback for the year appears (simulated: July 1 after it)."""
        return datetime.date(self.year + 1, 7, 1)


def _decimal(value):
    return None if value is None else Decimal(str(value))


@cache
def program_years():
    """Return {year: ProgramYear} for every year in the data file, oldest first."""
    raw = json.loads(DATA_FILE.read_text())["years"]
    years = {}
    for key, entry in sorted(raw.items()):
        year = int(key)
        years[year] = ProgramYear(
            year=year,
            performance_threshold=_decimal(entry["performance_threshold"]),
            exceptional_threshold=_decimal(entry["exceptional_threshold"]),
            max_negative_adjustment=_decimal(entry["max_negative_adjustment"]),
            scaling_factor=_decimal(entry["scaling_factor"]),
            exceptional_scaling_factor=_decimal(entry["exceptional_scaling_factor"]),
            weights=dict(entry["weights"]),
            low_volume=dict(entry["low_volume"]),
            opt_in_available=entry["opt_in_available"],
            apm_incentive_percent=_decimal(entry["apm_incentive_percent"]),
        )
    return years


def program_year(year):
    """Return the figures of ``year``; raise ValueError for a year the program has no data for."""
    try:
        return program_years()[int(year)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"No MIPS figures for performance year {year!r}.") from None


def today():
    """Return today's date in the portal's time zone (tests replace this to move time)."""
    return clock.today()


def released_years(on=None):
    """Return the performance years whose feedback is out on ``on`` (today), newest first."""
    on = on or today()
    return [
        y for y, figures in reversed(program_years().items()) if figures.feedback_released <= on
    ]


def payment_adjustment(final_score, year):
    """Return the MIPS payment adjustment, in percent, for a final score in a performance year.

    42 CFR 414.1405(b)-(c): at the performance threshold the adjustment is 0; at or below a
    quarter of it, the full negative adjustment; between the two, linear from the full
    negative adjustment to 0. Above the threshold it is linear from 0 to the maximum
    adjustment at 100 points, times the year's budget-neutrality scaling factor; while the
    exceptional-performance bonus existed (2017-2022), scores at or above the additional
    threshold add 0.5% rising linearly to 10% at 100 points, times its own scaling factor.
    Rounded half up to 0.001 percentage points. Raise ValueError for a score outside
    0-100 or an unknown year.
    """
    figures = program_year(year)
    score = Decimal(str(final_score))
    if not (0 <= score <= HUNDRED):
        raise ValueError(f"A final score is between 0 and 100, not {final_score!r}.")
    threshold = figures.performance_threshold
    maximum = figures.max_negative_adjustment
    floor = threshold / 4
    if score <= floor:
        adjustment = -maximum
    elif score < threshold:
        adjustment = -maximum * (threshold - score) / (threshold - floor)
    else:
        adjustment = maximum * (score - threshold) / (HUNDRED - threshold) * figures.scaling_factor
        exceptional = figures.exceptional_threshold
        if exceptional is not None and score >= exceptional:
            span = EXCEPTIONAL_BONUS_MAX - EXCEPTIONAL_BONUS_MIN
            bonus = EXCEPTIONAL_BONUS_MIN + span * (score - exceptional) / (HUNDRED - exceptional)
            adjustment += bonus * figures.exceptional_scaling_factor
    return adjustment.quantize(ADJUSTMENT_PLACES, rounding=ROUND_HALF_UP) + 0  # no -0.000


def payment_adjustment_parts(final_score, year):
    """Return (base, exceptional) of the payment adjustment of ``payment_adjustment``: the
    exceptional-performance part is None in the years without the bonus (from 2023), and
    the two add up to the total exactly (the exceptional part takes the rounding)."""
    total = payment_adjustment(final_score, year)
    figures = program_year(year)
    if figures.exceptional_threshold is None:
        return total, None
    score = Decimal(str(final_score))
    threshold = figures.performance_threshold
    if score < threshold:
        return total, Decimal("0.000")
    base = figures.max_negative_adjustment * (score - threshold) / (HUNDRED - threshold)
    base = (base * figures.scaling_factor).quantize(ADJUSTMENT_PLACES, rounding=ROUND_HALF_UP)
    return base, total - base


def final_score(scores, weights):
    """Return the weighted final score of category ``scores`` (0-100 each; None = not scored)
    with ``weights`` that are already reweighted (``feedback.reweighting.category_weights``
    applies 42 CFR 414.1380(c)); a category left unscored with a weight shares it in
    proportion, for callers that give the year's base weights."""
    scored = {name: weights[name] for name in CATEGORIES if scores.get(name) is not None}
    total_weight = sum(scored.values())
    if not total_weight:
        return Decimal("0.00")
    total = sum(Decimal(str(scores[name])) * weight for name, weight in scored.items())
    return (total / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# The APM models and their years live with the organizations they describe.
APM_MODELS_FILE = apm_models_data.APM_MODELS_FILE
apm_models = apm_models_data.apm_models
apm_model_ran = apm_models_data.apm_model_ran
