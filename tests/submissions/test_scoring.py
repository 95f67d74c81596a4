"""Preliminary MIPS scoring (submissions.scoring), checked against hand-worked examples.

Benchmarks are the 2024 (and 2025) ones in submissions/data; each example shows its
arithmetic. The CMS example submissions are scored for their tree's shape only: CMS's
example numbers came from the 2017 rules.
"""

import copy
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from feedback import program
from submissions import scoring
from submissions.scoring import ScoringContext

CMS_EXAMPLES = Path(__file__).resolve().parent / "cms_examples"
DEFAULT = ScoringContext()
SMALL = ScoringContext(is_small_practice=True)
SPECIAL = ScoringContext(has_special_status=True)
SHAPE_KEYS = {"name", "title", "value", "detail", "parts", "original", "metadata"}


# --- Builders -------------------------------------------------------------------------------


def rate(met, not_met, eligible=None, exception=0):
    """A single-performance-rate value: reporting rate (met + not met + exception) / eligible."""
    return {
        "isEndToEndReported": False,
        "performanceMet": met,
        "performanceNotMet": not_met,
        "eligiblePopulationException": exception,
        "eligiblePopulationExclusion": 0,
        "eligiblePopulation": eligible if eligible is not None else met + not_met + exception,
    }


def measurement_set(category, measurements, *, method="registry", start=None, end=None, year=2024):
    result = {
        "category": category,
        "submissionMethod": method,
        "programName": "mips",
        "performanceStart": start or f"{year}-01-01",
        "performanceEnd": end or f"{year}-12-31",
        "measurements": [{"measureId": mid, "value": value} for mid, value in measurements],
    }
    if category == "pi":
        result["cehrtId"] = "0015CXXXXXXXXXX"
    return result


def quality(*measurements, year=2024, context=DEFAULT):
    return scoring.score_measurement_set(
        measurement_set("quality", measurements, year=year), year=year, context=context
    )


def measure_part(set_part, measure_id):
    return next(part for part in set_part["parts"] if part["name"] == measure_id)


def one_measure(measure_id, value, **kwargs):
    return measure_part(quality((measure_id, value), **kwargs), measure_id)


def submission(*sets, year=2024):
    return {"entityType": "individual", "performanceYear": year, "measurementSets": list(sets)}


# 2024 Promoting Interoperability: every required measure met, with CMS's example counts.
PI_COMPLETE = {
    "PI_INFBLO_1": True,
    "PI_ONCDIR_1": True,
    "PI_PPHI_1": True,
    "PI_PPHI_2": True,
    "PI_EP_1": {"numerator": 49, "denominator": 115},
    "PI_EP_2": True,
    "PI_HIE_1": {"numerator": 1123, "denominator": 1951},
    "PI_HIE_4": {"numerator": 923, "denominator": 951},
    "PI_PEA_1": {"numerator": 861, "denominator": 1809},
    "PI_PHCDRR_1": True,
    "PI_PHCDRR_1_PROD": True,
    "PI_PHCDRR_3": True,
    "PI_PHCDRR_3_PROD": True,
}


def pi(values, *, year=2024, **dates):
    return scoring.score_measurement_set(
        measurement_set("pi", values.items(), method="electronicHealthRecord", **dates),
        year=year,
    )


def ia(*activity_ids, year=2024, context=DEFAULT, **dates):
    return scoring.score_measurement_set(
        measurement_set("ia", [(a, True) for a in activity_ids], year=year, **dates),
        year=year,
        context=context,
    )


# --- Year figures --------------------------------------------------------------------------


def test_every_performance_year_with_measures_has_scoring_figures():
    for year in (2023, 2024, 2025, 2026):
        figures = scoring.scoring_year(year)
        assert figures["quality"]["case_minimum"] == 20
        assert figures["quality"]["required_measures"] == 6
    assert scoring.scoring_year(2023)["quality"]["data_completeness_threshold"] == 70
    assert scoring.scoring_year(2024)["quality"]["data_completeness_threshold"] == 75
    assert scoring.scoring_year(2023)["pi"]["minimum_days"] == 90
    assert scoring.scoring_year(2024)["pi"]["minimum_days"] == 180


def test_every_figure_in_the_data_file_names_its_source():
    raw = json.loads(scoring.DATA_FILE.read_text())["years"]
    for figures in raw.values():
        for category in figures.values():
            for name, figure in category.items():
                assert figure["note"].strip(), name


