"""The Submissions API through real URLs: each endpoint's happy path, CMS's examples, merge
and replace, who sees what, authentication, rate limits and query counts."""

import copy
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from submissions.models import ApiToken, Measurement, MeasurementSet, Submission

from .conftest import OTHER_TOKEN_SECRET, TOKEN_SECRET, cms_example
from .factories import MeasurementFactory, MeasurementSetFactory, SubmissionFactory

API = "/api/submissions"
NPI = "1234567893"
TIN = "123456789"


# --- helpers shared by the other test_api files -----------------------------------------------


def bearer(secret=TOKEN_SECRET):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method, url, body=None, *, secret=TOKEN_SECRET, raw=None, **extra):
    """Call ``url`` with ``body`` as JSON (or ``raw`` bytes) and the registry's token."""
    headers = bearer(secret) if secret else {}
    if method == "get":
        return client.get(f"{API}{url}", **headers, **extra)
    data = raw if raw is not None else ("" if body is None else json.dumps(body))
    return getattr(client, method)(
        f"{API}{url}", data=data, content_type="application/json", **headers, **extra
    )


def identity_of(document):
    return {
        key: document[key]
        for key in (
            "entityType",
            "taxpayerIdentificationNumber",
            "nationalProviderIdentifier",
            "performanceYear",
        )
        if key in document
    }


def new_set_body(name="ia", index=0, **kwargs):
    """A POST /measurement-sets body: set ``index`` of CMS's example ``name`` with its
    submission object."""
    document = cms_example(name, npi=NPI, **kwargs)
    return {**document["measurementSets"][index], "submission": identity_of(document)}


def quality_with_ecqm_set():
    """CMS's quality example with measure 305 (eCQM only) moved to its own
    electronicHealthRecord set."""
    document = cms_example("quality", npi=NPI)
    registry_set = document["measurementSets"][0]
    ecqm = registry_set["measurements"].pop(0)
    document["measurementSets"].append(
        {
            **copy.deepcopy(registry_set),
            "submissionMethod": "electronicHealthRecord",
            "cehrtId": "0015C0123456789",
            "measurements": [ecqm],
        }
    )
    return document


def stored_state():
    """Everything the API could have changed, to compare before and after a refusal."""
    return (
        sorted(Submission.objects.values_list("id", "updated_at")),
        sorted(
            MeasurementSet.objects.values_list(
                "id", "category", "submission_method", "performance_start", "updated_at"
            )
        ),
        sorted(Measurement.objects.values_list("id", "measure_id", "value")),
    )


def assert_error(response, status, kind, path=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"type", "message", "details"}
    assert body["error"]["type"] == kind
    assert body["error"]["message"]
    for detail in body["error"]["details"]:
        assert set(detail) == {"message", "path"}
    if path is not None:
        assert path in [d["path"] for d in body["error"]["details"]], body
    return body["error"]


@pytest.fixture
def stored_set(client, registry_token):
    """The registry's IA set for Ada's NPI, posted through the API."""
    response = send(client, "post", "/measurement-sets", new_set_body("ia"))
    assert response.status_code == 201, response.content
    return MeasurementSet.objects.get(pk=response.json()["data"]["measurementSet"]["id"])


@pytest.fixture
def other_set(other_registry):
    """Another registry's set for the same clinician's submission."""
    submission = Submission.objects.get_or_create(
        entity_type="individual",
        taxpayer_identification_number=TIN,
        national_provider_identifier=NPI,
        performance_year=2024,
    )[0]
    measurement_set = MeasurementSetFactory(submission=submission, submitter=other_registry)
    MeasurementFactory(measurement_set=measurement_set, measure_id="IA_PM_2", value=True)
    return measurement_set


# --- measurement sets --------------------------------------------------------------------------


def test_cms_improvement_activities_example_is_created_with_201(client, registry_token):
    response = send(client, "post", "/measurement-sets", new_set_body("ia"))

    assert response.status_code == 201
    data = response.json()["data"]["measurementSet"]
    assert (data["category"], data["submissionMethod"], data["programName"]) == (
        "ia",
        "registry",
        "mips",
    )
    assert (data["performanceStart"], data["performanceEnd"]) == ("2024-01-01", "2024-06-01")
    assert sorted(m["measureId"] for m in data["measurements"]) == [
        "IA_EPA_1",
        "IA_EPA_4",
        "IA_PM_2",
        "IA_PSPA_4",
    ]
    assert all(m["value"] is True for m in data["measurements"])
    submission = Submission.objects.get()
    assert data["submissionId"] == str(submission.id)
    assert (submission.entity_type, submission.national_provider_identifier) == ("individual", NPI)


