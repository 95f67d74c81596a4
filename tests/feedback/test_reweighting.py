"""Reweighting per 42 CFR 414.1380(c), year by year, each case worked by hand from the
regulation's rows (feedback/data/reweighting.json), and the APM pathways."""

from decimal import Decimal

import pytest

from feedback import program, reweighting

Q, C, IA, PI = "quality", "cost", "improvement_activities", "promoting_interoperability"


def w(q=0, c=0, ia=0, pi=0):
    return {Q: q, C: c, IA: ia, PI: pi}


@pytest.mark.parametrize(
    ("year", "reweighted", "small", "expected"),
    [
        # No reweighting: the year's own weights (program_years.json).
        (2017, (), False, w(60, 0, 15, 25)),
        (2018, (), False, w(50, 10, 15, 25)),
        (2019, (), False, w(45, 15, 15, 25)),
        (2020, (), False, w(45, 15, 15, 25)),
        (2021, (), False, w(40, 20, 15, 25)),
        (2022, (), False, w(30, 30, 15, 25)),
        (2023, (), False, w(30, 30, 15, 25)),
        (2024, (), False, w(30, 30, 15, 25)),
        (2025, (), False, w(30, 30, 15, 25)),
        (2026, (), False, w(30, 30, 15, 25)),
        # 2017: Advancing Care Information reweighted -> its 25 to Quality: 60 + 25 = 85.
        (2017, (PI,), False, w(85, 0, 15, 0)),
        # 2017 has no Cost weight, so "Cost reweighted" changes nothing.
        (2017, (C,), False, w(60, 0, 15, 25)),
        # 2018: PI's 25 to Quality (50 + 25 = 75); Cost's 10 to Quality (50 + 10 = 60).
        (2018, (PI,), False, w(75, 10, 15, 0)),
        (2018, (C,), False, w(60, 0, 15, 25)),
        (2018, (C, PI), False, w(85, 0, 15, 0)),
        # 2019: PI -> Quality (45 + 25 = 70); Cost -> Quality (45 + 15 = 60).
        (2019, (PI,), False, w(70, 15, 15, 0)),
        (2019, (C,), False, w(60, 0, 15, 25)),
        # 2020, 414.1380(c)(2)(ii)(D): Cost's 15 -> Quality 10 + PI 5 (55/15/30); with PI
        # too, everything to Quality (85/15); without Quality, to PI (15 + 85 = 100 - IA).
        (2020, (C,), False, w(55, 0, 15, 30)),
        (2020, (C, PI), False, w(85, 0, 15, 0)),
        (2020, (C, Q), False, w(0, 0, 15, 85)),
        (2020, (C, IA), False, w(70, 0, 0, 30)),
        (2020, (PI,), False, w(70, 15, 15, 0)),
        # 2021: Cost's 20 -> Quality 15 + PI 5; PI's 25 -> Quality (40 + 25 = 65).
        (2021, (C,), False, w(55, 0, 15, 30)),
        (2021, (PI,), False, w(65, 20, 15, 0)),
        # 2022-2026, one category reweighted (not a small practice):
        # Cost 30 -> Quality 25 + PI 5 = 55/0/15/30.
        (2025, (C,), False, w(55, 0, 15, 30)),
        # PI 25 -> Quality: 30 + 25 = 55.
        (2025, (PI,), False, w(55, 30, 15, 0)),
        # Quality 30 -> PI: 25 + 30 = 55.
        (2025, (Q,), False, w(0, 30, 15, 55)),
        # IA 15 -> Quality: 30 + 15 = 45.
        (2025, (IA,), False, w(45, 30, 0, 25)),
        # Two reweighted:
        (2025, (C, PI), False, w(85, 0, 15, 0)),
        (2025, (C, Q), False, w(0, 0, 50, 50)),
        (2025, (C, IA), False, w(75, 0, 0, 25)),
        (2025, (PI, Q), False, w(0, 50, 50, 0)),
        (2025, (IA, PI), False, w(70, 30, 0, 0)),
        (2025, (IA, Q), False, w(0, 30, 0, 70)),
        # Small practice, PI reweighted: PI's 25 split Quality +10, IA +15 = 40/30/30.
        (2025, (PI,), True, w(40, 30, 30, 0)),
        (2022, (PI,), True, w(40, 30, 30, 0)),
        (2026, (PI,), True, w(40, 30, 30, 0)),
        # Small practice, Cost and PI: Quality 50, IA 50.
        (2025, (C, PI), True, w(50, 0, 50, 0)),
        # A small practice without PI reweighted follows the ordinary rows.
        (2025, (C,), True, w(55, 0, 15, 30)),
    ],
)
def test_the_weights_of_each_year_and_reweighting_case(year, reweighted, small, expected):
    assert reweighting.category_weights(year, reweighted, small_practice=small) == expected


