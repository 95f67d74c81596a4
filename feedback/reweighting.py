"""Category weights after reweighting, and the final score they give, per 42 CFR
414.1380(c) (MIPS) and 414.1367/414.1370 (APM entities), with each year's rows in
``data/reweighting.json`` (sources there). Nothing here touches the database.

A category is *reweighted* when it cannot be scored (too few cases, no data, an approved
exception, an automatic hardship): its weight goes where that year's table puts it, not in
proportion to the others.
"""

import json
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from . import program

DATA_FILE = Path(__file__).resolve().parent / "data" / "reweighting.json"
CATEGORIES = program.CATEGORIES
TWO_PLACES = Decimal("0.01")


@cache
def _data():
    return json.loads(DATA_FILE.read_text())


def _key(reweighted):
    return "+".join(sorted(reweighted))


def _fallback(base, reweighted):
    """The general rule for a combination the year's table has no row for (this simulator's
    reading, not confirmed against the final rules: see the data file's ``_about``): the
    weight goes to Quality if it is scored, else in proportion to the scored categories
    (whole points, remainder to the first scored category)."""
    weights = {name: (0 if name in reweighted else base[name]) for name in CATEGORIES}
    freed = 100 - sum(weights.values())
    if not freed:
        return weights
    if weights["quality"]:
        weights["quality"] += freed
        return weights
    kept = [name for name in CATEGORIES if weights[name]]
    if not kept:
        return weights
    total = sum(weights[name] for name in kept)
    for name in kept:
        weights[name] += freed * weights[name] // total
    weights[kept[0]] += 100 - sum(weights.values())
    return weights


def apm_weights(year, model_type=""):
    """Return the base weights an APM entity is scored on in ``year`` (the APM scoring
    standard until 2020, the APM Performance Pathway from 2021)."""
    data = _data()
    app = data["apm_performance_pathway"]
    if year >= app["first_year"]:
        return dict(app["weights"])
    standard = data["apm_scoring_standard"].get(str(year))
    if standard is None:
        return dict(program.program_year(year).weights)
    if "quality_models" in standard and model_type not in standard["quality_models"]:
        return dict(standard["other_models_weights"])
    return dict(standard["weights"])


def category_weights(
    year, reweighted=(), *, small_practice=False, apm_entity=False, model_type=""
):
    """Return {category: weight} (whole percent, totalling 100 unless nothing is scored) for
    ``year`` with the ``reweighted`` categories at 0, per the year's table."""
    reweighted = {name for name in reweighted if name in CATEGORIES}
    if apm_entity:
        base = apm_weights(year, model_type)
        tables = _data()["apm_performance_pathway"]["tables"] if year >= 2021 else {}
        small_tables = {}
    else:
        base = dict(program.program_year(year).weights)
        entry = _data()["years"].get(str(year), {})
        tables = entry.get("tables", {})
        small_tables = entry.get("small_practice_tables", {}) if small_practice else {}
    # A category with no weight that year (Cost in 2017, under the APM pathways) counts as
    # reweighted already: it adds nothing to redistribute.
    reweighted |= {name for name in CATEGORIES if not base[name]}
    key = _key(name for name in reweighted if base[name])
    if not key:
        return base
    row = small_tables.get(key) or tables.get(key)
    return dict(row) if row else _fallback(base, reweighted)


def final_score(
    year, scores, *, small_practice=False, apm_entity=False, model_type="", reweighted=()
):
    """Return (weights, final score) for category ``scores`` (0-100; None = not scored) in
    ``year``. Categories without a score, and those in ``reweighted`` (approved exceptions),
    are reweighted; with fewer than two categories scored the final score is the year's
    performance threshold (from 2018), so the payment adjustment is neutral."""
    unscored = {name for name in CATEGORIES if scores.get(name) is None} | set(reweighted)
    weights = category_weights(
        year,
        unscored,
        small_practice=small_practice,
        apm_entity=apm_entity,
        model_type=model_type,
    )
    scored = [name for name in CATEGORIES if weights[name]]
    figures = program.program_year(year)
    if len(scored) < 2 and year >= _data()["one_category_threshold_from"]:
        return weights, figures.performance_threshold.quantize(TWO_PLACES)
    if not scored:
        return weights, Decimal("0.00")
    total = sum(Decimal(str(scores[name])) * weights[name] for name in scored) / 100
    return weights, min(Decimal(100), total).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def scored_report(
    year,
    scores,
    *,
    reweighted=(),
    small_practice=False,
    apm_entity=False,
    model_type="",
    **subject,
):
    """Return an unsaved FeedbackReport for ``subject`` (organization, clinician, level) from
    category ``scores`` (None = not scored), weighted and totalled by ``final_score``, with
    the payment adjustment the final score leads to."""
    from .models import FeedbackReport

    weights, final = final_score(
        year,
        scores,
        small_practice=small_practice,
        apm_entity=apm_entity,
        model_type=model_type,
        reweighted=reweighted,
    )
    scores = {name: (scores.get(name) if weights[name] else None) for name in CATEGORIES}
    if not any(weights.values()):  # nothing scored at all: the report shows Quality at 0
        weights, scores = {**weights, "quality": 100}, {**scores, "quality": Decimal("0.00")}
    return FeedbackReport(
        performance_year=year,
        final_score=final,
        payment_adjustment=program.payment_adjustment(final, year),
        **{name: scores[name] for name in CATEGORIES},
        **{f"{name}_weight": weights[name] for name in CATEGORIES},
        **subject,
    )
