"""Reweighting per 42 CFR 414.1380(c), year by year, each case worked by hand from the
regulation's rows (feedback/data/reweighting.json), and the APM pathways."""

from decimal import Decimal

import pytest

from feedback import program, reweighting

Q, C, IA, PI = "quality", "cost", "improvement_activities", "promoting_interoperability"


def w(q=0, c=0, ia=0, pi=0):
    return {Q: q, C: c, IA: ia, PI: pi}


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2017, w(60, 0, 15, 25)),
        (2018, w(50, 10, 15, 25)),
        (2019, w(45, 15, 15, 25)),
        (2020, w(45, 15, 15, 25)),
        (2021, w(40, 20, 15, 25)),
        (2022, w(30, 30, 15, 25)),
        (2023, w(30, 30, 15, 25)),
        (2024, w(30, 30, 15, 25)),
        (2025, w(30, 30, 15, 25)),
        (2026, w(30, 30, 15, 25)),
    ],
)
def test_without_reweighting_a_year_keeps_its_own_weights(year, expected):
    """42 CFR 414.1330(b): Quality 60% for payment year 2019 (PY 2017), 50% for 2020 (PY
    2018), 45% for 2021 and 2022 (PY 2019-2020); 2021-2026 from their PFS final rules."""
    assert reweighting.category_weights(year) == expected


@pytest.mark.parametrize(
    ("reweighted", "expected"),
    [
        # ACI's 25 to Quality: 60 + 25 = 85.
        ((PI,), w(85, 0, 15, 0)),
        # Cost has no weight in 2017: nothing to redistribute.
        ((C,), w(60, 0, 15, 25)),
        ((C, PI), w(85, 0, 15, 0)),
    ],
)
def test_2017_aci_weight_goes_to_quality(reweighted, expected):
    """2017 (CY 2017 QPP final rule): 'CMS will automatically reweight the categories by
    adding the ACI weight of 25% to the Quality performance category' (ACR NRDR support);
    Cost is weighted 0%."""
    assert reweighting.category_weights(2017, reweighted) == expected


@pytest.mark.parametrize(
    ("reweighted", "expected"),
    [
        # PI's 25 to Quality: 50 + 25 = 75.
        ((PI,), w(75, 10, 15, 0)),
        # Cost's 10 to Quality: 50 + 10 = 60.
        ((C,), w(60, 0, 15, 25)),
        # Both to Quality: 50 + 10 + 25 = 85 (unconfirmed as a row of its own).
        ((C, PI), w(85, 0, 15, 0)),
    ],
)
def test_2018_pi_and_cost_weights_go_to_quality(reweighted, expected):
    """2018 (CY 2018 QPP final rule, 82 FR 53568): 'the 25% from the ACI transfers to the
    Quality category' (ACP Internist, 2018); Quality 'will increase to 60% for practices that
    do not meet the case minimum requirement for the Cost category' (MACRA University)."""
    assert reweighting.category_weights(2018, reweighted) == expected


@pytest.mark.parametrize(
    ("reweighted", "expected"),
    [
        # PI's 25 to Quality: 45 + 25 = 70.
        ((PI,), w(70, 15, 15, 0)),
        # Unconfirmed, 2018's policy: Cost's 15 to Quality, 45 + 15 = 60; both, 85.
        ((C,), w(60, 0, 15, 25)),
        ((C, PI), w(85, 0, 15, 0)),
    ],
)
def test_2019_pi_weight_goes_to_quality(reweighted, expected):
    """2019 (CY 2019 PFS final rule): with a PI exception 'this contribution will be reduced
    to 0%, with quality's contribution being reweighted upward' (AAO EyeNet, MIPS 2019)."""
    assert reweighting.category_weights(2019, reweighted) == expected


@pytest.mark.parametrize(
    ("reweighted", "expected"),
    [
        # Cost's 15 -> Quality 10 + PI 5.
        ((C,), w(55, 0, 15, 30)),
        # With PI too: everything to Quality, 45 + 15 + 25 = 85.
        ((C, PI), w(85, 0, 15, 0)),
        # Without Quality: to PI, 25 + 45 + 15 = 85.
        ((C, Q), w(0, 0, 15, 85)),
        # Without IA: Quality 45 + 10 + 15 = 70, PI 25 + 5 = 30.
        ((C, IA), w(70, 0, 0, 30)),
        # Unconfirmed, 2019's policy: PI's 25 to Quality.
        ((PI,), w(70, 15, 15, 0)),
    ],
)
def test_2020_rows_of_414_1380_c_2_ii_d(reweighted, expected):
    """2020: CMS's table 'MIPS Performance Category Weight Redistribution Policies
    Finalized for the 2020 Performance Period', at 42 CFR 414.1380(c)(2)(ii)(D)."""
    assert reweighting.category_weights(2020, reweighted) == expected


