"""Bad input on every writing endpoint of the Submissions API: each is answered in the one
error shape with the path of the problem, and nothing stored changes."""

import io
import json

import pytest
from django.test import RequestFactory

from submissions import services
from submissions.api.parsers import RequestTooLarge, SubmissionJSONParser

from .conftest import TOKEN_SECRET, cms_example
from .test_api import NPI, assert_error, identity_of, quality_with_ecqm_set, send, stored_state

WHOLE_SUBMISSION = ["/public/validate-submission", "/submissions/score-preview"]


@pytest.fixture
def existing_set_id(client, registry_token):
    """The registry's stored quality set (the one PUT and PATCH will try to change)."""
    document = quality_with_ecqm_set()
    body = {**document["measurementSets"][0], "submission": identity_of(document)}
    response = send(client, "post", "/measurement-sets", body)
    assert response.status_code == 201, response.content
    return response.json()["data"]["measurementSet"]["id"]


@pytest.fixture(params=["create", "put", "patch", "validate", "score-preview"])
def endpoint(request, existing_set_id):
    """``(method, url, wrap)``: ``wrap(set_body)`` makes the endpoint's request body from a
    quality measurement set and returns it with the path prefix of that set in errors."""
    document = quality_with_ecqm_set()
    identity = identity_of(document)

    def whole(set_body):
        return {**identity, "measurementSets": [set_body]}, "$.measurementSets[0]"

    def one(set_body):
        return {**set_body, "submission": identity}, "$"

    def alone(set_body):
        return set_body, "$"

    return {
        "create": ("post", "/measurement-sets", one),
        "put": ("put", f"/measurement-sets/{existing_set_id}", alone),
        "patch": ("patch", f"/measurement-sets/{existing_set_id}", alone),
        "validate": ("post", "/public/validate-submission", whole),
        "score-preview": ("post", "/submissions/score-preview", whole),
    }[request.param]


def quality_set():
    return quality_with_ecqm_set()["measurementSets"][0]


def pi_set():
    return cms_example("aci", npi=NPI)["measurementSets"][0]


def _value(set_body, **changes):
    set_body["measurements"][0]["value"].update(changes)
    return set_body


BAD_SETS = {
    "wrong type": (
        lambda: _value(quality_set(), performanceMet="47"),
        ".measurements[0].value.performanceMet",
    ),
    "boolean for a count": (
        lambda: _value(quality_set(), eligiblePopulation=True),
        ".measurements[0].value.eligiblePopulation",
    ),
    "measurements not an array": (
        lambda: {**quality_set(), "measurements": {"102": 1}},
        ".measurements",
    ),
    "unknown measure": (
        lambda: {**quality_set(), "measurements": [{"measureId": "999999", "value": True}]},
        ".measurements[0].measureId",
    ),
    "performance met above the eligible population": (
        lambda: _value(quality_set(), performanceMet=600),
        ".measurements[0].value.performanceMet",
    ),
    "start outside the performance year": (
        lambda: {**quality_set(), "performanceStart": "2023-06-01"},
        ".performanceStart",
    ),
    "end outside the performance year": (
        lambda: {**quality_set(), "performanceEnd": "2025-01-31"},
        ".performanceEnd",
    ),
    "not a date": (
        lambda: {**quality_set(), "performanceStart": "01/01/2024"},
        ".performanceStart",
    ),
    "script tag as measure": (
        lambda: {
            **quality_set(),
            "measurements": [{"measureId": "<script>alert(1)</script>", "value": True}],
        },
        ".measurements[0].measureId",
    ),
    "sql in the program name": (
        lambda: {**quality_set(), "programName": "'; DROP TABLE submissions_submission; --"},
        ".programName",
    ),
    "null byte in a measure id": (
        lambda: {**quality_set(), "measurements": [{"measureId": "102\u0000", "value": True}]},
        ".measurements[0].measureId",
    ),
    "unicode in the cehrt id": (
        lambda: {**quality_set(), "cehrtId": "測定🙂\u0000\u202e0015C01234"},
        ".cehrtId",
    ),
    "hostile unknown field": (
        lambda: {**quality_set(), "<img src=x onerror=alert(1)>": "x"},
        ".<img src=x onerror=alert(1)>",
    ),
    "unknown category": (lambda: {**quality_set(), "category": "cost"}, ".category"),
}


