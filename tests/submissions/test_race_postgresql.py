"""Two submitters creating the same entity's submission at once: exactly one submission.

Runs on PostgreSQL only (SQLite serialises every writer, so there is no race to lose). Each
thread has its own connection; the unique constraint on (entity, year) makes the second
insert wait for the first and then read its row (services._get_or_create_submission)."""

import threading

import pytest
from django.db import connection

from submissions import services
from submissions.models import MeasurementSet, Submission
from tests.organizations.factories import RegistryFactory

from .conftest import cms_example

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
]

ROUNDS = 5


def race(calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def attempt(call):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            call()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_registries_creating_one_entitys_submission_at_once_make_one(round_number):
    registries = [RegistryFactory(), RegistryFactory()]
    document = cms_example("ia", npi="1234567893", tin=f"{200000000 + round_number}")
    race(
        [
            lambda r=registry: services.submit_measurement_sets(data=document, submitter=r)
            for registry in registries
        ]
    )
    assert (
        Submission.objects.filter(
            taxpayer_identification_number=document["taxpayerIdentificationNumber"]
        ).count()
        == 1
    )
    assert (
        MeasurementSet.objects.filter(
            submission__taxpayer_identification_number=document["taxpayerIdentificationNumber"]
        ).count()
        == 2
    )


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_one_registry_sending_the_same_set_twice_at_once_keeps_one_set(round_number):
    registry = RegistryFactory()
    document = cms_example("ia", npi="1234567893", tin=f"{300000000 + round_number}")
    race([lambda: services.submit_measurement_sets(data=document, submitter=registry)] * 2)
    assert MeasurementSet.objects.filter(submitter=registry).count() == 1
