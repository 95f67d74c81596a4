"""The published figures and the payment adjustment of 42 CFR 414.1405, at and around every
boundary of every year."""

import json
from decimal import Decimal as D

import pytest

from feedback import program

PUBLISHED = {
    # year: (performance threshold, exceptional threshold, maximum negative adjustment)
    2017: (3, 70, 4),
    2018: (15, 70, 5),
    2019: (30, 75, 7),
    2020: (45, 85, 9),
    2021: (60, 85, 9),
    2022: (75, 89, 9),
    2023: (75, None, 9),
    2024: (75, None, 9),
    2025: (75, None, 9),
}
EPSILON = D("0.01")


@pytest.mark.parametrize("year, figures", PUBLISHED.items())
def test_data_file_holds_the_published_figures_of_each_year(year, figures):
    entry = program.program_year(year)
    threshold, exceptional, maximum = figures
    assert entry.performance_threshold == threshold
    assert entry.exceptional_threshold == exceptional
    assert entry.max_negative_adjustment == maximum
    assert entry.payment_year == year + 2
    assert sum(entry.weights.values()) == 100


def test_data_file_names_its_sources_and_what_is_simulated():
    about = json.loads(program.DATA_FILE.read_text())["_about"]
    assert "414.1405" in about
    assert "SIMULATED" in about


@pytest.mark.parametrize("year", PUBLISHED)
def test_score_at_the_threshold_gets_no_adjustment(year):
    assert program.payment_adjustment(program.program_year(year).performance_threshold, year) == 0


@pytest.mark.parametrize("year", PUBLISHED)
def test_scores_at_and_below_a_quarter_of_the_threshold_get_the_full_negative(year):
    figures = program.program_year(year)
    quarter = figures.performance_threshold / 4
    for score in (D(0), quarter - EPSILON, quarter):
        assert program.payment_adjustment(score, year) == -figures.max_negative_adjustment


@pytest.mark.parametrize("year", PUBLISHED)
def test_just_above_a_quarter_of_the_threshold_is_just_less_negative(year):
    figures = program.program_year(year)
    adjustment = program.payment_adjustment(figures.performance_threshold / 4 + EPSILON, year)
    assert -figures.max_negative_adjustment < adjustment < -figures.max_negative_adjustment + 1


@pytest.mark.parametrize("year", PUBLISHED)
def test_between_the_quarter_and_the_threshold_the_negative_side_is_linear(year):
    figures = program.program_year(year)
    threshold, maximum = figures.performance_threshold, figures.max_negative_adjustment
    quarter = threshold / 4
    midpoint = (quarter + threshold) / 2
    assert program.payment_adjustment(midpoint, year) == (-maximum / 2).quantize(D("0.001"))
    just_below = program.payment_adjustment(threshold - EPSILON, year)
    assert -D("0.1") < just_below < 0


@pytest.mark.parametrize("year", PUBLISHED)
def test_just_above_the_threshold_is_positive_and_grows_with_the_score(year):
    figures = program.program_year(year)
    threshold = figures.performance_threshold
    above = program.payment_adjustment(threshold + 1, year)
    higher = program.payment_adjustment(min(threshold + 10, D(100)), year)
    assert 0 < above < higher


@pytest.mark.parametrize("year", PUBLISHED)
def test_a_perfect_score_gets_the_scaled_maximum_plus_the_full_bonus_while_it_existed(year):
    figures = program.program_year(year)
    expected = figures.max_negative_adjustment * figures.scaling_factor
    if figures.exceptional_threshold is not None:
        expected += 10 * figures.exceptional_scaling_factor
    assert program.payment_adjustment(100, year) == expected.quantize(D("0.001"))


@pytest.mark.parametrize("year", [y for y, f in PUBLISHED.items() if f[1] is not None])
def test_the_exceptional_bonus_starts_at_half_a_percent_at_its_threshold(year):
    figures = program.program_year(year)
    exceptional = figures.exceptional_threshold
    base = (
        figures.max_negative_adjustment
        * (exceptional - figures.performance_threshold)
        / (100 - figures.performance_threshold)
        * figures.scaling_factor
    )
    at = program.payment_adjustment(exceptional, year)
    assert at == (base + D("0.5") * figures.exceptional_scaling_factor).quantize(D("0.001"))
    just_below = program.payment_adjustment(exceptional - EPSILON, year)
    # The bonus is a step: just below the additional threshold there is none.
    assert at - just_below > D("0.4") * figures.exceptional_scaling_factor


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_after_2022_there_is_no_exceptional_bonus(year):
    figures = program.program_year(year)
    assert figures.exceptional_threshold is None
    assert (
        program.payment_adjustment(100, year)
        == figures.max_negative_adjustment * figures.scaling_factor
    )


@pytest.mark.parametrize(
    "score, expected",
    [
        # 2025: threshold 75, quarter 18.75, max 9%, scaling 0.25 (simulated).
        (0, "-9.000"),
        ("18.75", "-9.000"),
        ("18.76", "-8.998"),
        ("46.875", "-4.500"),
        (75, "0.000"),
        ("75.01", "0.001"),
        (100, "2.250"),
    ],
)
def test_2025_adjustments_worked_by_hand(score, expected):
    assert program.payment_adjustment(score, 2025) == D(expected)


@pytest.mark.parametrize("score", [-1, "-0.01", "100.01", 101])
def test_a_score_outside_0_to_100_is_refused(score):
    with pytest.raises(ValueError, match="between 0 and 100"):
        program.payment_adjustment(score, 2025)


@pytest.mark.parametrize("year", [2016, 1999, "x", None])
def test_a_year_without_figures_is_refused(year):
    with pytest.raises(ValueError, match="No MIPS figures"):
        program.payment_adjustment(50, year)


def test_final_score_is_the_weighted_average_and_reweights_what_is_not_scored():
    weights = {
        "quality": 30,
        "promoting_interoperability": 25,
        "improvement_activities": 15,
        "cost": 30,
    }
    scores = {
        "quality": 80,
        "promoting_interoperability": 90,
        "improvement_activities": 100,
        "cost": 60,
    }
    assert program.final_score(scores, weights) == D("79.50")
    scores["cost"] = None
    assert program.final_score(scores, weights) == D("87.86")


def test_feedback_for_a_year_is_released_the_july_after_it():
    import datetime

    assert program.released_years(datetime.date(2026, 6, 30))[0] == 2024
    assert program.released_years(datetime.date(2026, 7, 1))[0] == 2025