@pytest.mark.parametrize("case", BAD_SETS, ids=str)
def test_bad_measurement_set_is_refused_with_its_path_and_nothing_changes(client, endpoint, case):
    method, url, wrap = endpoint
    make, suffix = BAD_SETS[case]
    body, prefix = wrap(make())
    before = stored_state()

    response = send(client, method, url, body)

    assert_error(response, 400, "ValidationError", prefix + suffix)
    assert stored_state() == before


@pytest.mark.parametrize("url", ["/measurement-sets", *WHOLE_SUBMISSION])
def test_wrong_strata_are_refused_with_the_stratum_path(client, registry_token, url):
    document = quality_with_ecqm_set()
    ecqm = document["measurementSets"][1]
    ecqm["measurements"][0]["value"]["strata"][0]["stratum"] = "bogus"
    if url == "/measurement-sets":
        body, prefix = {**ecqm, "submission": identity_of(document)}, "$"
    else:
        body, prefix = {**identity_of(document), "measurementSets": [ecqm]}, "$.measurementSets[0]"
    before = stored_state()

    response = send(client, "post", url, body)

    assert_error(
        response, 400, "ValidationError", f"{prefix}.measurements[0].value.strata[0].stratum"
    )
    assert stored_state() == before


@pytest.mark.parametrize("url", ["/measurement-sets", *WHOLE_SUBMISSION])
def test_numerator_above_denominator_is_refused(client, registry_token, url):
    document = cms_example("aci", npi=NPI)
    pi = document["measurementSets"][0]
    pi["measurements"][3]["value"] = {"numerator": 200, "denominator": 115}
    if url == "/measurement-sets":
        body, prefix = {**pi, "submission": identity_of(document)}, "$"
    else:
        body, prefix = document, "$.measurementSets[0]"

    response = send(client, "post", url, body)

    error = assert_error(response, 400, "ValidationError")
    paths = [d["path"] for d in error["details"]]
    assert any(p.startswith(f"{prefix}.measurements[3].value") for p in paths), paths


@pytest.mark.parametrize("raw", [b"{bad", b"[1, 2", b'{"a": NaN}', b"\xff\xfe", b'"unterminated'])
def test_malformed_json_is_a_validation_error_at_the_root(client, endpoint, raw):
    method, url, _ = endpoint
    before = stored_state()

    response = send(client, method, url, raw=raw)

    error = assert_error(response, 400, "ValidationError", "$")
    assert error["details"][0]["message"].startswith("The body is not")
    assert stored_state() == before


@pytest.mark.parametrize("body", [[], "text", 42, None])
def test_a_body_that_is_not_an_object_is_refused(client, endpoint, body):
    method, url, _ = endpoint
    before = stored_state()

    response = send(client, method, url, raw=json.dumps(body))

    assert_error(response, 400, "ValidationError", "$")
    assert stored_state() == before


def test_a_body_over_the_limit_is_refused_with_413(client, endpoint):
    method, url, wrap = endpoint
    body, _ = wrap(quality_set())
    body["padding"] = "x" * services.MAXIMUM_SUBMISSION_BYTES
    before = stored_state()

    response = send(client, method, url, body)

    assert_error(response, 413, "PayloadTooLargeError")
    assert stored_state() == before


def test_a_declared_length_over_the_limit_is_refused_before_reading(client, endpoint):
    method, url, _ = endpoint

    response = send(
        client, method, url, raw=b"{}", CONTENT_LENGTH=str(services.MAXIMUM_SUBMISSION_BYTES + 1)
    )

    assert_error(response, 413, "PayloadTooLargeError")


