"""The rules MIPS data must follow, from the year's measures and CMS's field tables: each
problem is reported with its JSON path, all at once."""

import copy

import pytest

from submissions import validation
from submissions.validation import SubmissionInvalid

from .conftest import cms_example

NPI = "1234567893"


def problems_of(data):
    with pytest.raises(SubmissionInvalid) as caught:
        validation.clean_submission(data)
    return {(p.path, p.message) for p in caught.value.problems}


def paths_of(data):
    return {path for path, _message in problems_of(data)}


def quality_set(*measurements, method="registry", year=2024):
    return {
        "entityType": "group",
        "taxpayerIdentificationNumber": "123456789",
        "performanceYear": year,
        "measurementSets": [
            {
                "category": "quality",
                "submissionMethod": method,
                "performanceStart": f"{year}-01-01",
                "performanceEnd": f"{year}-12-31",
                "measurements": list(measurements),
            }
        ],
    }


def single_rate(measure_id="001", **counts):
    value = {
        "isEndToEndReported": False,
        "performanceMet": 40,
        "performanceNotMet": 50,
        "eligiblePopulationExclusion": 5,
        "eligiblePopulationException": 5,
        "eligiblePopulation": 100,
    }
    value.update(counts)
    return {"measureId": measure_id, "value": value}


def test_cms_improvement_activities_example_is_valid():
    cleaned = validation.clean_submission(cms_example("ia", npi=NPI))
    assert [m["measureId"] for m in cleaned["measurementSets"][0]["measurements"]] == [
        "IA_EPA_4",
        "IA_PSPA_4",
        "IA_EPA_1",
        "IA_PM_2",
    ]


def test_cms_promoting_interoperability_example_is_valid():
    cleaned = validation.clean_submission(cms_example("aci", npi=NPI))
    measurement_set = cleaned["measurementSets"][0]
    assert measurement_set["cehrtId"] == "XX15CXXXXXXXXXX"
    assert {"measureId": "PI_EP_1", "value": {"numerator": 49, "denominator": 115}} in (
        measurement_set["measurements"]
    )


def test_cms_quality_example_is_refused_for_measure_305_by_registry():
    # 305 has been an eCQM only (electronicHealthRecord) in every year 2023-2026.
    problems = problems_of(cms_example("quality", npi=NPI))
    assert problems == {
        (
            "$.measurementSets[0].measurements[0].measureId",
            "Measure 305 cannot be reported by registry in 2024; it allows electronicHealthRecord.",
        )
    }


def test_cms_quality_example_strata_names_are_matched_ignoring_case():
    document = cms_example("quality", npi=NPI)
    measurement_305 = document["measurementSets"][0]["measurements"].pop(0)
    document["measurementSets"].append(
        {**document["measurementSets"][0], "submissionMethod": "electronicHealthRecord"}
    )
    document["measurementSets"][1]["measurements"] = [measurement_305]
    cleaned = validation.clean_submission(document)
    strata = cleaned["measurementSets"][1]["measurements"][0]["value"]["strata"]
    assert [s["stratum"] for s in strata] == ["14Days", "34Days"]


def test_single_performance_rate_gets_cms_computed_rates():
    cleaned = validation.clean_submission(quality_set(single_rate()))
    value = cleaned["measurementSets"][0]["measurements"][0]["value"]
    # performanceRate = 40 / (40 + 50) * 100; reportingRate = (40 + 5 + 5 + 50) / 100 * 100
    assert value["performanceRate"] == 44.44
    assert value["reportingRate"] == 100.0
    assert value["caseCount"] == 100


def test_computed_rates_sent_by_the_client_are_replaced():
    measurement = single_rate(performanceRate=99.9, reportingRate=1)
    value = validation.clean_submission(quality_set(measurement))["measurementSets"][0][
        "measurements"
    ][0]["value"]
    assert value["performanceRate"] == 44.44
    assert value["reportingRate"] == 100.0