def test_cms_promoting_interoperability_example_is_created_with_computed_rates(
    client, registry_token
):
    response = send(client, "post", "/measurement-sets", new_set_body("aci"))

    assert response.status_code == 201
    data = response.json()["data"]["measurementSet"]
    assert data["category"] == "pi"
    assert data["cehrtId"] == "XX15CXXXXXXXXXX"
    values = {m["measureId"]: m["value"] for m in data["measurements"]}
    assert values["PI_EP_1"]["numerator"] == 49
    assert values["PI_EP_1"]["denominator"] == 115
    assert values["PI_PPHI_1"] is False
    assert MeasurementSet.objects.get().measurements.count() == 10


def test_created_set_reads_back_the_same_through_get(client, registry_token):
    created = send(client, "post", "/measurement-sets", new_set_body("aci")).json()["data"]

    read = send(client, "get", f"/measurement-sets/{created['measurementSet']['id']}")

    assert read.status_code == 200
    assert read.json()["data"] == created


def test_set_is_stored_with_the_registry_as_submitter_and_its_token(
    client, registry, registry_token
):
    send(client, "post", "/measurement-sets", new_set_body("ia"))

    measurement_set = MeasurementSet.objects.get()
    assert measurement_set.submitter == registry
    assert measurement_set.api_token == registry_token
    assert measurement_set.submitted_by is None


def test_cms_quality_example_is_refused_because_305_is_ecqm_only(client, registry_token):
    before = stored_state()

    response = send(client, "post", "/measurement-sets", new_set_body("quality"))

    error = assert_error(response, 400, "ValidationError", "$.measurements[0].measureId")
    assert "305" in error["details"][0]["message"]
    assert stored_state() == before


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_cms_quality_example_is_refused_by_validate_submission_in_every_year(client, year):
    document = cms_example("quality", npi=NPI, year=year)

    response = send(client, "post", "/public/validate-submission", document, secret=None)

    assert_error(
        response, 400, "ValidationError", "$.measurementSets[0].measurements[0].measureId"
    )


def test_quality_example_with_305_in_its_own_ecqm_set_is_accepted(client, registry_token):
    document = quality_with_ecqm_set()
    identity = identity_of(document)

    codes = [
        send(client, "post", "/measurement-sets", {**s, "submission": identity}).status_code
        for s in document["measurementSets"]
    ]

    assert codes == [201, 201]
    sets = MeasurementSet.objects.order_by("submission_method")
    assert [s.submission_method for s in sets] == ["electronicHealthRecord", "registry"]
    assert list(sets[0].measurements.values_list("measure_id", flat=True)) == ["305"]
    assert Submission.objects.count() == 1


def test_posting_the_same_kind_of_set_again_replaces_it(client, registry_token):
    first = send(client, "post", "/measurement-sets", new_set_body("ia")).json()["data"]
    again = new_set_body("ia")
    again["measurements"] = [{"measureId": "IA_PM_2", "value": True}]

    response = send(client, "post", "/measurement-sets", again)

    assert response.status_code == 200
    data = response.json()["data"]["measurementSet"]
    assert data["id"] == first["measurementSet"]["id"]
    assert [m["measureId"] for m in data["measurements"]] == ["IA_PM_2"]
    assert MeasurementSet.objects.count() == 1
    assert Measurement.objects.count() == 1


def test_another_registrys_set_of_the_same_kind_is_kept_apart_and_unseen(
    client, registry_token, other_registry_token
):
    mine = send(client, "post", "/measurement-sets", new_set_body("ia")).json()["data"]
    theirs = send(
        client, "post", "/measurement-sets", new_set_body("ia"), secret=OTHER_TOKEN_SECRET
    ).json()["data"]

    assert theirs["measurementSet"]["id"] != mine["measurementSet"]["id"]
    assert theirs["measurementSet"]["submissionId"] == mine["measurementSet"]["submissionId"]
    listed = send(client, "get", "/measurement-sets").json()["data"]
    assert [s["id"] for s in listed["measurementSets"]] == [mine["measurementSet"]["id"]]
    submission = send(client, "get", f"/submissions/{mine['measurementSet']['submissionId']}")
    sets = submission.json()["data"]["submission"]["measurementSets"]
    assert [s["id"] for s in sets] == [mine["measurementSet"]["id"]]