def test_the_parser_counts_the_bytes_it_reads_not_only_the_header():
    request = RequestFactory().post("/", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    stream = io.BytesIO(b"[" + b"1," * services.MAXIMUM_SUBMISSION_BYTES + b"1]")

    with pytest.raises(RequestTooLarge):
        SubmissionJSONParser().parse(stream, parser_context={"request": request})


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_refused_with_415(client, endpoint, content_type):
    method, url, wrap = endpoint
    body, _ = wrap(quality_set())
    before = stored_state()

    response = getattr(client, method)(
        f"/api/submissions{url}",
        data=json.dumps(body),
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {TOKEN_SECRET}",
    )

    assert_error(response, 415, "UnsupportedMediaTypeError")
    assert stored_state() == before


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("nationalProviderIdentifier=123", "$.nationalProviderIdentifier"),
        ("entityId=%3Cscript%3E", "$.entityId"),
        ("entityType=team", "$.entityType"),
        ("performanceYear=20x4", "$.performanceYear"),
        ("itemsPerPage=0", "$.itemsPerPage"),
        ("itemsPerPage=100000", "$.itemsPerPage"),
        ("startIndex=-1", "$.startIndex"),
    ],
)
def test_a_bad_query_on_submissions_is_a_validation_error(client, registry_token, query, path):
    response = send(client, "get", f"/submissions?{query}")

    assert_error(response, 400, "ValidationError", path)


def test_a_nul_in_the_query_is_refused_before_the_api(client, registry_token):
    # qpp_portal.request_guards.RejectNulBytesMiddleware answers this for the whole site,
    # in its own (not the API's) shape; PostgreSQL would refuse the NUL in a query.
    response = send(client, "get", "/submissions?nationalProviderIdentifier=%00")

    assert response.status_code == 400


def test_a_bad_tin_header_is_a_validation_error(client, registry_token):
    response = send(
        client, "get", "/submissions", HTTP_QPP_TAXPAYER_IDENTIFICATION_NUMBER="12-345'--"
    )

    assert_error(response, 400, "ValidationError", "$.qpp-taxpayer-identification-number")


def test_patch_cannot_move_a_set_to_another_submission(client, existing_set_id):
    before = stored_state()

    response = send(
        client,
        "patch",
        f"/measurement-sets/{existing_set_id}",
        {"submission": {"entityType": "group", "taxpayerIdentificationNumber": "987654321"}},
    )

    assert_error(response, 400, "ValidationError", "$.submission")
    assert stored_state() == before


def test_create_without_a_submission_object_names_it(client, registry_token):
    response = send(client, "post", "/measurement-sets", quality_set())

    assert_error(response, 400, "ValidationError", "$.submission")


def test_create_with_a_bad_identity_names_each_field(client, registry_token):
    body = {
        **quality_set(),
        "submission": {
            "entityType": "individual",
            "taxpayerIdentificationNumber": "12345",
            "nationalProviderIdentifier": "1234567890",
            "performanceYear": 1999,
        },
    }

    error = assert_error(send(client, "post", "/measurement-sets", body), 400, "ValidationError")

    paths = {d["path"] for d in error["details"]}
    assert {
        "$.submission.taxpayerIdentificationNumber",
        "$.submission.nationalProviderIdentifier",
        "$.submission.performanceYear",
    } <= paths


def test_a_nul_in_an_api_path_is_not_found_in_the_api_shape(client, registry_token):
    response = send(client, "get", "/measurement-sets/%00")

    assert_error(response, 404, "NotFoundError")


def test_a_body_declared_over_the_site_limit_is_refused_in_the_api_shape(
    client, registry_token, settings
):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    response = send(client, "post", "/measurement-sets", raw="{}" + " " * 1000)

    assert_error(response, 413, "PayloadTooLargeError")