def test_unknown_measure_is_refused_with_its_path():
    assert paths_of(quality_set(single_rate("999"))) == {
        "$.measurementSets[0].measurements[0].measureId"
    }


def test_measure_of_another_category_is_refused():
    problems = problems_of(quality_set({"measureId": "IA_PM_2", "value": True}))
    assert (
        "$.measurementSets[0].measurements[0].measureId",
        '"IA_PM_2" is not a Quality measure of performance year 2024.',
    ) in problems


def test_counts_above_the_eligible_population_are_refused():
    paths = paths_of(quality_set(single_rate(performanceMet=90)))
    assert paths == {"$.measurementSets[0].measurements[0].value.performanceMet"}


def test_count_given_as_a_string_is_refused():
    problems = problems_of(quality_set(single_rate(performanceMet="40")))
    assert (
        "$.measurementSets[0].measurements[0].value.performanceMet",
        "performanceMet must be an integer, got a string.",
    ) in problems


def test_boolean_is_not_accepted_as_a_count():
    assert "$.measurementSets[0].measurements[0].value.eligiblePopulation" in paths_of(
        quality_set(single_rate(eligiblePopulation=True))
    )


def test_negative_count_is_refused():
    assert "$.measurementSets[0].measurements[0].value.performanceNotMet" in paths_of(
        quality_set(single_rate(performanceNotMet=-1))
    )


def test_unknown_value_field_is_refused():
    assert "$.measurementSets[0].measurements[0].value.bonusPoints" in paths_of(
        quality_set(single_rate(bonusPoints=10))
    )


def test_wrong_stratum_name_is_refused():
    measurement = {
        "measureId": "305",
        "value": {
            "isEndToEndReported": True,
            "strata": [
                {"stratum": "14Days", "performanceMet": 1, "eligiblePopulation": 2},
                {"stratum": "60days", "performanceMet": 1, "eligiblePopulation": 2},
            ],
        },
    }
    problems = problems_of(quality_set(measurement, method="electronicHealthRecord"))
    assert (
        "$.measurementSets[0].measurements[0].value.strata[1].stratum",
        '305 has the strata 14Days, 34Days, not "60days".',
    ) in problems


def test_missing_stratum_is_refused():
    measurement = {
        "measureId": "305",
        "value": {
            "isEndToEndReported": True,
            "strata": [{"stratum": "14Days", "performanceMet": 1, "eligiblePopulation": 2}],
        },
    }
    problems = problems_of(quality_set(measurement, method="electronicHealthRecord"))
    assert (
        "$.measurementSets[0].measurements[0].value.strata",
        "Missing strata of 305: 34Days.",
    ) in problems


def test_numerator_above_denominator_is_refused():
    document = cms_example("aci", npi=NPI)
    document["measurementSets"][0]["measurements"][3]["value"] = {
        "numerator": 116,
        "denominator": 115,
    }
    assert problems_of(document) == {
        (
            "$.measurementSets[0].measurements[3].value.numerator",
            "numerator (116) must not be greater than denominator (115).",
        )
    }


def test_boolean_measure_refuses_a_number():
    document = cms_example("ia", npi=NPI)
    document["measurementSets"][0]["measurements"][0]["value"] = 1
    assert paths_of(document) == {"$.measurementSets[0].measurements[0].value"}


def test_dates_outside_the_performance_year_are_refused():
    document = cms_example("aci", npi=NPI)
    document["measurementSets"][0]["performanceStart"] = "2023-07-01"
    assert "$.measurementSets[0].performanceStart" in paths_of(document)


def test_improvement_activity_period_shorter_than_90_days_is_refused():
    document = cms_example("ia", npi=NPI)
    document["measurementSets"][0]["performanceStart"] = "2024-03-01"
    document["measurementSets"][0]["performanceEnd"] = "2024-05-28"  # 89 days
    assert problems_of(document) == {
        (
            "$.measurementSets[0].performanceEnd",
            "The Improvement Activities performance period is 89 days; it must be at least 90 "
            "continuous days.",
        )
    }


