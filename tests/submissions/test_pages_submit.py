"""Submit data in the portal: the year and whom it is for, then Improvement Activities,
Promoting Interoperability and Quality. Each page calls the submission service; its
problems come back beside the field they concern, with everything typed kept."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditEvent
from submissions import catalogue
from submissions.models import MeasurementSet, Submission
from tests.organizations.factories import ClinicianFactory

from .factories import MeasurementFactory, MeasurementSetFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

YEAR = 2024
HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE submissions_submission; --",
    "２０２４年１月１日",
    "2024-01-01\x00",
]


@pytest.fixture
def staff_client(client, sign_in, practice_staff):
    return sign_in(client, practice_staff)


def url(name, practice, reporting_for="group", year=YEAR):
    return reverse(f"submissions:{name}", args=[practice.pk, year, reporting_for])


def pi_name(measure_id, year=YEAR):
    measures = catalogue.measures_of_category(year, "pi")
    return f"pi{[m.measure_id for m in measures].index(measure_id)}"


def assert_nothing_stored():
    assert not MeasurementSet.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MEASUREMENT_SET_SAVED).exists()


def input_tag(html, attribute):
    """Return the <input> tag holding ``attribute``."""
    match = re.search(r"<input[^>]*" + re.escape(attribute) + r"[^>]*>", html)
    assert match, f"no input with {attribute}"
    return match.group(0)


def error_of(html, field_id):
    """Return the error message shown beside the field ``field_id``."""
    marker = f'id="{field_id}_error">'
    assert marker in html, f"no error beside {field_id}"
    return html.split(marker)[1].split("</span>")[0]


# --- Choosing the year and whom ---------------------------------------------------------------


def test_the_first_step_offers_the_years_newest_first_and_the_group_and_its_clinicians(
    staff_client, practice, enrolment
):
    response = staff_client.get(reverse("submissions:submit", args=[practice.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    years = [str(y) for y in sorted(catalogue.performance_years(), reverse=True)]
    assert html.index(f'value="{years[0]}" selected') < html.index(f'value="{years[-1]}"')
    assert "The group: Sunrise Family Medicine LLC" in html
    assert f"Ada Lovelace, as an individual clinician (NPI {enrolment.clinician.npi})" in html


def test_choosing_leads_to_the_categories_of_that_entity_and_year(
    staff_client, practice, enrolment
):
    response = staff_client.get(
        reverse("submissions:submit", args=[practice.pk]),
        {"performance_year": YEAR, "reporting_for": enrolment.clinician.npi},
    )
    assert response.url == url("submit_entity", practice, enrolment.clinician.npi)
    page = staff_client.get(response.url).content.decode()
    assert "Improvement Activities" in page and "Promoting Interoperability" in page
    assert "No Improvement Activities data submitted yet." in page


@pytest.mark.parametrize("value", ["", "1999", "<script>alert(1)</script>", "2024\x00"])
def test_a_wrong_year_is_refused_beside_the_field(staff_client, practice, value):
    response = staff_client.get(
        reverse("submissions:submit", args=[practice.pk]),
        {"performance_year": value, "reporting_for": "group"},
    )
    assert response.status_code == 200
    assert error_of(response.content.decode(), "id_performance_year")


def test_a_clinician_who_does_not_bill_under_the_tin_is_not_offered_or_found(
    staff_client, practice
):
    stranger = ClinicianFactory()
    response = staff_client.get(
        reverse("submissions:submit", args=[practice.pk]),
        {"performance_year": YEAR, "reporting_for": stranger.npi},
    )
    assert "Choose the group or one of the clinicians listed." in response.content.decode()
    assert staff_client.get(url("submit_ia", practice, stranger.npi)).status_code == 404


def test_a_year_without_measures_is_not_found(staff_client, practice):
    assert staff_client.get(url("submit_entity", practice, year=2019)).status_code == 404


# --- Improvement activities --------------------------------------------------------------


IA_OK = {
    "activities": ["IA_PM_2", "IA_EPA_4"],
    "performance_start": "2024-01-01",
    "performance_end": "2024-06-30",
}


def test_attesting_activities_stores_the_set_and_says_what_is_missing(
    staff_client, practice, practice_staff
):
    response = staff_client.post(url("submit_ia", practice), IA_OK, follow=True)
    html = response.content.decode()
    measurement_set = MeasurementSet.objects.get()
    assert measurement_set.submitter == practice
    assert measurement_set.submitted_by == practice_staff
    assert measurement_set.submission.entity_type == "group"
    assert sorted(m.measure_id for m in measurement_set.measurements.all()) == [
        "IA_EPA_4",
        "IA_PM_2",
    ]
    assert response.redirect_chain[-1][0] == (
        reverse("submissions:submitted", args=[practice.pk]) + "?year=2024"
    )
    assert "Improvement Activities saved for The group" in html
    assert "30 of 40 activity points needed for full credit" in html
    assert "IA_PM_2" in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEASUREMENT_SET_SAVED)
    assert event.actor == practice_staff


def test_from_2025_the_message_counts_activities(staff_client, practice):
    data = {**IA_OK, "performance_start": "2025-01-01", "performance_end": "2025-06-30"}
    data["activities"] = ["IA_PM_2"]
    response = staff_client.post(url("submit_ia", practice, year=2025), data, follow=True)
    assert "1 of 2 activities needed for full credit." in response.content.decode()


def test_saving_again_replaces_the_set_and_the_page_shows_what_was_saved(staff_client, practice):
    staff_client.post(url("submit_ia", practice), IA_OK)
    staff_client.post(url("submit_ia", practice), {**IA_OK, "activities": ["IA_PM_2"]})
    measurement_set = MeasurementSet.objects.get()
    assert [m.measure_id for m in measurement_set.measurements.all()] == ["IA_PM_2"]
    html = staff_client.get(url("submit_ia", practice)).content.decode()
    assert "checked" in input_tag(html, 'value="IA_PM_2"')
    assert "checked" not in input_tag(html, 'value="IA_EPA_4"')


def test_an_individual_clinician_gets_a_submission_of_their_own(staff_client, practice, enrolment):
    staff_client.post(url("submit_ia", practice, enrolment.clinician.npi), IA_OK)
    submission = Submission.objects.get()
    assert submission.entity_type == "individual"
    assert submission.national_provider_identifier == enrolment.clinician.npi


def test_the_search_filters_by_title_or_subcategory_and_keeps_ticked_activities(
    staff_client, practice
):
    staff_client.post(url("submit_ia", practice), {**IA_OK, "activities": ["IA_PM_2"]})
    html = staff_client.get(url("submit_ia", practice), {"q": "health equity"}).content.decode()
    assert "IA_AHE_1" in html
    assert "IA_PM_2" in html  # ticked, so always shown
    assert "IA_EPA_4" not in html
    html = staff_client.get(url("submit_ia", practice), {"q": "zzzz-nothing"}).content.decode()
    assert "No activity matches" not in html  # the ticked activity is still listed
    assert "IA_PM_2" in html


def test_searching_keeps_activities_ticked_and_dates_typed_but_not_yet_saved(
    staff_client, practice
):
    data = {**IA_OK, "activities": ["IA_EPA_4"], "search": "1", "q": "health equity"}
    response = staff_client.post(url("submit_ia", practice), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "checked" in input_tag(html, 'value="IA_EPA_4"')  # ticked, so still shown
    assert "IA_AHE_1" in html and "IA_PM_2" not in html
    assert 'value="2024-06-30"' in html
    assert "There is a problem" not in html  # a search is not a save attempt
    assert_nothing_stored()


def test_a_too_long_search_is_refused_beside_it(staff_client, practice):
    html = staff_client.get(url("submit_ia", practice), {"q": "x" * 101}).content.decode()
    assert "Search with at most 100 characters." in html


def test_an_empty_form_names_each_missing_field_and_stores_nothing(staff_client, practice):
    response = staff_client.post(url("submit_ia", practice), {})
    html = response.content.decode()
    assert error_of(html, "id_activities") == "Choose at least one activity."
    assert error_of(html, "id_performance_start") == "Enter the performance period start."
    assert error_of(html, "id_performance_end") == "Enter the performance period end."
    assert 'id="error-summary"' in html
    assert_nothing_stored()


def test_a_period_under_90_days_is_refused_by_validation_beside_the_end_date(
    staff_client, practice
):
    data = {**IA_OK, "performance_end": "2024-02-15"}
    html = staff_client.post(url("submit_ia", practice), data).content.decode()
    assert "it must be at least 90 continuous days" in error_of(html, "id_performance_end")
    assert 'value="2024-02-15"' in html
    assert 'value="2024-01-01"' in html
    assert "checked" in input_tag(html, 'value="IA_EPA_4"')
    assert_nothing_stored()


def test_a_date_in_another_year_is_refused_beside_it(staff_client, practice):
    data = {**IA_OK, "performance_start": "2023-12-01"}
    html = staff_client.post(url("submit_ia", practice), data).content.decode()
    assert error_of(html, "id_performance_start") == "performanceStart must be in 2024."
    assert_nothing_stored()


@pytest.mark.parametrize("value", ["31/31/2024", "2024-02-30", "tomorrow", *HOSTILE])
def test_a_wrong_date_is_refused_and_kept_as_typed(staff_client, practice, value):
    data = {**IA_OK, "performance_start": value}
    response = staff_client.post(url("submit_ia", practice), data)
    html = response.content.decode()
    assert error_of(html, "id_performance_start") == "Enter a real date, like 2024-01-01."
    assert "<script>alert(1)</script>" not in html
    if "\x00" not in value:
        assert f'value="{escape(value)}"' in html
    assert_nothing_stored()


@pytest.mark.parametrize("value", HOSTILE + ["IA_NOT_REAL"])
def test_an_unknown_activity_is_refused(staff_client, practice, value):
    data = {**IA_OK, "activities": ["IA_PM_2", value]}
    html = staff_client.post(url("submit_ia", practice), data).content.decode()
    assert error_of(html, "id_activities") == "Choose activities from the list."
    assert "<script>alert(1)</script>" not in html
    assert_nothing_stored()


def test_clinicians_and_outsiders_cannot_post(
    client, sign_in, practice, practice_clinician, outsider
):
    sign_in(client, practice_clinician)
    assert client.post(url("submit_ia", practice), IA_OK).status_code == 403
    sign_in(client, outsider)
    assert client.post(url("submit_ia", practice), IA_OK).status_code == 404
    assert_nothing_stored()


def test_an_apm_entity_reports_for_itself_and_returns_to_its_categories(
    client, sign_in, apm_entity, apm_staff
):
    sign_in(client, apm_staff)
    start = client.get(reverse("submissions:submit", args=[apm_entity.pk]))
    assert "The APM entity: Lakeside ACO (APM Entity ID A1234)" in start.content.decode()
    response = client.post(url("submit_ia", apm_entity, "apm"), IA_OK)
    assert response.url == url("submit_entity", apm_entity, "apm")
    submission = Submission.objects.get()
    assert (submission.entity_type, submission.entity_id) == ("apm", "A1234")
    assert client.get(url("submit_ia", apm_entity, "group")).status_code == 404


def test_a_virtual_group_reports_for_itself_by_its_virtual_group_id(
    client, sign_in, virtual_group, virtual_group_staff
):
    sign_in(client, virtual_group_staff)
    start = client.get(reverse("submissions:submit", args=[virtual_group.pk]))
    assert (
        "The virtual group: Prairie Virtual Group (virtual group ID VG-12345)"
        in start.content.decode()
    )
    assert client.post(url("submit_ia", virtual_group, "virtual-group"), IA_OK).status_code == 302
    submission = Submission.objects.get()
    assert (submission.entity_type, submission.entity_id) == ("virtualGroup", "VG-12345")
    assert submission.taxpayer_identification_number == ""
    assert client.get(url("submit_ia", virtual_group, "group")).status_code == 404


# --- Promoting Interoperability ----------------------------------------------------------


def pi_ok():
    return {
        "cehrt_id": "0015C12345ABCDE",
        "performance_start": "2024-01-01",
        "performance_end": "2024-12-31",
        f"{pi_name('PI_EP_1')}_numerator": "80",
        f"{pi_name('PI_EP_1')}_denominator": "100",
        pi_name("PI_PPHI_1"): "yes",
        pi_name("PI_EP_2"): "no",
    }


def test_pi_answers_are_stored_by_measure_with_the_cehrt_id(staff_client, practice):
    response = staff_client.post(url("submit_pi", practice), pi_ok(), follow=True)
    measurement_set = MeasurementSet.objects.get()
    assert measurement_set.cehrt_id == "0015C12345ABCDE"
    values = {m.measure_id: m.value for m in measurement_set.measurements.all()}
    assert values["PI_EP_1"] == {"numerator": 80, "denominator": 100}
    assert values["PI_PPHI_1"] is True
    assert values["PI_EP_2"] is False
    html = response.content.decode()
    assert "Promoting Interoperability saved" in html
    assert "Required measures not yet answered" in html
    assert "80 of 100" in html


def test_pi_page_groups_measures_by_objective_with_exclusions_as_checkboxes(
    staff_client, practice
):
    html = staff_client.get(url("submit_pi", practice)).content.decode()
    assert '<h2 class="margin-top-5">e-Prescribing</h2>' in html
    exclusion = pi_name("PI_LVPP_1")
    assert f'type="checkbox" name="{exclusion}"' in html
    assert f'name="{pi_name("PI_EP_1")}_numerator"' in html
    assert f'type="radio" name="{pi_name("PI_PPHI_1")}" value="yes"' in html


def test_a_claimed_exclusion_is_stored_as_true(staff_client, practice):
    data = pi_ok()
    del data[f"{pi_name('PI_EP_1')}_numerator"], data[f"{pi_name('PI_EP_1')}_denominator"]
    data[pi_name("PI_LVPP_1")] = "on"
    staff_client.post(url("submit_pi", practice), data)
    values = {m.measure_id: m.value for m in MeasurementSet.objects.get().measurements.all()}
    assert values["PI_LVPP_1"] is True
    assert "PI_EP_1" not in values


def test_a_measure_and_its_exclusion_together_are_refused_beside_the_exclusion(
    staff_client, practice
):
    data = {**pi_ok(), pi_name("PI_LVPP_1"): "on"}
    html = staff_client.post(url("submit_pi", practice), data).content.decode()
    assert "claims an exclusion from PI_EP_1" in error_of(html, f"id_{pi_name('PI_LVPP_1')}")
    assert_nothing_stored()


def test_numerator_above_denominator_is_refused_beside_the_numerator(staff_client, practice):
    name = pi_name("PI_EP_1")
    data = {**pi_ok(), f"{name}_numerator": "120"}
    html = staff_client.post(url("submit_pi", practice), data).content.decode()
    assert "must not be greater than denominator (100)" in error_of(html, f"id_{name}_numerator")
    assert 'value="120"' in html and 'value="0015C12345ABCDE"' in html
    assert "checked" in input_tag(html, f'name="{pi_name("PI_PPHI_1")}" value="yes"')
    assert_nothing_stored()


@pytest.mark.parametrize("value", ["eighty", "8.5", "1e3", *HOSTILE])
def test_a_numerator_that_is_not_a_whole_number_is_refused(staff_client, practice, value):
    name = pi_name("PI_EP_1")
    html = staff_client.post(
        url("submit_pi", practice), {**pi_ok(), f"{name}_numerator": value}
    ).content.decode()
    assert error_of(html, f"id_{name}_numerator") == "Enter a whole number, like 25."
    assert_nothing_stored()


def test_a_huge_or_negative_count_is_refused_by_validation(staff_client, practice):
    name = pi_name("PI_EP_1")
    data = {**pi_ok(), f"{name}_numerator": "-1", f"{name}_denominator": "9" * 30}
    html = staff_client.post(url("submit_pi", practice), data).content.decode()
    assert error_of(html, f"id_{name}_numerator") == "numerator must not be negative."
    assert "at most 1,000,000,000" in error_of(html, f"id_{name}_denominator")
    assert_nothing_stored()


def test_only_a_numerator_asks_for_both(staff_client, practice):
    name = pi_name("PI_EP_1")
    data = {**pi_ok(), f"{name}_denominator": ""}
    html = staff_client.post(url("submit_pi", practice), data).content.decode()
    assert error_of(html, f"id_{name}_denominator") == (
        "Enter both the numerator and the denominator, or neither."
    )
    assert_nothing_stored()


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "cehrtId is required for Promoting Interoperability."),
        ("ABC", "cehrtId must be 15 characters like"),
        ("0015C12345ABCDEF", "A CEHRT ID is 15 characters."),
        ("<script>alert(1)</script>", "A CEHRT ID is 15 characters."),
        ("'; DROP TABLE x", "cehrtId must be 15 characters like"),
        ("0015C12345ABC\x00", "Remove the invisible control characters."),
    ],
)
def test_a_wrong_cehrt_id_is_refused_beside_it(staff_client, practice, value, message):
    response = staff_client.post(url("submit_pi", practice), {**pi_ok(), "cehrt_id": value})
    html = response.content.decode()
    if value == "":
        assert error_of(html, "id_cehrt_id") == "Enter the CEHRT ID."
    else:
        assert message in error_of(html, "id_cehrt_id")
    assert "<script>alert(1)</script>" not in html
    assert_nothing_stored()


def test_a_pi_period_under_180_days_is_refused(staff_client, practice):
    data = {**pi_ok(), "performance_end": "2024-03-31"}
    html = staff_client.post(url("submit_pi", practice), data).content.decode()
    assert "at least 180 continuous days" in error_of(html, "id_performance_end")
    assert_nothing_stored()


def test_a_yes_no_answer_other_than_yes_or_no_is_refused(staff_client, practice):
    name = pi_name("PI_PPHI_1")
    html = staff_client.post(
        url("submit_pi", practice), {**pi_ok(), name: "<script>alert(1)</script>"}
    ).content.decode()
    assert error_of(html, f"id_{name}") == "Choose yes or no."
    assert_nothing_stored()


def test_saved_pi_answers_fill_the_form_again(staff_client, practice):
    staff_client.post(url("submit_pi", practice), pi_ok())
    html = staff_client.get(url("submit_pi", practice)).content.decode()
    assert 'value="0015C12345ABCDE"' in html
    assert 'value="80"' in html
    assert "checked" in input_tag(html, f'name="{pi_name("PI_EP_2")}" value="no"')


# --- Quality -------------------------------------------------------------------------------


def quality_data_url(practice, method, *measures):
    query = "&".join([f"method={method}"] + [f"measure={m}" for m in measures])
    return f"{url('submit_quality_data', practice)}?{query}"


def test_the_quality_picker_lists_only_measures_of_the_submission_method(staff_client, practice):
    html = staff_client.get(
        url("submit_quality", practice), {"method": "electronicHealthRecord"}
    ).content.decode()
    assert 'value="009"' in html  # eCQM only
    assert 'value="052"' not in html  # registry only
    html = staff_client.get(
        url("submit_quality", practice), {"method": "registry", "q": "pulmonary"}
    ).content.decode()
    assert 'value="052"' in html and 'value="009"' not in html and 'value="001"' not in html


def test_a_measure_of_another_method_is_refused_in_the_picker(staff_client, practice):
    response = staff_client.get(quality_data_url(practice, "registry", "009"), follow=True)
    assert "cannot be reported as MIPS CQMs" in response.content.decode()


def test_no_measure_chosen_goes_back_to_the_picker(staff_client, practice):
    response = staff_client.get(quality_data_url(practice, "registry"), follow=True)
    assert "Choose at least one measure to report." in response.content.decode()


def test_quality_counts_are_stored_per_measure_and_stratum(staff_client, practice):
    target = quality_data_url(practice, "registry", "001", "052", "USWR36")
    html = staff_client.get(target).content.decode()
    assert "Stratum spirometry" in html and "Stratum bronchodilator" in html
    assert "Performance rate (%)" in html  # USWR36 is a QCDR measure
    data = {
        "performance_start": "2024-01-01",
        "performance_end": "2024-12-31",
        "end_to_end": "on",
        "q0_performance_met": "40",
        "q0_performance_not_met": "50",
        "q0_eligible_population": "100",
        "q1_s0_performance_met": "10",
        "q1_s0_eligible_population": "20",
        "q1_s1_performance_met": "5",
        "q1_s1_eligible_population": "20",
        "q2_performance_rate": "85.5",
        "q2_performance_met": "30",
        "q2_eligible_population": "40",
    }
    response = staff_client.post(target, data, follow=True)
    measurement_set = MeasurementSet.objects.get()
    assert measurement_set.category == "quality"
    assert measurement_set.submission_method == "registry"
    values = {m.measure_id: m.value for m in measurement_set.measurements.all()}
    assert values["001"]["performanceMet"] == 40
    assert values["001"]["isEndToEndReported"] is True
    assert [s["stratum"] for s in values["052"]["strata"]] == ["spirometry", "bronchodilator"]
    assert values["USWR36"]["performanceRate"] == 85.5
    html = response.content.decode()
    assert "Quality saved" in html
    assert "3 of 6 measures needed." in html


def test_quality_counts_over_the_eligible_population_are_refused_beside_the_field(
    staff_client, practice
):
    target = quality_data_url(practice, "registry", "001")
    data = {
        "performance_start": "2024-01-01",
        "performance_end": "2024-12-31",
        "q0_performance_met": "80",
        "q0_performance_not_met": "50",
        "q0_eligible_population": "100",
    }
    html = staff_client.post(target, data).content.decode()
    assert "must not be greater than eligiblePopulation (100)" in error_of(
        html, "id_q0_performance_met"
    )
    assert 'value="80"' in html and 'value="50"' in html
    assert "001: performance met" in html  # the error summary names the measure
    assert_nothing_stored()


@pytest.mark.parametrize("value", ["", "many", "12.5", *HOSTILE])
def test_a_wrong_count_is_refused_and_the_rest_kept(staff_client, practice, value):
    target = quality_data_url(practice, "registry", "001")
    data = {
        "performance_start": "2024-01-01",
        "performance_end": "2024-12-31",
        "q0_performance_met": value,
        "q0_eligible_population": "100",
    }
    html = staff_client.post(target, data).content.decode()
    expected = "Enter the performance met." if value == "" else "Enter a whole number, like 25."
    assert error_of(html, "id_q0_performance_met") == expected
    assert 'value="100"' in html
    assert "<script>alert(1)</script>" not in html
    assert_nothing_stored()


@pytest.mark.parametrize("value", ["101", "-3", "abc", "nan", "inf"])
def test_a_qcdr_performance_rate_outside_0_to_100_is_refused(staff_client, practice, value):
    target = quality_data_url(practice, "registry", "USWR36")
    data = {
        "performance_start": "2024-01-01",
        "performance_end": "2024-12-31",
        "q0_performance_rate": value,
        "q0_performance_met": "3",
        "q0_eligible_population": "4",
    }
    html = staff_client.post(target, data).content.decode()
    assert error_of(html, "id_q0_performance_rate") in (
        "performanceRate must be a number from 0 to 100.",
        "Enter a number, like 85.5.",
    )
    assert_nothing_stored()


def test_the_picker_ticks_the_measures_already_saved(staff_client, practice):
    submission = SubmissionFactory(taxpayer_identification_number=practice.tin)
    measurement_set = MeasurementSetFactory(
        submission=submission,
        category="quality",
        submitter=practice,
        performance_start=date(2024, 1, 1),
        performance_end=date(2024, 12, 31),
    )
    MeasurementFactory(
        measurement_set=measurement_set,
        measure_id="001",
        value={"isEndToEndReported": False, "performanceMet": 1, "eligiblePopulation": 2},
    )
    html = staff_client.get(url("submit_quality", practice)).content.decode()
    assert "checked" in input_tag(html, 'value="001"')
    data_page = staff_client.get(quality_data_url(practice, "registry", "001")).content.decode()
    assert 'name="q0_eligible_population" value="2"' in data_page
