"""Which entities have submitted data is read from the shared cache under the generation of
the data the organization sees (submissions.selectors.submitted_data_generation): data
submitted, or taken back, after the summary was seen shows on the very next request, and
another practice's data leaves this one's cached."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from submissions import selectors as submission_selectors
from submissions.models import MeasurementSet
from tests.organizations.factories import PracticeFactory, RegistryFactory

from .test_submitted_feedback import ACTIVITIES, QUALITY_2024, cms_report, submit, url

pytestmark = pytest.mark.django_db


def page(client, practice):
    response = client.get(url(practice, 2024))
    assert response.status_code == 200
    return response.content.decode()


def test_the_summary_reads_the_submissions_once_in_a_generation(
    client, sign_in, staff_user, practice
):
    cms_report(practice)
    sign_in(client, staff_user)
    page(client, practice)
    with CaptureQueriesContext(connection) as captured:
        page(client, practice)
    assert not any('FROM "submissions_submission"' in query["sql"] for query in captured)


def test_data_submitted_after_the_summary_was_seen_computes_it_on_the_next_request(
    client, sign_in, staff_user, practice
):
    cms_report(practice)
    sign_in(client, staff_user)
    assert "Computed from the data" not in page(client, practice)
    submit(practice, 2024, "quality", QUALITY_2024)
    submit(practice, 2024, "ia", ACTIVITIES)
    assert "Computed from the data you submitted on" in page(client, practice)


def test_data_taken_back_leaves_cms_s_figures_on_the_next_request(
    client, sign_in, staff_user, practice
):
    cms_report(practice)
    submit(practice, 2024, "quality", QUALITY_2024)
    submit(practice, 2024, "ia", ACTIVITIES)
    sign_in(client, staff_user)
    assert "Computed from the data you submitted on" in page(client, practice)
    MeasurementSet.objects.filter(submission__taxpayer_identification_number=practice.tin).delete()
    assert "Computed from the data" not in page(client, practice)


def test_another_practice_s_data_leaves_this_one_s_generation(practice):
    other = PracticeFactory()
    before = submission_selectors.submitted_data_generation(practice)
    submit(other, 2024, "quality", QUALITY_2024)
    assert submission_selectors.submitted_data_generation(practice) == before
    submit(practice, 2024, "quality", QUALITY_2024)
    assert submission_selectors.submitted_data_generation(practice) != before


def test_a_registry_s_generation_moves_with_the_sets_it_submits(practice):
    registry = RegistryFactory()
    before = submission_selectors.submitted_data_generation(registry)
    measurement_set = submit(practice, 2024, "quality", QUALITY_2024)
    measurement_set.submitter = registry
    measurement_set.save()
    assert submission_selectors.submitted_data_generation(registry) != before
