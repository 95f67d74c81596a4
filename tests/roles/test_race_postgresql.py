"""Two people racing to become an organization's first Security Official: exactly one wins.

Runs on PostgreSQL only (SQLite serialises every writer, so there is no race to lose). Each
thread has its own database connection; the organization row lock in
roles.services.validate_first_security_official makes the second wait and then see the
first's committed Security Official."""

import threading

import pytest
from django.db import connection

from roles import services
from roles.models import Membership
from tests.factories import UserFactory
from tests.organizations.factories import ClinicianFactory, EnrolmentFactory, PracticeFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

ROUNDS = 5
RACERS = 2


def race(memberships, evidence):
    barrier = threading.Barrier(len(memberships))
    outcomes, errors = [], []

    def attempt(membership):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            outcomes.append(
                services.validate_first_security_official(membership=membership, evidence=evidence)
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in memberships]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return outcomes


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_exactly_one_of_two_racing_people_becomes_first_security_official(round_number):
    practice = PracticeFactory()
    enrolment = EnrolmentFactory(practice=practice, clinician=ClinicianFactory())
    memberships = [
        services.request_role(user=UserFactory(), organization=practice, role="security_official")
        for _ in range(RACERS)
    ]
    outcomes = race(memberships, {"npi": enrolment.clinician.npi, "ptan": enrolment.ptan})

    assert sorted((o.granted, o.sent_to_officials) for o in outcomes) == [
        (False, True),
        (True, False),
    ]
    active = Membership.objects.filter(
        organization=practice, role="security_official", status="active"
    )
    assert active.count() == 1
    loser = Membership.objects.exclude(pk=active.get().pk).get(organization=practice)
    assert (loser.status, loser.awaiting) == ("pending", "security_official")
