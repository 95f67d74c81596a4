"""The summary page reads what it shows once: the same number of queries whatever the number
of clinicians a practice lists or of measures its submitted data holds."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import FeedbackReport
from tests.organizations.factories import ClinicianFactory, EnrolmentFactory
from tests.submissions.factories import MeasurementFactory

from .factories import FeedbackReportFactory
from .test_submitted_feedback import ACTIVITIES, QUALITY_2024, cms_report, submit

pytestmark = pytest.mark.django_db

# None: the person's account, their membership, CMS's reports and which entities have
# submitted data come from the cache after the first request (``queries`` asks twice and
# counts the second).
CMS_PAGE_QUERIES = 0
# And for data submitted: its sets with their submission, their measurements, the practice's
# size (scoring's small-practice rule), the approved exceptions.
COMPUTED_PAGE_QUERIES = CMS_PAGE_QUERIES + 4


def queries(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_clinicians(practice, count, year=2025):
    for _ in range(count):
        clinician = EnrolmentFactory(practice=practice, clinician=ClinicianFactory()).clinician
        FeedbackReportFactory(
            organization=practice,
            clinician=clinician,
            level=FeedbackReport.Level.INDIVIDUAL,
            performance_year=year,
            quality=Decimal("55.00"),
        )


def test_the_summary_page_s_queries_do_not_grow_with_its_clinicians(
    client, sign_in, staff_user, practice, reports
):
    url = reverse("feedback:summary", args=[practice.pk]) + "?year=2025"
    sign_in(client, staff_user)
    client.get(url)  # the session's first use of the cache is not the page's
    few = queries(client, url)
    add_clinicians(practice, 20)
    content = client.get(url).content.decode()
    assert content.count('data-label="Clinician"') == 22
    assert queries(client, url) == few == CMS_PAGE_QUERIES


def test_the_computed_summary_s_queries_do_not_grow_with_its_measures(
    client, sign_in, staff_user, practice
):
    url = reverse("feedback:summary", args=[practice.pk]) + "?year=2024"
    measures = list(QUALITY_2024.items())
    cms_report(practice)
    add_clinicians(practice, 3, year=2024)
    quality = submit(practice, 2024, "quality", dict(measures[:2]))
    sign_in(client, staff_user)
    client.get(url)
    few = queries(client, url)
    for measure_id, value in measures[2:]:
        MeasurementFactory(measurement_set=quality, measure_id=measure_id, value=value)
    submit(practice, 2024, "ia", ACTIVITIES)
    add_clinicians(practice, 10, year=2024)
    content = client.get(url).content.decode()
    assert all(f'<th scope="row">{measure_id} ' in content for measure_id, _ in measures)
    assert content.count('data-label="Clinician"') == 13
    assert queries(client, url) == few == COMPUTED_PAGE_QUERIES


def test_a_clinician_s_summary_reads_their_report_and_their_group_s_in_one_query(
    client, sign_in, clinician_user, practice, reports
):
    url = reverse("feedback:summary", args=[practice.pk]) + "?year=2025"
    sign_in(client, clinician_user)
    client.get(url)
    content = client.get(url).content.decode()
    assert (
        "Your individual feedback" in content and "Group feedback that applies to you" in content
    )
    # One more than Staff Users: whether the clinician takes part in the practice.
    assert queries(client, url) == CMS_PAGE_QUERIES + 1
