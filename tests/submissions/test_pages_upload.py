"""Upload a submission file: a registry's Staff User or Security Official sends a QPP
JSON file; every problem is listed with its path; nothing is stored unless all is right."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from submissions.models import MeasurementSet, Submission
from tests.organizations.factories import valid_npi

from .conftest import cms_example

pytestmark = pytest.mark.django_db

NPI = valid_npi("123456789")


@pytest.fixture
def staff_client(client, sign_in, registry_staff):
    return sign_in(client, registry_staff)


def upload(client, registry, content, name="submission.json"):
    return client.post(
        reverse("submissions:upload", args=[registry.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/json")},
    )


def as_file(document):
    return json.dumps(document).encode()


def test_cms_ia_example_is_stored_and_links_to_its_preliminary_score(
    staff_client, registry, registry_staff
):
    response = upload(staff_client, registry, as_file(cms_example("ia", year=2024, npi=NPI)))
    html = response.content.decode()
    assert response.status_code == 200
    submission = Submission.objects.get()
    assert submission.national_provider_identifier == NPI
    measurement_set = MeasurementSet.objects.get()
    assert measurement_set.submitter == registry
    assert measurement_set.submitted_by == registry_staff
    assert measurement_set.measurements.count() == 4
    assert "submission.json is saved" in html
    assert "1 measurement set created, 0 replaced" in html
    assert reverse("submissions:scoring_detail", args=[registry.pk, submission.pk]) in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMISSION_FILE_UPLOADED).exists()


def test_uploading_the_same_file_again_replaces_the_set(staff_client, registry):
    content = as_file(cms_example("ia", year=2024, npi=NPI))
    upload(staff_client, registry, content)
    html = upload(staff_client, registry, content).content.decode()
    assert "0 measurement sets created, 1 replaced" in html
    assert "Replaced your earlier set" in html
    assert MeasurementSet.objects.count() == 1


def test_the_preliminary_score_of_the_upload_is_shown(staff_client, registry):
    upload(staff_client, registry, as_file(cms_example("ia", year=2024, npi=NPI)))
    submission = Submission.objects.get()
    response = staff_client.get(
        reverse("submissions:scoring_detail", args=[registry.pk, submission.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preliminary final score" in html
    assert "IA_PM_2" in html
    assert "Improvement Activities" in html
    listing = staff_client.get(reverse("submissions:scoring", args=[registry.pk]) + "?year=2024")
    assert f"NPI {NPI}" in listing.content.decode()


def test_malformed_json_is_refused_with_where_it_breaks(staff_client, registry):
    response = upload(staff_client, registry, b'{"entityType": "group",', name="broken.json")
    html = response.content.decode()
    assert "broken.json has 1 problem" in html
    assert "not valid JSON" in html
    assert "line 1" in html
    assert not Submission.objects.exists()


def test_a_file_over_2_mb_is_refused_unread(staff_client, registry):
    content = b" " * (2 * 1024 * 1024 + 1)
    response = upload(staff_client, registry, content, name="huge.json")
    assert "larger than 2 MB" in response.content.decode()
    assert not Submission.objects.exists()


def test_an_empty_form_says_to_choose_a_file(staff_client, registry):
    response = staff_client.post(reverse("submissions:upload", args=[registry.pk]), {})
    html = response.content.decode()
    assert "Choose a submission file." in html
    assert 'id="id_file_error"' in html


def test_an_empty_file_is_refused(staff_client, registry):
    assert "The file is empty." in upload(staff_client, registry, b"").content.decode()


def test_a_file_with_many_errors_lists_every_one_with_its_path(staff_client, registry):
    document = cms_example("ia", year=2024, npi=NPI)
    document["performanceYear"] = 1999
    document["taxpayerIdentificationNumber"] = "12345"
    measurement_set = document["measurementSets"][0]
    measurement_set["performanceStart"] = "not a date"
    measurement_set["measurements"][0]["value"] = "yes"
    measurement_set["measurements"][1]["measureId"] = "IA_NOPE"
    measurement_set["colour"] = "blue"
    response = upload(staff_client, registry, as_file(document), name="many.json")
    html = response.content.decode()
    paths = [
        "$.performanceYear",
        "$.taxpayerIdentificationNumber",
        "$.measurementSets[0].colour",
        "$.measurementSets[0].performanceStart",
    ]
    for path in paths:
        assert f'<code class="text-normal text-wrap">{path}</code>' in html
    assert html.count('data-label="Where in the file"') >= len(paths)
    assert "Problems in many.json" in html
    assert not Submission.objects.exists()


def test_hostile_text_in_a_file_is_shown_escaped(staff_client, registry):
    document = cms_example("ia", year=2024, npi=NPI)
    document["measurementSets"][0]["measurements"][0]["measureId"] = "<script>alert(1)</script>"
    document["measurementSets"][0]["<img src=x onerror=alert(1)>"] = 1
    html = upload(
        staff_client, registry, as_file(document), name="<script>alert(1)</script>.json"
    ).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert not Submission.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(staff_client, registry):
    response = upload(staff_client, registry, '{"a": "é"}'.encode("latin-1"))
    assert "not UTF-8" in response.content.decode()


def test_a_null_byte_in_the_file_is_a_json_problem(staff_client, registry):
    response = upload(staff_client, registry, b'{"entityType": "gro\x00up"}')
    assert "problem" in response.content.decode()
    assert not Submission.objects.exists()


def test_practice_staff_cannot_upload(client, sign_in, practice_staff, practice):
    sign_in(client, practice_staff)
    response = upload(client, practice, as_file(cms_example("ia", year=2024, npi=NPI)))
    assert response.status_code == 403
    assert not Submission.objects.exists()
