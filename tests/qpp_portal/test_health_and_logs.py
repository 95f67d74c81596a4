"""/health/ for load balancers, request ids and JSON logs."""

import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from qpp_portal.logging import JsonFormatter, RequestIdFilter, request_id_var

pytestmark = pytest.mark.django_db(transaction=True)


def test_health_answers_200_without_sign_in_when_everything_works(client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    response = client.get(reverse("health"), headers={"accept": "application/json"})
    assert response.status_code == 200
    assert "Database" in response.content.decode()


def test_health_answers_503_when_the_database_is_down(client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self):
        raise OperationalError("connection refused")

    with mock.patch.object(BaseDatabaseWrapper, "temporary_connection", refuse):
        response = client.get(reverse("health"), headers={"accept": "application/json"})
    assert response.status_code == 503


def test_every_response_carries_a_request_id_and_a_plausible_one_is_kept(client):
    made = client.get(reverse("accounts:sign_in"))
    kept = client.get(reverse("accounts:sign_in"), headers={"x-request-id": "lb-1234abcd"})
    refused = client.get(reverse("accounts:sign_in"), headers={"x-request-id": "<script>"})
    assert len(made["X-Request-ID"]) == 32
    assert kept["X-Request-ID"] == "lb-1234abcd"
    assert refused["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_the_request_id_and_only_the_message():
    record = logging.LogRecord(
        "outbox", logging.WARNING, __file__, 1, "Could not %s", ("x",), None
    )
    token = request_id_var.set("abc12345")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc12345"
    assert line["message"] == "Could not x"
    assert set(line) == {"time", "level", "logger", "message", "request_id"}
