"""Where an entity submitted data for a year, its feedback is computed from it (issue 14):
Quality, Promoting Interoperability and Improvement Activities from the preliminary score
of the submitted data, Cost from CMS's claims-based figure, weighted by the year's
reweighting table (42 CFR 414.1380(c)). Each expectation is worked by hand; the category
scores of the submitted data are those of tests/submissions/test_scoring.py (2024: Quality
65.841, Improvement Activities 75, Promoting Interoperability 75)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import selectors
from feedback.models import ExceptionApplication
from submissions.models import Submission
from tests.submissions.factories import MeasurementFactory, MeasurementSetFactory
from tests.submissions.test_scoring import PI_COMPLETE, rate

from .factories import ExceptionApplicationFactory, FeedbackReportFactory

pytestmark = pytest.mark.django_db

QUALITY_2024 = {
    "001": rate(25, 75),
    "005": rate(100, 0),
    "496": rate(80, 20),
    "236": rate(55, 45),
    "317": rate(65, 35),
    "485": rate(10, 90),
    "102": rate(80, 20),
    "104": rate(80, 20),
}
ACTIVITIES = {"IA_EPA_4": True, "IA_PM_2": True}


def url(organization, year):
    return reverse("feedback:summary", args=[organization.pk]) + f"?year={year}"


def submit(practice, year, category, values, *, method="registry", npi=""):
    """Store a measurement set of ``practice``'s group (or clinician ``npi``) for ``year``."""
    submission, _created = Submission.objects.get_or_create(
        taxpayer_identification_number=practice.tin,
        performance_year=year,
        entity_type="individual" if npi else "group",
        national_provider_identifier=npi,
    )
    measurement_set = MeasurementSetFactory(
        submission=submission,
        category=category,
        submission_method=method,
        cehrt_id="0015CXXXXXXXXXX" if category == "pi" else "",
        performance_start=datetime.date(year, 1, 1),
        performance_end=datetime.date(year, 12, 31),
    )
    for measure_id, value in values.items():
        MeasurementFactory(measurement_set=measurement_set, measure_id=measure_id, value=value)
    return measurement_set


def submit_quality_and_ia(practice, year=2024, npi=""):
    submit(practice, year, "quality", QUALITY_2024, npi=npi)
    submit(practice, year, "ia", ACTIVITIES, npi=npi)


def submit_all_three(practice, year=2024, npi=""):
    submit_quality_and_ia(practice, year, npi)
    submit(practice, year, "pi", PI_COMPLETE, method="electronicHealthRecord", npi=npi)


def cms_report(practice, year=2024, **fields):
    """CMS's 2024 report: 80 x 30% + 90 x 25% + 100 x 15% + Cost 60 x 30% = 79.50."""
    return FeedbackReportFactory(organization=practice, performance_year=year, **fields)


def approve_exception(practice, **fields):
    """An approved 2024 exception application of ``practice`` for the categories in
    ``fields`` (Quality only if named)."""
    return ExceptionApplicationFactory(
        organization=practice,
        performance_year=2024,
        status=ExceptionApplication.Status.APPROVED,
        decided_at=timezone.now(),
        **{"quality": False, **fields},
    )


def test_a_group_that_submitted_all_three_categories_is_scored_on_them_with_cms_cost(
    client, sign_in, staff_user, practice
):
    # 2024 weights (no reweighting): Quality 65.84 x 30% = 19.752, Cost (CMS) 60 x 30% = 18,
    # IA 75 x 15% = 11.25, PI 75 x 25% = 18.75; total 67.752 -> 67.75. Below the threshold
    # of 75: -9% x (75 - 67.75) / (75 - 18.75) = -1.160%.
    cms_report(practice)
    submit_all_three(practice)
    sign_in(client, staff_user)
    content = client.get(url(practice, 2024)).content.decode()
    assert "Final score 67.75 of 100" in content
    assert "Computed from the data you submitted on" in content
    assert "From CMS claims" in content
    assert "−1.160%" in content or "-1.160%" in content
    assert "replace the final score of 79.50" in content


def test_a_category_without_submitted_data_is_reweighted_by_the_year_s_table(
    client, sign_in, staff_user, practice
):
    # No PI submitted, not a small practice: 2024 row "PI reweighted" Quality 55, Cost 30,
    # IA 15: 65.84 x 55% = 36.212 + 60 x 30% = 18 + 75 x 15% = 11.25 -> 65.46.
    cms_report(practice)
    submit_quality_and_ia(practice)
    sign_in(client, staff_user)
    content = client.get(url(practice, 2024)).content.decode()
    assert "Final score 65.46 of 100" in content
    assert "<td>55%</td>" in content
    assert "No figure: its weight went to the other categories" in content


def test_an_approved_exception_reweights_a_category_of_the_computed_feedback(
    client, sign_in, staff_user, practice
):
    # EUC for Cost in 2024: row "Cost reweighted" Quality 55, IA 15, PI 30:
    # 65.84 x 55% = 36.212 + 75 x 15% = 11.25 + 75 x 30% = 22.5 -> 69.96.
    cms_report(practice)
    submit_all_three(practice)
    approve_exception(practice, cost=True)
    sign_in(client, staff_user)
    assert "Final score 69.96 of 100" in client.get(url(practice, 2024)).content.decode()