def test_a_year_without_figures_is_refused():
    with pytest.raises(ValueError, match="2016"):
        scoring.score_measurement_set(measurement_set("ia", []), year=2016)


# --- Quality measures ------------------------------------------------------------------------


def test_measure_in_a_decile_scores_partial_points_by_its_position():
    # 317 (registry, 2024): 65 met of 100 -> 65%. Decile 5 runs from the 40th percentile
    # 48.05 to the 50th 81.64: 5 + (65 - 48.05) / (81.64 - 48.05) = 5 + 16.95 / 33.59
    # = 5.5046.
    part = one_measure("317", rate(65, 35))
    assert part["value"] == 5.5046
    assert part["metadata"]["decile"] == 5
    assert part["metadata"]["partialPoints"] == 0.5046
    assert part["metadata"]["dataCompletenessMet"] is True
    assert "falls in decile 5 (48.05% to 81.64%)" in part["metadata"]["messages"]["decileScore"]


def test_inverse_measure_scores_higher_for_a_lower_rate():
    # 001 (inverse, flat registry benchmark 1, 10, ... 90): 25 poorly controlled of 100.
    # Mirrored, decile 8 is 30% down to 20%: 8 + (30 - 25) / (30 - 20) = 8.5.
    part = one_measure("001", rate(25, 75))
    assert part["metadata"]["isInverse"] is True
    assert part["metadata"]["decile"] == 8
    assert part["value"] == 8.5
    assert part["metadata"]["messages"]["decileScore"].startswith("Lower is better")


def test_best_rate_is_in_decile_ten_for_ten_points():
    # 317 at 100% is at or above the 90th percentile (100): 10 points; 001 at 0% (inverse)
    # is at or below the 10th percentile (10): 10 points.
    assert one_measure("317", rate(100, 0))["value"] == 10
    assert one_measure("001", rate(0, 100))["value"] == 10


def test_topped_out_measure_is_capped_at_seven_points():
    # 005 (registry, 2024) is topped out two years running: 100% is decile 10 = 10 points,
    # capped to 7.
    part = one_measure("005", rate(100, 0))
    assert part["value"] == 7
    assert part["metadata"]["decileScore"] == 10
    assert part["metadata"]["sevenPointCapApplied"] is True
    assert "capped at 7 points" in part["metadata"]["messages"]["toppedOut"]


def test_measure_below_data_completeness_scores_zero_points():
    # 72 of 100 eligible reported -> reporting rate 72% < 75%.
    part = one_measure("317", rate(50, 22, eligible=100))
    assert part["value"] == 0
    assert part["metadata"]["dataCompletenessMet"] is False
    assert part["metadata"]["messages"]["dataCompleteness"] == (
        "Reporting rate 72% is below the data completeness threshold of 75%: "
        "0 points (3 for a small practice)."
    )


def test_small_practice_measure_below_data_completeness_scores_three_points():
    part = one_measure("317", rate(50, 22, eligible=100), context=SMALL)
    assert part["value"] == 3
    assert "3 points for a small practice" in part["metadata"]["messages"]["dataCompleteness"]


def test_data_completeness_threshold_is_the_year_s():
    # 72% misses 2024's 75% but meets 2023's 70%.
    assert one_measure("317", rate(50, 22, eligible=100), year=2023)["value"] > 0


def test_measure_below_case_minimum_scores_zero_points():
    # 15 eligible patients < 20.
    part = one_measure("317", rate(10, 5))
    assert part["value"] == 0
    assert part["metadata"]["caseMinimumMet"] is False
    assert one_measure("317", rate(10, 5), context=SMALL)["value"] == 3


def test_measure_without_benchmark_scores_zero_points():
    # 102 has no 2024 registry benchmark.
    part = one_measure("102", rate(80, 20))
    assert part["value"] == 0
    assert part["metadata"]["noBenchmarks"] is True
    assert one_measure("102", rate(80, 20), context=SMALL)["value"] == 3


def test_new_measure_scores_at_least_its_first_and_second_year_floor():
    # 496 is new in 2024 and has no benchmark: the first-year floor, 7 points.
    assert one_measure("496", rate(80, 20))["value"] == 7
    # 485 (new in 2023, second year in 2024): 10% is decile 1,
    # 1 + (10 - 4.44) / (22.58 - 4.44) = 1.3065, raised to the second-year floor of 5.
    part = one_measure("485", rate(10, 90))
    assert part["metadata"]["decileScore"] == 1.3065
    assert part["value"] == 5


