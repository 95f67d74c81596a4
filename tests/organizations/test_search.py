import pytest
from django.urls import reverse

from organizations import selectors
from organizations.models import Organization

from .factories import (
    ApmEntityFactory,
    ApmParticipationFactory,
    ClinicianFactory,
    EnrolmentFactory,
    PracticeFactory,
    RegistryFactory,
)

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("organizations:search")


@pytest.fixture
def sunrise():
    return PracticeFactory(
        tin="123456789",
        legal_business_name="Sunrise Family Medicine LLC",
        group_npi="2234567891",
        group_ptan="GRP12345",
    )


# Selectors


def test_practice_is_found_by_full_tin_with_or_without_dash(sunrise):
    PracticeFactory()

    assert list(selectors.search_practices("123456789")) == [sunrise]
    assert list(selectors.search_practices("12-3456789")) == [sunrise]
    assert list(selectors.search_practices(" 12-3456789 ")) == [sunrise]


def test_part_of_a_tin_finds_nothing(sunrise):
    assert not selectors.search_practices("3456789").exists()
    assert not selectors.search_practices("6789").exists()


def test_practice_is_found_by_part_of_its_name_ignoring_case(sunrise):
    PracticeFactory(legal_business_name="Lakeview Cardiology")

    assert list(selectors.search_practices("family med")) == [sunrise]
    assert list(selectors.search_practices("SUNRISE")) == [sunrise]
    assert list(selectors.search_practices("  medicine   llc ")) == [sunrise]


def test_short_query_matches_the_start_of_names_only(sunrise):
    PracticeFactory(legal_business_name="Lakeview SU Clinic")

    assert list(selectors.search_practices("su")) == [sunrise]


def test_a_query_without_three_letters_in_a_row_matches_the_start_of_names_only():
    obrien = PracticeFactory(legal_business_name="O'Brien Family Practice")
    PracticeFactory(legal_business_name="Smith O'Brien Clinic")

    assert list(selectors.search_practices("o'b")) == [obrien]
    assert list(selectors.search_practices("A-1")) == []


def test_a_query_with_three_letters_in_a_row_matches_inside_names():
    obrien = PracticeFactory(legal_business_name="O'Brien Family Practice")
    smith = PracticeFactory(legal_business_name="Smith O'Brien Clinic")

    assert list(selectors.search_practices("o'bri")) == [obrien, smith]


def test_practice_search_includes_virtual_groups_but_not_other_kinds(sunrise):
    group = PracticeFactory(legal_business_name="Sunrise Virtual Group", virtual_group=True)
    ApmEntityFactory(legal_business_name="Sunrise ACO")
    RegistryFactory(legal_business_name="Sunrise QCDR")

    assert list(selectors.search_practices("sunrise")) == [sunrise, group]


def test_like_wildcards_in_the_query_are_taken_literally(sunrise):
    assert not selectors.search_practices("%").exists()
    assert not selectors.search_practices("S_nrise").exists()


def test_apm_entity_is_found_by_entity_id_or_name_and_model_type():
    aco = ApmEntityFactory(entity_id="A1234", legal_business_name="Heritage ACO LLC")
    ocm = ApmEntityFactory(
        entity_id="OCM-0001",
        legal_business_name="Heritage Oncology Group",
        model_type=Organization.ModelType.OCM,
    )

    assert list(selectors.search_apm_entities("a1234")) == [aco]
    assert list(selectors.search_apm_entities("heritage")) == [aco, ocm]
    assert list(selectors.search_apm_entities("heritage", model_type="ocm")) == [ocm]


def test_registry_is_found_by_name_or_tin():
    registry = RegistryFactory(tin="415027485", legal_business_name="Southpoint Cardio QCDR")
    PracticeFactory(tin="415027486", legal_business_name="Southpoint Practice")

    assert list(selectors.search_registries("41-5027485")) == [registry]
    assert list(selectors.search_registries("cardio")) == [registry]
    assert list(selectors.search_registries("southpoint")) == [registry]