def test_submitted_pi_data_overrides_an_approved_pi_hardship_exception(
    client, sign_in, staff_user, practice
):
    # PI submitted, so PI is scored on the 2024 base weights (Quality 30, Cost 30, IA 15,
    # PI 25): 65.84 x 30% = 19.752 + Cost 60 x 30% = 18 + 75 x 15% = 11.25
    # + 75 x 25% = 18.75 -> 67.75.
    cms_report(practice)
    submit_all_three(practice)
    approve_exception(
        practice, kind=ExceptionApplication.Kind.PI_HARDSHIP, promoting_interoperability=True
    )
    sign_in(client, staff_user)
    assert "Final score 67.75 of 100" in client.get(url(practice, 2024)).content.decode()


def test_the_quality_measures_shown_are_those_of_the_submitted_data(
    client, sign_in, staff_user, practice
):
    cms_report(practice)
    submit_all_three(practice)
    sign_in(client, staff_user)
    content = client.get(url(practice, 2024)).content.decode()
    assert "Quality measures of the data submitted on" in content
    assert "Benchmark decile" in content and ">001 " in content


def test_a_clinician_sees_the_group_feedback_computed_from_the_group_s_data(
    client, sign_in, clinician_user, practice
):
    # One clinician bills under the TIN, so a small practice (42 CFR 414.1305): Quality
    # gains the 6-point bonus (39.505 + 6 of 60 = 75.84), the two activities count double
    # (30 x 2 = 60, capped at 40 of 40 = 100). 75.84 x 30% = 22.752 + 60 x 30% = 18 + 100 x
    # 15% = 15 + 75 x 25% = 18.75 -> 74.50.
    cms_report(practice)
    submit_all_three(practice)
    sign_in(client, clinician_user)
    content = client.get(url(practice, 2024)).content.decode()
    assert "score that applies to you" in content
    assert "Final score 74.50 of 100" in content
    assert f"submitted for {practice.legal_business_name} on" in content


def test_a_year_without_a_submission_shows_cms_figures_unchanged(
    client, sign_in, staff_user, practice
):
    cms_report(practice)
    submit_all_three(practice, year=2025)  # another year's data changes nothing in 2024
    sign_in(client, staff_user)
    content = client.get(url(practice, 2024)).content.decode()
    assert "Final score 79.50 of 100" in content
    assert "Computed from the data" not in content


def test_data_for_a_year_without_scoring_figures_leaves_cms_figures(
    client, sign_in, staff_user, practice
):
    # The portal has no 2021 scoring figures: the data cannot be scored, CMS's report stays.
    cms_report(practice, year=2021, quality_weight=40, cost_weight=20)
    submit(practice, 2021, "ia", ACTIVITIES)
    sign_in(client, staff_user)
    response = client.get(url(practice, 2021))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Final score {response.context['report'].final_score} of 100" in content
    assert "Computed from the data" not in content


def test_during_the_submission_window_feedback_is_computed_before_cms_releases_it(
    client, sign_in, staff_user, practice
):
    # 2026 is not released (feedback comes out in July 2027) and CMS has no Cost yet: only
    # Improvement Activities is scored, so the final score is the 2026 performance
    # threshold, 75, and the adjustment neutral (42 CFR 414.1380(c)).
    submit(practice, 2026, "ia", ACTIVITIES)
    sign_in(client, staff_user)
    response = client.get(url(practice, 2026))
    content = response.content.decode()
    assert response.context["report"].final_score == Decimal("75.00")
    assert "Final score 75.00 of 100" in content
    assert "not yet available" in content


def test_the_download_carries_the_computed_figures(client, sign_in, staff_user, practice):
    cms_report(practice)
    submit_all_three(practice)
    sign_in(client, staff_user)
    download = client.get(reverse("feedback:download", args=[practice.pk, 2024]))
    assert ",67.75," in download.content.decode()


def test_a_clinician_who_reported_individually_sees_feedback_from_their_own_data(
    client, sign_in, clinician_user, practice, own_clinician
):
    # Their individual (TIN + NPI) data, small practice as above, Cost 60 from their own
    # CMS report: 75.84 x 30% + 60 x 30% + 100 x 15% + 75 x 25% = 74.50.
    cms_report(practice, clinician=own_clinician, level="individual")
    submit_all_three(practice, npi=own_clinician.npi)
    sign_in(client, clinician_user)
    content = client.get(url(practice, 2024)).content.decode()
    assert f"Your individual feedback (NPI {own_clinician.npi})" in content
    assert "Final score 74.50 of 100" in content
    assert "submitted for you on" in content


def test_the_public_reporting_preview_publishes_the_computed_final_score(practice):
    # The same 67.75 as the feedback page (first test), not CMS's 79.50.
    cms_report(practice)
    submit_all_three(practice)
    figures = {f.key: f.value for f in selectors.public_reporting_figures(practice, 2024)}
    assert figures["final_score"] == "67.75"