def test_improvement_activity_period_of_exactly_90_days_is_accepted():
    document = cms_example("ia", npi=NPI)
    document["measurementSets"][0]["performanceStart"] = "2024-03-01"
    document["measurementSets"][0]["performanceEnd"] = "2024-05-29"
    validation.clean_submission(document)


def test_promoting_interoperability_period_shorter_than_180_days_is_refused():
    document = cms_example("aci", npi=NPI)
    document["measurementSets"][0]["performanceEnd"] = "2024-06-27"  # 179 days
    assert "$.measurementSets[0].performanceEnd" in paths_of(document)


def test_period_ending_before_it_starts_is_refused():
    document = cms_example("ia", npi=NPI)
    document["measurementSets"][0]["performanceStart"] = "2024-06-01"
    document["measurementSets"][0]["performanceEnd"] = "2024-01-01"
    assert "$.measurementSets[0].performanceEnd" in paths_of(document)


@pytest.mark.parametrize("value", ["2024-02-30", "01/01/2024", "2024-1-1", 20240101, None])
def test_impossible_or_misformatted_date_is_refused(value):
    document = cms_example("ia", npi=NPI)
    document["measurementSets"][0]["performanceStart"] = value
    assert "$.measurementSets[0].performanceStart" in paths_of(document)


def test_promoting_interoperability_needs_a_cehrt_id():
    document = cms_example("aci", npi=NPI)
    del document["measurementSets"][0]["cehrtId"]
    assert paths_of(document) == {"$.measurementSets[0].cehrtId"}


@pytest.mark.parametrize("cehrt_id", ["XX15C", "0015HXXXXXXXXXX", "xx15cxxxxxxxxxx", 15])
def test_cehrt_id_in_the_wrong_format_is_refused(cehrt_id):
    document = cms_example("aci", npi=NPI)
    document["measurementSets"][0]["cehrtId"] = cehrt_id
    assert paths_of(document) == {"$.measurementSets[0].cehrtId"}


def test_measure_and_its_exclusion_together_are_refused():
    document = cms_example("aci", npi=NPI)
    document["measurementSets"][0]["measurements"].append(
        {"measureId": "PI_LVPP_1", "value": True}
    )
    assert paths_of(document) == {"$.measurementSets[0].measurements[10]"}


def test_same_measure_twice_is_refused_at_the_second():
    document = cms_example("ia", npi=NPI)
    measurements = document["measurementSets"][0]["measurements"]
    measurements.append(copy.deepcopy(measurements[0]))
    assert paths_of(document) == {"$.measurementSets[0].measurements[4].measureId"}


def test_two_sets_of_the_same_category_method_and_program_are_refused():
    document = cms_example("ia", npi=NPI)
    document["measurementSets"].append(copy.deepcopy(document["measurementSets"][0]))
    assert paths_of(document) == {"$.measurementSets[1]"}


def test_performance_year_without_measures_data_is_refused():
    document = cms_example("ia", npi=NPI, year=2019)
    assert "$.performanceYear" in paths_of(document)


def test_year_as_a_string_is_refused():
    document = cms_example("ia", npi=NPI)
    document["performanceYear"] = "2024"
    assert "$.performanceYear" in paths_of(document)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("taxpayerIdentificationNumber", "12345678"),
        ("taxpayerIdentificationNumber", "000000000"),
        ("nationalProviderIdentifier", "9876543210"),
        ("nationalProviderIdentifier", "123456789X"),
    ],
)
def test_identifiers_follow_the_tin_and_npi_rules(field, value):
    document = cms_example("ia", npi=NPI)
    document[field] = value
    assert paths_of(document) == {f"$.{field}"}


def test_individual_needs_an_npi():
    document = cms_example("ia")
    del document["nationalProviderIdentifier"]
    assert paths_of(document) == {"$.nationalProviderIdentifier"}


def test_group_may_not_name_an_npi():
    document = cms_example("ia", npi=NPI)
    document["entityType"] = "group"
    assert paths_of(document) == {"$.nationalProviderIdentifier"}