def test_best_six_of_eight_measures_count():
    # Points: 001 8.5, 005 7 (capped), 496 7 (floor), 236 6.5 (flat benchmark,
    # 6 + (55 - 50) / 10), 317 5.5046, 485 5 (floor), 102 0 and 104 0 (no benchmark).
    # Best six: 8.5 + 7 + 7 + 6.5 + 5.504614 + 5 = 39.504614; / 60 x 100 = 65.841.
    part = quality(
        ("001", rate(25, 75)),
        ("005", rate(100, 0)),
        ("496", rate(80, 20)),
        ("236", rate(55, 45)),
        ("317", rate(65, 35)),
        ("485", rate(10, 90)),
        ("102", rate(80, 20)),
        ("104", rate(80, 20)),
    )
    assert part["value"] == 65.841
    assert sorted(part["metadata"]["measuresPicked"]) == ["001", "005", "236", "317", "485", "496"]
    assert measure_part(part, "102")["metadata"]["processingStatus"] == "NOT_PICKED"
    assert measure_part(part, "001")["metadata"]["processingStatus"] == "PICKED"


def test_small_practice_bonus_is_added_to_the_quality_numerator():
    # (8.5 + 6.5 + 6 bonus) / 60 x 100 = 35; without the bonus 15 / 60 x 100 = 25.
    measurements = (("001", rate(25, 75)), ("236", rate(55, 45)))
    assert quality(*measurements, context=SMALL)["value"] == 35
    assert quality(*measurements)["value"] == 25
    assert quality(*measurements, context=SMALL)["metadata"]["smallPracticeBonus"] == 6


# --- Improvement activities ------------------------------------------------------------------


def test_2024_activities_score_by_weight():
    # IA_EPA_4 medium 10 + IA_PM_2 high 20 = 30; 30 / 40 x 100 = 75.
    part = ia("IA_EPA_4", "IA_PM_2")
    assert part["value"] == 75
    assert [p["value"] for p in part["parts"]] == [10, 20]


def test_2024_activities_count_double_for_special_status_and_small_practices():
    # Medium 20 + high 40 = 60, capped at 40: 100. One medium alone: 20 / 40 = 50.
    assert ia("IA_EPA_4", "IA_PM_2", context=SPECIAL)["value"] == 100
    assert ia("IA_EPA_4", context=SPECIAL)["value"] == 50
    assert ia("IA_EPA_4", context=SMALL)["value"] == 50


def test_2025_activities_are_unweighted_two_for_full_credit():
    # 2025: 20 points each whatever the former weight; 40 for special status.
    assert ia("IA_PM_2", year=2025)["value"] == 50
    assert ia("IA_EPA_4", "IA_PSPA_4", year=2025)["value"] == 100
    assert ia("IA_EPA_4", year=2025, context=SPECIAL)["value"] == 100


def test_activities_need_ninety_continuous_days():
    # January 1 to March 1 2024 is 61 days.
    part = ia("IA_PM_2", start="2024-01-01", end="2024-03-01")
    assert part["value"] == 0
    assert "61 days" in part["parts"][0]["metadata"]["messages"]["complete"]


# --- Promoting Interoperability -----------------------------------------------------------


def test_pi_with_every_required_measure_scores_its_proportions():
    # e-Prescribing 49/115 x 10 = 4.26 -> 4 (CMS's example), Query of PDMP yes 10,
    # sending 1123/1951 x 15 = 8.63 -> 9, receiving 923/951 x 15 = 14.56 -> 15,
    # patient access 861/1809 x 25 = 11.90 -> 12, public health 25: total 75.
    part = pi(PI_COMPLETE)
    assert measure_part(part, "PI_EP_1")["value"] == 4
    assert measure_part(part, "PI_EP_1")["metadata"]["formula"] == "((49/115)*10) = 4"
    assert measure_part(part, "PI_HIE_1")["value"] == 9
    assert part["metadata"]["objectiveScores"]["publicHealthAndClinicalDataExchange"] == 25
    assert part["value"] == 75


def test_pi_optional_public_health_registry_earns_five_bonus_points():
    assert pi(PI_COMPLETE | {"PI_PHCDRR_2": True})["value"] == 80


def test_pi_required_attestation_answered_no_scores_zero():
    part = pi(PI_COMPLETE | {"PI_PPHI_1": False})
    assert part["value"] == 0
    assert part["metadata"]["requiredMeasuresNotMet"] == ["PI_PPHI_1"]
    assert "answered no" in measure_part(part, "PI_PPHI_1")["metadata"]["messages"]["required"]