@pytest.mark.parametrize(
    ("reweighted", "expected"),
    [
        # PI's 25 to Quality: 40 + 25 = 65.
        ((PI,), w(65, 20, 15, 0)),
        # Cost's 20 -> Quality 15 + PI 5.
        ((C,), w(55, 0, 15, 30)),
        # Cost and PI: Quality 40 + 20 + 25 = 85.
        ((C, PI), w(85, 0, 15, 0)),
        # Cost and Quality: PI 25 + 40 + 20 = 85.
        ((C, Q), w(0, 0, 15, 85)),
        # Unconfirmed (the copy found stops here): Quality 40 + 15 + 15 = 70, PI 25 + 5 = 30.
        ((C, IA), w(70, 0, 0, 30)),
    ],
)
def test_2021_rows_of_414_1380_c_2_ii_e(reweighted, expected):
    """2021 (CY 2021 PFS final rule, 85 FR 84472): 'increase quality's weight from 40% to
    65%' with PI reweighted, 'from 40% to 55% and promoting interoperability's weight from
    25% to 30%' with Cost reweighted (AAO EyeNet, MIPS 2021); CMS's 2021 Cost table under
    42 CFR 414.1380(c)(2)(ii)(E) (quoted by ASCO, 2022)."""
    assert reweighting.category_weights(2021, reweighted) == expected


@pytest.mark.parametrize(
    ("year", "reweighted", "expected"),
    [
        # Quality scored: the freed weight goes to Quality.
        (2018, (IA,), w(65, 10, 0, 25)),
        (2019, (IA,), w(60, 15, 0, 25)),
        (2021, (IA,), w(55, 20, 0, 25)),
        # Quality not scored: shared in proportion, whole points, the rest to the first
        # scored category (PI). 2017: IA 15 + 60 x 15/40 = 37, PI 25 + 60 x 25/40 = 62 + 1.
        (2017, (Q,), w(0, 0, 37, 63)),
        # 2019: Cost 15 + 45 x 15/55 = 27, IA 15 + 12 = 27, PI 25 + 20 = 45 + 1 = 46.
        (2019, (Q,), w(0, 27, 27, 46)),
    ],
)
def test_a_combination_without_a_row_uses_the_unconfirmed_general_rule(year, reweighted, expected):
    """No row was found for these combinations (reweighting.json, _about): the simulator's
    general rule applies, labelled there as not confirmed."""
    assert reweighting.category_weights(year, reweighted) == expected


@pytest.mark.parametrize(
    ("year", "reweighted", "small", "expected"),
    [
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
def test_2022_to_2026_rows_of_414_1380_c_2_ii(year, reweighted, small, expected):
    """2022-2026: the tables of 42 CFR 414.1380(c)(2)(ii) as finalized in the CY 2022 PFS
    final rule (86 FR 64996) and kept since, with the small-practice rows."""
    assert reweighting.category_weights(year, reweighted, small_practice=small) == expected


def test_every_year_before_2022_names_its_source_and_its_unconfirmed_rows():
    years = reweighting._data()["years"]
    for year in range(2017, 2022):
        entry = years[str(year)]
        assert entry["source"]
        assert set(entry["unconfirmed_rows"]) <= set(entry["tables"]), year


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


@pytest.mark.parametrize(("year", "threshold"), [(2018, 15), (2020, 45), (2021, 60), (2025, 75)])
def test_only_one_category_scored_gives_the_performance_threshold(year, threshold):
    """42 CFR 414.1380(c): 'scored on fewer than 2 performance categories ... a final score
    equal to the performance threshold and a neutral MIPS payment adjustment' (CMS, 2020
    and 2021 tables). Only IA scored: final score = threshold, adjustment 0."""
    weights, final = reweighting.final_score(year, {Q: None, C: None, IA: 100, PI: None})
    assert final == Decimal(threshold)
    assert program.payment_adjustment(final, year) == 0


def test_2017_one_category_keeps_the_weighted_score():
    """Unconfirmed first year (reweighting.json, _about): the threshold rule is applied from
    2018, so in 2017 IA alone carries the whole weight."""
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