def test_apm_entity_needs_its_entity_id_and_no_tin():
    document = cms_example("ia")
    document.update(entityType="apm", nationalProviderIdentifier=None)
    assert paths_of(document) == {"$.entityId", "$.taxpayerIdentificationNumber"}


def test_apm_entity_with_a_valid_entity_id_is_accepted():
    document = cms_example("ia")
    document.update(entityType="apm", entityId="A1234")
    del document["taxpayerIdentificationNumber"], document["nationalProviderIdentifier"]
    assert validation.clean_submission(document)["entityId"] == "A1234"


def test_virtual_group_is_identified_by_its_virtual_group_id_not_a_tin():
    document = cms_example("ia")
    document.update(entityType="virtualGroup", nationalProviderIdentifier=None)
    assert paths_of(document) == {"$.entityId", "$.taxpayerIdentificationNumber"}
    del document["taxpayerIdentificationNumber"], document["nationalProviderIdentifier"]
    for bad in ("123456789", "VG-1234", "vg12345", "VG-123456"):
        document["entityId"] = bad
        assert paths_of(document) == {"$.entityId"}, bad


def test_virtual_group_with_a_valid_virtual_group_id_is_accepted():
    document = cms_example("ia")
    document.update(entityType="virtualGroup", entityId="VG-12345")
    del document["taxpayerIdentificationNumber"], document["nationalProviderIdentifier"]
    identity = validation.clean_submission(document)
    assert (identity["entityId"], identity["taxpayerIdentificationNumber"]) == ("VG-12345", "")


def test_unknown_entity_type_is_refused():
    document = cms_example("ia", npi=NPI)
    document["entityType"] = "subgroup"
    assert "$.entityType" in paths_of(document)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE submissions_submission; --",
        "\u202eIA_PM_2",
        "IA_PM_2\x00",
        "測定" * 500,
    ],
)
def test_hostile_measure_id_is_refused_and_echoed_harmlessly(hostile):
    document = cms_example("ia", npi=NPI)
    document["measurementSets"][0]["measurements"][0]["measureId"] = hostile
    [(path, message)] = problems_of(document)
    assert path == "$.measurementSets[0].measurements[0].measureId"
    assert "\x00" not in message and "\u202e" not in message
    assert len(message) < 200


def test_unknown_top_level_field_is_refused():
    document = cms_example("ia", npi=NPI)
    document["<b>extra</b>"] = 1
    assert paths_of(document) == {"$.<b>extra</b>"}


def test_every_problem_is_reported_at_once():
    document = cms_example("aci", npi=NPI)
    measurement_set = document["measurementSets"][0]
    measurement_set["cehrtId"] = "bad"
    measurement_set["performanceEnd"] = "2025-12-31"
    measurement_set["measurements"][0]["value"] = "yes"
    measurement_set["measurements"][3]["value"] = {"numerator": 2, "denominator": 1}
    assert paths_of(document) == {
        "$.measurementSets[0].cehrtId",
        "$.measurementSets[0].performanceEnd",
        "$.measurementSets[0].measurements[0].value",
        "$.measurementSets[0].measurements[3].value.numerator",
    }


@pytest.mark.parametrize("document", [[], "submission", 42, None])
def test_document_that_is_not_an_object_is_refused(document):
    assert paths_of(document) == {"$"}


def test_qcdr_measure_needs_its_stated_performance_rate():
    assert paths_of(quality_set(single_rate("USWR36"))) == {
        "$.measurementSets[0].measurements[0].value.performanceRate"
    }


def test_qcdr_measure_keeps_its_stated_performance_rate():
    cleaned = validation.clean_submission(quality_set(single_rate("USWR36", performanceRate=12.5)))
    value = cleaned["measurementSets"][0]["measurements"][0]["value"]
    # QCDR caseCount = eligiblePopulation - eligiblePopulationExclusion = 100 - 5
    assert (value["performanceRate"], value["caseCount"]) == (12.5, 95)