def test_measurement_sets_are_listed_with_total_and_paged(client, registry_token):
    send(client, "post", "/measurement-sets", new_set_body("ia"))
    send(client, "post", "/measurement-sets", new_set_body("aci"))

    everything = send(client, "get", "/measurement-sets").json()["data"]
    second = send(client, "get", "/measurement-sets?startIndex=1&itemsPerPage=1").json()["data"]

    assert everything["totalItems"] == 2
    assert len(everything["measurementSets"]) == 2
    assert (second["totalItems"], second["startIndex"], second["itemsPerPage"]) == (2, 1, 1)
    assert [s["id"] for s in second["measurementSets"]] == [everything["measurementSets"][1]["id"]]


def test_put_replaces_the_whole_set(client, stored_set):
    body = new_set_body("ia")
    del body["submission"]
    body["performanceEnd"] = "2024-12-31"
    body["measurements"] = [{"measureId": "IA_EPA_1", "value": True}]

    response = send(client, "put", f"/measurement-sets/{stored_set.id}", body)

    assert response.status_code == 200
    data = response.json()["data"]["measurementSet"]
    assert data["performanceEnd"] == "2024-12-31"
    assert [m["measureId"] for m in data["measurements"]] == ["IA_EPA_1"]
    stored_set.refresh_from_db()
    assert stored_set.performance_end.isoformat() == "2024-12-31"


def test_patch_changes_only_the_fields_given_and_merges_measurements(client, stored_set):
    body = {
        "performanceEnd": "2024-09-30",
        "measurements": [{"measureId": "IA_BE_4", "value": True}],
    }

    response = send(client, "patch", f"/measurement-sets/{stored_set.id}", body)

    assert response.status_code == 200, response.content
    data = response.json()["data"]["measurementSet"]
    assert (data["performanceStart"], data["performanceEnd"]) == ("2024-01-01", "2024-09-30")
    assert sorted(m["measureId"] for m in data["measurements"]) == [
        "IA_BE_4",
        "IA_EPA_1",
        "IA_EPA_4",
        "IA_PM_2",
        "IA_PSPA_4",
    ]


def test_delete_removes_the_set_and_answers_204(client, stored_set):
    response = send(client, "delete", f"/measurement-sets/{stored_set.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert not MeasurementSet.objects.exists()
    assert not Measurement.objects.exists()
    assert Submission.objects.count() == 1
    assert send(client, "get", f"/measurement-sets/{stored_set.id}").status_code == 404


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_another_registrys_set_is_not_found_and_unchanged(
    client, registry_token, other_set, method
):
    before = stored_state()
    body = {"performanceEnd": "2024-12-31", "measurements": []}

    response = send(client, method, f"/measurement-sets/{other_set.id}", body)

    assert_error(response, 404, "NotFoundError")
    assert stored_state() == before


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("bad_id", ["not-a-uuid", "1", "00000000-0000-0000-0000-000000000000"])
def test_a_malformed_or_unknown_set_id_is_not_found(client, stored_set, method, bad_id):
    before = stored_state()

    response = send(client, method, f"/measurement-sets/{bad_id}", {})

    assert_error(response, 404, "NotFoundError")
    assert stored_state() == before


def test_paths_answer_without_and_with_a_trailing_slash(client, stored_set):
    assert send(client, "get", "/measurement-sets").status_code == 200
    assert send(client, "get", "/measurement-sets/").status_code == 200
    assert send(client, "get", f"/measurement-sets/{stored_set.id}/").status_code == 200
    assert send(client, "get", f"/submissions/{stored_set.submission_id}/").status_code == 200


# --- submissions -------------------------------------------------------------------------------


def test_submissions_are_listed_with_only_your_sets(client, stored_set, other_set):
    response = send(client, "get", "/submissions")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["totalItems"] == 1
    (submission,) = data["submissions"]
    assert submission["id"] == str(stored_set.submission_id)
    assert (submission["entityType"], submission["nationalProviderIdentifier"]) == (
        "individual",
        NPI,
    )
    assert submission["taxpayerIdentificationNumber"] == TIN
    assert [s["id"] for s in submission["measurementSets"]] == [str(stored_set.id)]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        (f"nationalProviderIdentifier={NPI}", True),
        ("nationalProviderIdentifier=1111111112", False),
        ("entityType=individual", True),
        ("entityType=group", False),
        ("performanceYear=2024", True),
        ("performanceYear=2025", False),
    ],
)
def test_submissions_are_filtered_by_the_query(client, stored_set, query, found):
    data = send(client, "get", f"/submissions?{query}").json()["data"]

    assert data["totalItems"] == (1 if found else 0)


