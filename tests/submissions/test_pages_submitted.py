"""View submitted data and the preliminary score: a practice sees every set for its TIN,
whoever submitted it; a registry scores only what it submitted."""

from datetime import date

import pytest
from django.urls import reverse

from tests.organizations.factories import PracticeFactory, valid_npi

from .factories import MeasurementFactory, MeasurementSetFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_submission(practice):
    return SubmissionFactory(taxpayer_identification_number=practice.tin, performance_year=2024)


@pytest.fixture
def registry_set(group_submission, registry):
    """IA attested by the registry through the API (no person)."""
    measurement_set = MeasurementSetFactory(submission=group_submission, submitter=registry)
    MeasurementFactory(measurement_set=measurement_set, measure_id="IA_PM_2", value=True)
    return measurement_set


@pytest.fixture
def own_set(group_submission, practice, practice_staff):
    measurement_set = MeasurementSetFactory(
        submission=group_submission,
        category="pi",
        submitter=practice,
        submitted_by=practice_staff,
        cehrt_id="0015C12345ABCDE",
        performance_start=date(2024, 1, 1),
        performance_end=date(2024, 12, 31),
    )
    MeasurementFactory(
        measurement_set=measurement_set,
        measure_id="PI_EP_1",
        value={"numerator": 45, "denominator": 60},
    )
    return measurement_set


@pytest.fixture
def quality_set(group_submission, practice):
    measurement_set = MeasurementSetFactory(
        submission=group_submission,
        category="quality",
        submitter=practice,
        performance_start=date(2024, 1, 1),
        performance_end=date(2024, 12, 31),
    )
    MeasurementFactory(
        measurement_set=measurement_set,
        measure_id="001",
        value={
            "isEndToEndReported": False,
            "performanceMet": 20,
            "performanceNotMet": 60,
            "eligiblePopulation": 100,
            "eligiblePopulationExclusion": 0,
            "eligiblePopulationException": 0,
            "performanceRate": 25,
        },
    )
    return measurement_set


def submitted_url(organization, year=2024):
    return reverse("submissions:submitted", args=[organization.pk]) + f"?year={year}"


def test_a_practice_sees_every_set_for_its_tin_with_who_submitted_it_and_when(
    client, sign_in, practice_staff, practice, registry_set, own_set, quality_set
):
    sign_in(client, practice_staff)
    html = client.get(submitted_url(practice)).content.decode()
    assert "Group, TIN ***-**6789" in html
    assert f"Summit Quality Registry ({registry_set.submitter.kind_label})" in html
    assert "Through the API" in html
    assert "Sunrise Family Medicine LLC (your organization)" in html
    assert "saved by Stan Staff" in html
    assert "IA_PM_2" in html and "Yes" in html
    assert "45 of 60" in html and "75.0%" in html
    assert "met 20, not met 60, eligible 100" in html and "25%" in html
    assert "CEHRT ID 0015C12345ABCDE" in html


def test_another_year_shows_nothing_and_offers_to_submit(
    client, sign_in, practice_staff, practice, registry_set
):
    sign_in(client, practice_staff)
    html = client.get(submitted_url(practice, 2025)).content.decode()
    assert "No data has been submitted for 2025 yet." in html
    assert "IA_PM_2" not in html


@pytest.mark.parametrize("year", ["1999", "<script>alert(1)</script>", "2024\x00", "x" * 500])
def test_a_wrong_year_is_refused_beside_the_picker(
    client, sign_in, practice_staff, practice, year
):
    sign_in(client, practice_staff)
    response = client.get(reverse("submissions:submitted", args=[practice.pk]), {"year": year})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a performance year from the list." in html
    assert "<script>alert(1)</script>" not in html


def test_another_practices_data_is_not_listed(client, sign_in, practice_staff, practice):
    other = PracticeFactory()
    other_submission = SubmissionFactory(taxpayer_identification_number=other.tin)
    MeasurementFactory(
        measurement_set=MeasurementSetFactory(submission=other_submission, submitter=other),
        measure_id="IA_EPA_4",
    )
    sign_in(client, practice_staff)
    assert "IA_EPA_4" not in client.get(submitted_url(practice)).content.decode()
    score = reverse("submissions:submitted_score", args=[practice.pk, other_submission.pk])
    assert client.get(score).status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(
    client,
    sign_in,
    practice_staff,
    practice,
    registry_set,
    own_set,
    quality_set,
    django_assert_max_num_queries,
):
    for index in range(5):
        submission = SubmissionFactory(
            taxpayer_identification_number=practice.tin,
            entity_type="individual",
            national_provider_identifier=valid_npi(f"{100000000 + index}"),
        )
        MeasurementFactory(
            measurement_set=MeasurementSetFactory(submission=submission, submitter=practice)
        )
    sign_in(client, practice_staff)
    with django_assert_max_num_queries(15):
        assert client.get(submitted_url(practice)).status_code == 200


def test_a_practice_reaches_its_preliminary_score_from_view_submitted_data(
    client, sign_in, practice_staff, practice, group_submission, registry_set, own_set, quality_set
):
    sign_in(client, practice_staff)
    score_url = reverse("submissions:submitted_score", args=[practice.pk, group_submission.pk])
    assert score_url in client.get(submitted_url(practice)).content.decode()
    response = client.get(score_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preliminary final score" in html
    assert "payment adjustment of" in html
    for label in ("Quality", "Promoting Interoperability", "Improvement Activities"):
        assert label in html
    assert 'data-measure="IA_PM_2"' in html
    assert 'data-measure="001"' in html
    assert "Before it counts" in html
    assert "1 of 6 measures needed." in html


def test_the_score_page_is_refused_to_clinicians_and_registries(
    client,
    sign_in,
    practice,
    group_submission,
    registry_set,
    practice_clinician,
    registry_staff,
    registry,
):
    sign_in(client, practice_clinician)
    url = reverse("submissions:submitted_score", args=[practice.pk, group_submission.pk])
    assert client.get(url).status_code == 403
    sign_in(client, registry_staff)
    url = reverse("submissions:submitted_score", args=[registry.pk, group_submission.pk])
    assert client.get(url).status_code == 403


def test_a_registry_scores_only_the_sets_it_submitted(
    client, sign_in, registry_staff, registry, group_submission, registry_set, own_set
):
    sign_in(client, registry_staff)
    listing = client.get(reverse("submissions:scoring", args=[registry.pk]) + "?year=2024")
    html = listing.content.decode()
    assert "Group, TIN ***-**6789" in html
    assert "Improvement Activities" in html
    assert "Promoting Interoperability" not in html.split("<tbody>")[1]
    detail = client.get(
        reverse("submissions:scoring_detail", args=[registry.pk, group_submission.pk])
    ).content.decode()
    assert 'data-measure="IA_PM_2"' in detail
    assert "PI_EP_1" not in detail


def test_a_registry_cannot_open_a_submission_it_did_not_submit_to(
    client, sign_in, registry_staff, registry, practice, own_set
):
    sign_in(client, registry_staff)
    url = reverse("submissions:scoring_detail", args=[registry.pk, own_set.submission.pk])
    assert client.get(url).status_code == 404