def test_empty_query_finds_nothing(sunrise):
    assert not selectors.search_practices("   ").exists()
    assert not selectors.search_apm_entities("").exists()


# First Security Official validation support


def test_individual_npi_and_ptan_of_a_clinician_billing_under_the_tin_are_found(sunrise):
    enrolment = EnrolmentFactory(
        practice=sunrise, clinician=ClinicianFactory(npi="1234567893"), ptan="ADA12345"
    )

    assert selectors.find_individual_enrolment(sunrise, "1234567893", "ADA12345") == enrolment
    assert selectors.find_individual_enrolment(sunrise, " 1234567893", "ada12345 ") == enrolment


def test_group_npi_and_ptan_are_refused_and_said_to_be_group_identifiers(sunrise):
    EnrolmentFactory(practice=sunrise)

    assert selectors.find_individual_enrolment(sunrise, "2234567891", "GRP12345") is None
    assert selectors.is_group_identifier(sunrise, "2234567891", "GRP12345")
    assert selectors.is_group_identifier(sunrise, "2234567891", "ANY123")
    assert selectors.is_group_identifier(sunrise, "1000000004", "grp12345")


def test_group_identifier_of_another_practice_is_recognised(sunrise):
    other = PracticeFactory()

    assert selectors.is_group_identifier(sunrise, other.group_npi, "ZZZ999")
    assert not selectors.is_group_identifier(sunrise, "1234567893", "ADA12345")


def test_individual_ptan_from_another_tin_is_refused(sunrise):
    ada = ClinicianFactory(npi="1234567893")
    other = PracticeFactory()
    EnrolmentFactory(practice=sunrise, clinician=ada, ptan="ADA12345")
    EnrolmentFactory(practice=other, clinician=ada, ptan="ADA67890")

    assert selectors.find_individual_enrolment(sunrise, "1234567893", "ADA67890") is None
    assert selectors.find_individual_enrolment(other, "1234567893", "ADA67890").practice == other
    assert not selectors.is_group_identifier(sunrise, "1234567893", "ADA67890")


def test_participating_tins_of_an_entity_are_those_of_the_year():
    entity = ApmEntityFactory()
    first, second, gone = PracticeFactory.create_batch(3)
    for practice in (first, second, gone):
        ApmParticipationFactory(entity=entity, practice=practice, performance_year=2024)
    for practice in (first, second):
        ApmParticipationFactory(entity=entity, practice=practice, performance_year=2025)
    clinician = EnrolmentFactory(practice=first).clinician
    ApmParticipationFactory(
        entity=entity, practice=first, clinician=clinician, performance_year=2025
    )

    assert selectors.participating_tins(entity, performance_year=2025) == {first.tin, second.tin}
    assert selectors.participating_practices(entity, performance_year=2024).count() == 3
    assert list(selectors.clinician_apm_entities(clinician, performance_year=2025)) == [entity]
    assert list(selectors.clinician_practices(clinician)) == [first]


# The search page