def test_the_tin_header_filters_submissions(client, stored_set):
    response = send(client, "get", "/submissions", HTTP_QPP_TAXPAYER_IDENTIFICATION_NUMBER=TIN)

    assert [s["id"] for s in response.json()["data"]["submissions"]] == [
        str(stored_set.submission_id)
    ]


def test_a_tin_you_have_no_sets_for_answers_a_submission_with_no_sets(
    client, registry_token, other_set
):
    response = send(client, "get", "/submissions", HTTP_QPP_TAXPAYER_IDENTIFICATION_NUMBER=TIN)

    assert response.status_code == 200
    (submission,) = response.json()["data"]["submissions"]
    assert submission["measurementSets"] == []
    assert submission["taxpayerIdentificationNumber"] == TIN
    # Another registry's submission for that TIN is not revealed.
    assert submission["id"] is None


def test_one_submission_is_answered_with_your_sets(client, stored_set, other_set):
    response = send(client, "get", f"/submissions/{stored_set.submission_id}")

    assert response.status_code == 200
    submission = response.json()["data"]["submission"]
    assert submission["id"] == str(stored_set.submission_id)
    assert [s["id"] for s in submission["measurementSets"]] == [str(stored_set.id)]


def test_a_submission_with_only_another_registrys_sets_is_not_found(
    client, registry_token, other_set
):
    response = send(client, "get", f"/submissions/{other_set.submission_id}")

    assert_error(response, 404, "NotFoundError")


def test_post_submissions_is_refused_with_401_pointing_to_measurement_sets(client, registry_token):
    before = stored_state()

    response = send(client, "post", "/submissions", cms_example("ia", npi=NPI))

    error = assert_error(response, 401, "UnauthorizedError")
    assert "POST /measurement-sets" in error["message"]
    assert stored_state() == before


def test_listing_submissions_takes_a_fixed_number_of_queries(
    client, registry, registry_token, django_assert_max_num_queries
):
    for n in range(5):
        submission = SubmissionFactory(taxpayer_identification_number=f"{200000000 + n}")
        for category in ("ia", "pi"):
            measurement_set = MeasurementSetFactory(
                submission=submission, submitter=registry, category=category
            )
            MeasurementFactory.create_batch(
                3, measurement_set=measurement_set, measure_id=factory_measure_ids()
            )

    # Token, its last use, the audit event, count, page, sets, measurements.
    with django_assert_max_num_queries(7):
        response = send(client, "get", "/submissions")

    assert response.json()["data"]["totalItems"] == 5


def factory_measure_ids():
    import factory

    return factory.Iterator(["IA_EPA_1", "IA_EPA_4", "IA_PM_2"])


# --- validation and scoring ---------------------------------------------------------------------


def test_validate_submission_needs_no_token_and_stores_nothing(client, db):
    document = quality_with_ecqm_set()

    response = send(client, "post", "/public/validate-submission", document, secret=None)

    assert response.status_code == 200
    submission = response.json()["data"]["submission"]
    assert submission["nationalProviderIdentifier"] == NPI
    methods = [s["submissionMethod"] for s in submission["measurementSets"]]
    assert methods == ["registry", "electronicHealthRecord"]
    measure_102 = submission["measurementSets"][0]["measurements"][0]
    assert measure_102["measureId"] == "102"
    assert "performanceRate" in measure_102["value"]
    assert not Submission.objects.exists()