def test_pi_missing_required_attestation_scores_zero():
    values = {k: v for k, v in PI_COMPLETE.items() if k != "PI_ONCDIR_1"}
    assert pi(values)["value"] == 0


def test_pi_required_proportion_with_zero_numerator_scores_zero():
    assert pi(PI_COMPLETE | {"PI_PEA_1": {"numerator": 0, "denominator": 1809}})["value"] == 0


def test_pi_e_prescribing_exclusion_moves_its_points_to_health_information_exchange():
    # e-Prescribing's 10 points split 5/5: sending 1123/1951 x 20 = 11.51 -> 12, receiving
    # 923/951 x 20 = 19.41 -> 19. PDMP 10 + 12 + 19 + patient access 12 + 25 = 78.
    values = {k: v for k, v in PI_COMPLETE.items() if k != "PI_EP_1"} | {"PI_LVPP_1": True}
    part = pi(values)
    assert measure_part(part, "PI_HIE_1")["metadata"]["maxContribution"] == 20
    assert measure_part(part, "PI_HIE_4")["value"] == 19
    assert part["value"] == 78
    assert part["metadata"]["messages"]["redistribution"].startswith(
        "e-Prescribing is excluded: its 10 points move to Support Electronic Referral Loops"
    )


def test_pi_public_health_exclusions_move_its_points_to_patient_access():
    # Both public health measures excluded: patient access 861/1809 x 50 = 23.80 -> 24.
    # 4 + 10 + 9 + 15 + 24 = 62.
    values = {k: v for k, v in PI_COMPLETE.items() if not k.startswith("PI_PHCDRR")} | {
        "PI_PHCDRR_1_EX_1": True,
        "PI_PHCDRR_3_EX_2": True,
    }
    part = pi(values)
    assert measure_part(part, "PI_PEA_1")["value"] == 24
    assert part["value"] == 62


def test_pi_needs_the_year_s_minimum_of_continuous_days():
    # August 1 to December 31 2024 is 153 days < 180; July 1 onwards is 184.
    assert pi(PI_COMPLETE, start="2024-08-01", end="2024-12-31")["value"] == 0
    assert pi(PI_COMPLETE, start="2024-07-01", end="2024-12-31")["value"] == 75


# --- Whole submissions ------------------------------------------------------------------------


def test_highest_scoring_measurement_set_of_a_category_is_picked():
    # Registry: one medium activity 10 -> 25; EHR: one high activity 20 -> 50.
    tree = scoring.score_submission(
        submission(
            measurement_set("ia", [("IA_EPA_4", True)]),
            measurement_set("ia", [("IA_PM_2", True)], method="electronicHealthRecord"),
        )
    )
    original = tree["parts"][0]["original"]
    assert original["value"] == 50
    assert original["detail"] == (
        "Picked the highest scoring measurement set: electronicHealthRecord"
    )
    statuses = [p["metadata"]["processingStatus"] for p in original["parts"]]
    assert statuses == ["NOT_PICKED", "PICKED"]


def _three_category_submission():
    return submission(
        measurement_set(
            "quality",
            [
                ("001", rate(25, 75)),
                ("005", rate(100, 0)),
                ("496", rate(80, 20)),
                ("236", rate(55, 45)),
                ("317", rate(65, 35)),
                ("485", rate(10, 90)),
                ("102", rate(80, 20)),
                ("104", rate(80, 20)),
            ],
        ),
        measurement_set("ia", [("IA_EPA_4", True), ("IA_PM_2", True)]),
        measurement_set("pi", PI_COMPLETE.items(), method="electronicHealthRecord"),
    )


def test_total_is_category_scores_times_the_year_s_weights():
    # 2024 weights: quality 30%, IA 15%, PI 25% (cost 30% is not submitted).
    # 65.841024 x 0.30 = 19.7523 + 75 x 0.15 = 11.25 + 75 x 0.25 = 18.75 -> 49.7523.
    tree = scoring.score_submission(_three_category_submission())
    assert [p["name"] for p in tree["parts"]] == ["quality", "ia", "pi"]
    assert [p["value"] for p in tree["parts"]] == [19.7523, 11.25, 18.75]
    assert tree["value"] == 49.7523
    assert "Cost is computed by CMS" in tree["detail"]
    assert tree["parts"][0]["detail"] == "Scoring based on weight of 30%."
    assert scoring.category_scores(tree) == {"quality": 65.841, "ia": 75, "pi": 75}


