"""The public participation answers are kept in the shared cache (feedback.public_cache)
and nobody is answered from before a change to what they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import public_cache
from feedback.api import clinician_document
from feedback.models import ExceptionApplication, OptInElection
from feedback.synthetic import generate_feedback_data
from organizations.models import Clinician
from organizations.services import import_reference_data
from qpp_portal import generations
from tests.organizations.conftest import SAMPLE_DATA
from tests.organizations.factories import valid_npi

from .factories import (
    ClinicianEligibilityFactory,
    ExceptionApplicationFactory,
    OptInElectionFactory,
    PracticeEligibilityFactory,
)

pytestmark = pytest.mark.django_db
V6 = {"HTTP_ACCEPT": "application/vnd.qpp.cms.gov.v6+json"}


@pytest.fixture
def eligible(practice, own_clinician):
    PracticeEligibilityFactory(practice=practice)
    return ClinicianEligibilityFactory(practice=practice, clinician=own_clinician, may_opt_in=True)


def api(client, npi):
    response = client.get(f"/api/eligibility/npis/{npi}?year=2026", **V6)
    return response.status_code, response.json()


def individual(body):
    return body["data"]["organizations"][0]["individualScenario"]


def lookup(client, npi):
    return client.get(reverse("feedback:lookup"), {"npi": npi, "year": 2026})


def test_a_repeated_api_question_is_answered_without_reading_the_database(
    client, eligible, own_clinician
):
    first = api(client, own_clinician.npi)
    with CaptureQueriesContext(connection) as queries:
        second = api(client, own_clinician.npi)
    assert second == first
    assert len(queries) == 0


def test_a_repeated_lookup_is_answered_without_reading_the_database(
    client, eligible, own_clinician
):
    first = lookup(client, own_clinician.npi)
    with CaptureQueriesContext(connection) as queries:
        second = lookup(client, own_clinician.npi)
    assert second.content == first.content
    assert own_clinician.last_name in second.content.decode()
    assert len(queries) == 0


def test_an_opt_in_election_shows_in_the_next_api_answer(client, eligible, own_clinician):
    assert individual(api(client, own_clinician.npi)[1])["isOptedIn"] is False
    OptInElectionFactory(
        practice=eligible.practice,
        clinician=own_clinician,
        decision=OptInElection.Decision.OPT_IN,
    )
    assert individual(api(client, own_clinician.npi)[1])["isOptedIn"] is True


def test_an_approved_exception_shows_in_the_next_api_answer(client, eligible, own_clinician):
    application = ExceptionApplicationFactory(organization=eligible.practice, quality=True)
    assert individual(api(client, own_clinician.npi)[1])["extremeHardship"] is False
    application.status = ExceptionApplication.Status.APPROVED
    application.decided_at = timezone.now()
    application.save()
    assert individual(api(client, own_clinician.npi)[1])["extremeHardship"] is True


def test_generating_feedback_data_starts_a_new_generation_of_answers(
    client, eligible, own_clinician
):
    before = api(client, own_clinician.npi)
    generate_feedback_data(seed=1)
    # The generator replaced every eligibility row: the answer is what they now say.
    fresh = clinician_document(own_clinician.npi, 2026)
    after = api(client, own_clinician.npi)
    assert after == (200, {"data": fresh})
    assert after != before


def test_an_unknown_npi_is_answered_the_same_way_from_the_cache(client, db):
    npi = valid_npi("188888888")
    assert api(client, npi)[0] == 404
    assert api(client, npi)[0] == 404
    assert "not" in lookup(client, npi).content.decode().lower()


def test_loading_reference_data_renews_the_answers_and_an_unchanged_load_keeps_them(db):
    import_reference_data(directory=SAMPLE_DATA)
    generation = generations.current(public_cache.GENERATION_KEY)
    import_reference_data(directory=SAMPLE_DATA)  # nothing changes
    assert generations.current(public_cache.GENERATION_KEY) == generation
    Clinician.objects.all().delete()
    import_reference_data(directory=SAMPLE_DATA)  # the clinicians come back
    assert generations.current(public_cache.GENERATION_KEY) != generation