def test_validate_submission_ignores_a_token_sent_along(client, db):
    response = send(
        client, "post", "/public/validate-submission", cms_example("ia", npi=NPI), secret="junk"
    )

    assert response.status_code == 200


def test_score_preview_scores_a_submission_without_storing_it(client, registry_token):
    response = send(client, "post", "/submissions/score-preview", cms_example("ia", npi=NPI))

    assert response.status_code == 200, response.content
    score = response.json()["data"]["score"]
    assert score["name"] == "total"
    assert isinstance(score["value"], int | float)
    assert "ia" in [part["name"] for part in score["parts"]]
    assert not Submission.objects.exists()


def test_score_preview_refuses_an_invalid_submission(client, registry_token):
    response = send(client, "post", "/submissions/score-preview", cms_example("quality", npi=NPI))

    assert_error(
        response, 400, "ValidationError", "$.measurementSets[0].measurements[0].measureId"
    )


def test_submission_score_counts_only_your_sets(client, stored_set, other_set):
    response = send(client, "get", f"/submissions/{stored_set.submission_id}/score")

    assert response.status_code == 200, response.content
    score = response.json()["data"]["score"]
    assert score["name"] == "total"
    assert [part["name"] for part in score["parts"]] == ["ia"]


def test_score_of_another_registrys_submission_is_not_found(client, registry_token, other_set):
    response = send(client, "get", f"/submissions/{other_set.submission_id}/score")

    assert_error(response, 404, "NotFoundError")


# --- authentication and limits ------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer qpp_garbage",
        "Bearer",
        f"Bearer {TOKEN_SECRET} extra",
        f"Token {TOKEN_SECRET}",
        "Bearer " + "x" * 500,
    ],
)
def test_requests_without_a_valid_token_are_unauthorized(client, registry_token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get(f"{API}/measurement-sets", **extra)

    assert_error(response, 401, "UnauthorizedError")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_unauthorized(client, registry_token):
    ApiToken.objects.filter(pk=registry_token.pk).update(revoked_at=timezone.now())
    before = stored_state()

    response = send(client, "post", "/measurement-sets", new_set_body("ia"))

    assert_error(response, 401, "UnauthorizedError")
    assert stored_state() == before


def test_a_signed_in_session_does_not_authenticate_the_api(
    client, registry_official, sign_in, registry_token
):
    sign_in(client, registry_official)

    response = client.get(f"{API}/measurement-sets")

    assert_error(response, 401, "UnauthorizedError")


def test_each_use_of_a_token_is_recorded(client, registry_token):
    send(client, "get", "/measurement-sets")

    registry_token.refresh_from_db()
    assert timezone.now() - registry_token.last_used_at < timedelta(minutes=1)
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_TOKEN_USED)
    assert event.actor is None
    assert event.detail["path"] == f"{API}/measurement-sets"


def test_a_token_over_the_rate_limit_gets_429_and_others_do_not(
    client, settings, registry_token, other_registry_token
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submissions_api": "3/m"}
    codes = [send(client, "get", "/measurement-sets").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    response = send(client, "get", "/measurement-sets")
    assert_error(response, 429, "TooManyRequestsError")
    assert int(response.headers["Retry-After"]) > 0
    assert send(client, "get", "/measurement-sets", secret=OTHER_TOKEN_SECRET).status_code == 200


def test_validate_submission_is_rate_limited_per_address(client, settings, db):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_api": "2/m"}
    document = cms_example("ia", npi=NPI)

    codes = [
        send(client, "post", "/public/validate-submission", document, secret=None).status_code
        for _ in range(3)
    ]

    assert codes == [200, 200, 429]


def test_an_unknown_path_is_not_found_in_the_error_shape(client, db):
    assert_error(client.get(f"{API}/nothing-here"), 404, "NotFoundError")
    assert_error(client.post(f"{API}/measurements/x/y"), 404, "NotFoundError")


def test_a_method_the_endpoint_lacks_is_405_in_the_error_shape(client, stored_set):
    response = send(client, "delete", "/measurement-sets")

    assert_error(response, 405, "MethodNotAllowedError")


def test_token_calls_need_no_csrf_token(registry_token):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = send(client, "post", "/measurement-sets", new_set_body("ia"))

    assert response.status_code == 201
