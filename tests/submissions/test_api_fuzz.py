"""A bounded schemathesis run against the Submissions API's own OpenAPI document: for each
operation, generated requests (with a valid registry token) must never answer 5xx, and
every answer must be a documented status with the documented content type and schema.

Deterministic (hypothesis derandomized) and small, so the file runs in well under a
minute and does not flake."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import TOKEN_SECRET
from .test_api import API, new_set_body, send

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def same_connection(seeded):
    """Keep the test's database connection (and its transaction) across the app's requests,
    as Django's test client does: the WSGI handler would close it after each request. (After
    ``seeded``: the test client connects the handlers again after each of its requests.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(client, settings, registry_token):
    """A stored set of the registry (so lists are not empty) and no rate limit in the way."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "submissions_api": "100000/m",
        "public_api": "100000/m",
    }
    assert send(client, "post", "/measurement-sets", new_set_body("ia")).status_code == 201


# Loaded once at collection, through the app itself (the document needs no database).
# (schemathesis.pytest.from_fixture would load it per test, but breaks on pytest 9.)
schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", get_wsgi_application())


@schema.parametrize()
@hypothesis_settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_generated_request_as_documented(case, same_connection):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN_SECRET}"}, checks=CHECKS)