def test_every_row_totals_100():
    for year in program.program_years():
        for reweighted in ((), (C,), (PI,), (Q,), (IA,), (C, PI), (Q, IA), (C, Q, PI)):
            for small in (False, True):
                weights = reweighting.category_weights(year, reweighted, small_practice=small)
                assert sum(weights.values()) == 100, (year, reweighted, small)


def test_2025_small_practice_final_score_worked_by_hand():
    # Quality 80 x 40% + Cost 60 x 30% + IA 100 x 30% = 32 + 18 + 30 = 80.00.
    weights, final = reweighting.final_score(
        2025, {Q: 80, C: 60, IA: 100, PI: None}, small_practice=True
    )
    assert weights == w(40, 30, 30, 0) and final == Decimal("80.00")


def test_2025_other_practice_gives_pi_weight_to_quality():
    # Quality 80 x 55% + Cost 60 x 30% + IA 100 x 15% = 44 + 18 + 15 = 77.00 (the old
    # proportional share would have given 80x40 + 60x40 + 100x20 = 76.00).
    weights, final = reweighting.final_score(2025, {Q: 80, C: 60, IA: 100, PI: None})
    assert weights == w(55, 30, 15, 0) and final == Decimal("77.00")


@pytest.mark.parametrize(("year", "threshold"), [(2018, 15), (2021, 60), (2025, 75)])
def test_only_one_category_scored_gives_the_performance_threshold(year, threshold):
    # Only IA scored: final score = threshold, so the payment adjustment is 0.
    weights, final = reweighting.final_score(year, {Q: None, C: None, IA: 100, PI: None})
    assert final == Decimal(threshold)
    assert program.payment_adjustment(final, year) == 0


def test_2017_one_category_keeps_the_weighted_score():
    # The threshold rule starts in 2018; in 2017 IA alone carries the whole weight.
    weights, final = reweighting.final_score(2017, {Q: None, C: None, IA: 40, PI: None})
    assert weights[IA] == 100 and final == Decimal("40.00")


def test_an_approved_exception_reweights_a_scored_category():
    # 2024 EUC for Cost: Cost's 30 -> Quality 25 + PI 5 = 55/0/15/30:
    # 70 x 55% + 100 x 15% + 80 x 30% = 38.5 + 15 + 24 = 77.50.
    weights, final = reweighting.final_score(2024, {Q: 70, C: 10, IA: 100, PI: 80}, reweighted={C})
    assert weights[C] == 0 and final == Decimal("77.50")


@pytest.mark.parametrize(
    ("year", "model", "expected"),
    [
        # 2017 APM scoring standard: ACOs Quality 50 / IA 20 / ACI 30; other MIPS APMs were
        # not scored on Quality: IA 25, ACI 75.
        (2017, "ssp_aco", w(50, 0, 20, 30)),
        (2017, "ocm", w(0, 0, 25, 75)),
        (2019, "ocm", w(50, 0, 20, 30)),
        # APM Performance Pathway from 2021: Quality 50, IA 20, PI 30, no Cost.
        (2021, "ssp_aco", w(50, 0, 20, 30)),
        (2025, "bpci_advanced", w(50, 0, 20, 30)),
    ],
)
def test_apm_entities_are_scored_on_the_apm_weights(year, model, expected):
    assert reweighting.category_weights(year, apm_entity=True, model_type=model) == expected


def test_apm_performance_pathway_with_pi_reweighted():
    # PI's 30 -> Quality 75, IA 25: 90 x 75% + 100 x 25% = 67.5 + 25 = 92.50.
    weights, final = reweighting.final_score(
        2025, {Q: 90, C: None, IA: 100, PI: None}, apm_entity=True, model_type="ssp_aco"
    )
    assert weights == w(75, 0, 25, 0) and final == Decimal("92.50")


@pytest.mark.parametrize(
    ("score", "year", "base", "exceptional"),
    [
        # 2022: threshold 75, exceptional 89, max 9%, scaling 0.3, exceptional scaling 0.7.
        # Score 95: base 9 x (95-75)/25 x 0.3 = 2.160; bonus (0.5 + 9.5 x 6/11) x 0.7 =
        # 3.977 (rounded with the total 6.137).
        (95, 2022, Decimal("2.160"), Decimal("3.977")),
        # Below the exceptional threshold: no bonus part.
        (80, 2022, Decimal("0.540"), Decimal("0.000")),
        # 2023 had no bonus: None.
        (95, 2023, Decimal("1.800"), None),
    ],
)
def test_payment_adjustment_parts(score, year, base, exceptional):
    assert program.payment_adjustment_parts(score, year) == (base, exceptional)
    assert base + (exceptional or 0) == program.payment_adjustment(score, year)