def test_search_requires_sign_in(client):
    response = client.get(SEARCH_URL, {"kind": "practice", "query": "sunrise"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_search_page_shows_the_form(signed_in_client):
    response = signed_in_client.get(SEARCH_URL)

    assert response.status_code == 200
    assert b"Find an organization" in response.content
    assert b'name="query"' in response.content


def test_results_mask_the_tin_everywhere(signed_in_client, sunrise):
    for query in ("12-3456789", "123456789", "sunrise"):
        response = signed_in_client.get(SEARCH_URL, {"kind": "practice", "query": query})

        html = response.content.decode()
        assert "Sunrise Family Medicine LLC" in html
        assert "***-**6789" in html
        results = html.split('id="results-heading"')[1]
        assert "123456789" not in results
        assert "12-3456789" not in results


def test_results_are_paginated_with_the_query_kept(
    signed_in_client, django_assert_max_num_queries
):
    for number in range(45):
        PracticeFactory(legal_business_name=f"Harbor Clinic {number:02d}")

    # On PostgreSQL the capped count adds a savepoint, its planner settings and a release,
    # and the first search for a word inside names reads how far the first names go.
    with django_assert_max_num_queries(13):
        response = signed_in_client.get(
            SEARCH_URL, {"kind": "practice", "query": "harbor", "page": "2"}
        )

    html = response.content.decode()
    assert "45 organizations match" in html
    assert "showing 21 to 40" in html
    assert "Harbor Clinic 20" in html
    assert "Harbor Clinic 19" not in html
    assert 'class="usa-pagination"' in html
    assert 'aria-current="page">2<' in html
    assert "?kind=practice&amp;query=harbor&amp;page=3" in html


def test_results_page_query_count_does_not_grow_with_results(
    signed_in_client, django_assert_max_num_queries
):
    for number in range(20):
        ApmEntityFactory(legal_business_name=f"Summit ACO {number}")

    # On PostgreSQL the capped count adds a savepoint, its planner settings and a release,
    # and the first search for a word inside names reads how far the first names go.
    with django_assert_max_num_queries(13):
        response = signed_in_client.get(SEARCH_URL, {"kind": "apm_entity", "query": "summit"})

    assert response.content.decode().count("APM Entity ID A") == 20


def test_a_page_past_the_end_shows_the_last_page(signed_in_client, sunrise):
    response = signed_in_client.get(
        SEARCH_URL, {"kind": "practice", "query": "sunrise", "page": "99"}
    )

    assert response.status_code == 200
    assert b"Sunrise Family Medicine LLC" in response.content


def test_no_match_says_so(signed_in_client, sunrise):
    response = signed_in_client.get(SEARCH_URL, {"kind": "practice", "query": "nowhere clinic"})

    assert "No organization matches “nowhere clinic”" in response.content.decode()


def test_partial_tin_gets_a_clear_message(signed_in_client, sunrise):
    response = signed_in_client.get(SEARCH_URL, {"kind": "practice", "query": "3456789"})

    assert response.status_code == 200
    assert "Enter the full 9-digit TIN" in response.content.decode()
    assert "Sunrise" not in response.content.decode().split("</form>")[1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("<script>alert(1)</script>", "No organization matches"),
        ("' OR 1=1 --", "No organization matches"),
        ("'; DROP TABLE organizations_organization; --", "No organization matches"),
        ("Clínica Ñandú 😀 診療所", "No organization matches"),
        ("x" * 500, "Enter at most 100 characters."),
        ("sun\x00rise", "Remove the invisible control characters."),
        ("a", "Enter at least 2 characters of the name."),
        ("   ", "Enter a name, a full TIN or an APM Entity ID."),
        ("%%%", "No organization matches"),
    ],
)
def test_hostile_input_gets_a_clear_message_or_no_results(
    signed_in_client, sunrise, query, message
):
    response = signed_in_client.get(SEARCH_URL, {"kind": "practice", "query": query})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "<script>alert(1)</script>" not in html
    assert Organization.objects.filter(pk=sunrise.pk).exists()


def test_unknown_kind_and_model_type_get_a_clear_message(signed_in_client):
    response = signed_in_client.get(
        SEARCH_URL, {"kind": "hospital", "model_type": "x", "query": "sunrise"}
    )

    html = response.content.decode()
    assert "Choose practice, APM Entity or registry." in html
    assert "Choose a model type from the list." in html


def test_repeated_parameters_do_not_break_the_page(signed_in_client, sunrise):
    response = signed_in_client.get(
        f"{SEARCH_URL}?kind=practice&kind=registry&query=sunrise&query=x&page=1&page=abc"
    )

    assert response.status_code == 200