def test_preliminary_payment_adjustment_comes_from_the_total():
    # 2024: threshold 75, full penalty at 18.75 and below; 49.7523 is between:
    # -9 x (75 - 49.7523) / (75 - 18.75) = -9 x 25.2477 / 56.25 = -4.040.
    tree = scoring.score_submission(_three_category_submission())
    adjustment = scoring.preliminary_payment_adjustment(tree, 2024)
    assert adjustment == Decimal("-4.040")
    assert adjustment == program.payment_adjustment(tree["value"], 2024)


def test_preliminary_payment_adjustment_is_none_without_scored_categories():
    tree = scoring.score_submission(submission())
    assert tree["parts"] == []
    assert scoring.category_scores(tree) == {"quality": None, "ia": None, "pi": None}
    assert scoring.preliminary_payment_adjustment(tree, 2024) is None


def test_dates_may_be_date_objects():
    measurement = measurement_set("ia", [("IA_PM_2", True)])
    measurement["performanceStart"] = datetime.date(2024, 1, 1)
    measurement["performanceEnd"] = datetime.date(2024, 3, 1)
    assert scoring.performance_days(measurement) == 61


# --- CMS's example submissions score to trees of CMS's shape -----------------------------


def _cms_example(name, year=2024):
    text = (CMS_EXAMPLES / name).read_text().replace("< performanceYearToBeReported >", str(year))
    example = json.loads(text)
    example["performanceYear"] = year
    return example


def _assert_shape(cms, ours, where="total"):
    """Each level of our tree has the structural keys CMS's example has at that level."""
    expected = SHAPE_KEYS & cms.keys()
    assert expected <= ours.keys(), f"{where}: missing {sorted(expected - ours.keys())}"
    if "original" in cms:
        _assert_shape(cms["original"], ours["original"], f"{where}.original")
    cms_parts = [p for p in cms.get("parts", ()) if where != "total" or "original" in p]
    if not cms_parts:
        return
    assert ours["parts"], f"{where}: no parts"
    by_name = {p["name"]: p for p in cms_parts}
    for part in ours["parts"]:
        template = by_name.get(part["name"], cms_parts[0])
        _assert_shape(template, part, f"{where}.{part['name']}")


def _cms_score(name):
    return json.loads((CMS_EXAMPLES / name).read_text())


def test_cms_improvement_activities_example_scores_to_cms_shape():
    tree = scoring.score_submission(_cms_example("submission-example-ia.json"))
    _assert_shape(_cms_score("scoring-example-output-ia.json"), tree)
    # IA_EPA_4 and IA_PSPA_4 medium (10 each), IA_EPA_1 and IA_PM_2 high (20 each):
    # 60, capped at 40 -> 100.
    assert scoring.category_scores(tree)["ia"] == 100


def test_cms_promoting_interoperability_example_scores_to_cms_shape():
    tree = scoring.score_submission(_cms_example("submission-example-aci.json"))
    _assert_shape(_cms_score("scoring-example-output-aci.json"), tree)
    # Under 2024 rules the example answers "no" to the security risk analysis and leaves
    # out Query of PDMP, the SAFER Guides and Electronic Case Reporting: 0.
    assert scoring.category_scores(tree)["pi"] == 0


def test_cms_quality_example_scores_to_cms_shape():
    example = _cms_example("submission-example-quality.json")
    registry = example["measurementSets"][0]
    # Measure 305 has been eCQM-only since 2018, so it moves to its own
    # electronicHealthRecord measurement set; and the example's lowercase strata
    # ("14days") are the measure's own names ("14Days", "34Days").
    measure_305 = next(m for m in registry["measurements"] if m["measureId"] == "305")
    registry["measurements"].remove(measure_305)
    for stratum in measure_305["value"]["strata"]:
        stratum["stratum"] = stratum["stratum"].replace("days", "Days")
    ehr = copy.deepcopy(registry) | {
        "submissionMethod": "electronicHealthRecord",
        "measurements": [measure_305],
    }
    example["measurementSets"].append(ehr)
    tree = scoring.score_submission(example, context=SMALL)
    _assert_shape(_cms_score("scoring-example-output-quality.json"), tree)
    original = tree["parts"][0]["original"]
    assert len(original["parts"]) == 2
    assert sorted(p["metadata"]["processingStatus"] for p in original["parts"]) == [
        "NOT_PICKED",
        "PICKED",
    ]
