"""Two registries' clients POSTing /measurement-sets for the same new entity at the same
moment: exactly one Submission row exists after, holding both sets.

Runs on PostgreSQL only (SQLite serialises every writer, so there is no race to lose). Each
thread has its own database connection; the submission's unique constraint makes one
insert win and services._get_or_create_submission reads the winner's row in the other."""

import threading

import pytest
from django.db import connection
from django.test import Client

from submissions.models import MeasurementSet, Submission

from .conftest import OTHER_TOKEN_SECRET, TOKEN_SECRET
from .test_api import API, new_set_body

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency"),
]

ROUNDS = 5


def race(bodies_and_secrets):
    barrier = threading.Barrier(len(bodies_and_secrets))
    codes, errors = [], []

    def attempt(body, secret):
        from django.db import connection as thread_connection

        try:
            client = Client()
            barrier.wait(timeout=10)
            response = client.post(
                f"{API}/measurement-sets",
                data=body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {secret}",
            )
            codes.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt, args=pair) for pair in bodies_and_secrets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return codes


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_racing_posts_for_a_new_entity_make_exactly_one_submission(
    round_number, registry_token, other_registry_token
):
    import json

    npi_body = json.dumps(new_set_body("ia"))

    codes = race([(npi_body, TOKEN_SECRET), (npi_body, OTHER_TOKEN_SECRET)])

    assert sorted(codes) == [201, 201]
    submission = Submission.objects.get()
    assert MeasurementSet.objects.filter(submission=submission).count() == 2
