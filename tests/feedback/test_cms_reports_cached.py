"""CMS's reports of an organization are read from the shared cache on every summary page but
the first in a generation (feedback.public_cache); a saved report, a renamed clinician or
a year's release shows on the very next request, and what a Clinician sees still narrows
to their own."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback import public_cache, selectors
from feedback.models import FeedbackReport

from .factories import FeedbackReportFactory

pytestmark = pytest.mark.django_db


def summary(client, practice, year=None):
    url = reverse("feedback:summary", args=[practice.pk])
    response = client.get(url + (f"?year={year}" if year else ""))
    assert response.status_code == 200
    return response.content.decode()


def report_reads(client, practice):
    with CaptureQueriesContext(connection) as captured:
        summary(client, practice)
    return sum('FROM "feedback_feedbackreport"' in query["sql"] for query in captured)


def test_the_summary_reads_cms_s_reports_once_in_a_generation(
    client, sign_in, staff_user, practice, reports
):
    sign_in(client, staff_user)
    assert report_reads(client, practice) == 2
    assert report_reads(client, practice) == 0


def test_a_report_saved_after_the_page_was_seen_shows_on_the_next_request(
    client, sign_in, staff_user, practice, reports
):
    sign_in(client, staff_user)
    summary(client, practice)
    reports["group"].final_score = Decimal("88.50")
    reports["group"].save()
    assert "Final score 88.50 of 100" in summary(client, practice)


def test_a_new_year_s_report_shows_on_the_next_request(
    client, sign_in, staff_user, practice, reports
):
    sign_in(client, staff_user)
    summary(client, practice)
    FeedbackReportFactory(organization=practice, performance_year=2024)
    assert '<option value="2024"' in summary(client, practice)


def test_a_deleted_report_is_gone_on_the_next_request(
    client, sign_in, staff_user, practice, reports, colleague
):
    sign_in(client, staff_user)
    assert "Zimmer" in summary(client, practice)
    reports["other"].delete()
    assert "Zimmer" not in summary(client, practice)


def test_a_renamed_clinician_shows_in_the_drill_down_on_the_next_request(
    client, sign_in, staff_user, practice, reports, colleague
):
    sign_in(client, staff_user)
    summary(client, practice)
    colleague.last_name = "Zimmermann"
    colleague.save()
    assert "Zimmermann" in summary(client, practice)


def test_a_year_released_since_the_page_was_seen_shows_on_the_next_request(
    client, sign_in, staff_user, practice, reports, today
):
    """The released years are part of what is cached: moving the (sandbox) clock shows them."""
    today.set(datetime.date(2026, 3, 1))  # 2025's feedback comes out on July 1, 2026
    sign_in(client, staff_user)
    assert "No performance feedback is available" in summary(client, practice)
    today.set(datetime.date(2026, 7, 1))
    assert "Performance feedback for 2025" in summary(client, practice)


def test_a_clinician_sees_only_their_own_and_the_group_s_from_what_staff_cached(
    client, sign_in, staff_user, clinician_user, practice, reports, colleague
):
    sign_in(client, staff_user)
    assert "Zimmer" in summary(client, practice)
    client.logout()
    sign_in(client, clinician_user)
    content = summary(client, practice)
    assert "Your individual feedback" in content
    assert "Zimmer" not in content
    assert colleague.npi not in content


def test_a_new_generation_forgets_the_cached_reports(practice, reports, staff_user):
    membership = staff_user.memberships.get()
    scope = selectors.feedback_scope(membership)
    assert len(selectors.summary_feedback(scope, 2025).clinician_reports) == 2
    # A bulk load, as feedback.synthetic's, sends no signal of its own.
    FeedbackReport.objects.bulk_create(
        [FeedbackReportFactory.build(organization=practice, performance_year=2023)]
    )
    assert 2023 not in selectors.feedback_scope(membership).years
    public_cache.start_new_generation()
    assert 2023 in selectors.feedback_scope(membership).years
