"""Storing MIPS data: one submission per entity and year, sets merged as CMS's file-upload
client merges them, nothing half-written, and who may report for whom."""

import copy

import pytest

from audit.models import AuditEvent
from submissions import selectors, services
from submissions.models import ApiToken, Measurement, MeasurementSet, Submission
from submissions.validation import SubmissionInvalid
from tests.organizations.factories import ClinicianFactory, EnrolmentFactory

from .conftest import cms_example

NPI = "1234567893"


def stored():
    return (
        Submission.objects.count(),
        MeasurementSet.objects.count(),
        sorted(Measurement.objects.values_list("measure_id", flat=True)),
    )


@pytest.fixture
def ia_document():
    return cms_example("ia", npi=NPI)


def test_first_set_creates_the_submission(registry, ia_document):
    result = services.submit_measurement_sets(data=ia_document, submitter=registry)
    assert (result.created_count, result.replaced_count) == (1, 0)
    submission = Submission.objects.get()
    assert (submission.entity_type, submission.national_provider_identifier) == ("individual", NPI)


def test_same_category_method_and_program_from_the_same_submitter_is_replaced(
    registry, ia_document
):
    services.submit_measurement_sets(data=ia_document, submitter=registry)
    ia_document["measurementSets"][0]["measurements"] = [{"measureId": "IA_PM_2", "value": True}]
    result = services.submit_measurement_sets(data=ia_document, submitter=registry)
    assert (result.created_count, result.replaced_count) == (0, 1)
    assert stored() == (1, 1, ["IA_PM_2"])


def test_another_submission_method_is_a_set_of_its_own(registry, ia_document):
    services.submit_measurement_sets(data=ia_document, submitter=registry)
    ia_document["measurementSets"][0]["submissionMethod"] = "electronicHealthRecord"
    services.submit_measurement_sets(data=ia_document, submitter=registry)
    assert MeasurementSet.objects.count() == 2


def test_another_registry_adds_its_own_set_to_the_shared_submission(
    registry, other_registry, ia_document
):
    services.submit_measurement_sets(data=ia_document, submitter=registry)
    services.submit_measurement_sets(data=ia_document, submitter=other_registry)
    assert Submission.objects.count() == 1
    assert MeasurementSet.objects.count() == 2
    assert selectors.measurement_sets_visible_to(registry).count() == 1


def test_practice_sees_every_set_for_its_tin(registry, practice, enrolment):
    document = cms_example("ia", npi=enrolment.clinician.npi, tin=practice.tin)
    services.submit_measurement_sets(data=document, submitter=registry)
    group = copy.deepcopy(document)
    group.update(entityType="group", nationalProviderIdentifier=None)
    services.submit_measurement_sets(data=group, submitter=practice)
    assert selectors.measurement_sets_visible_to(practice).count() == 2
    assert selectors.submissions_visible_to(practice).count() == 2


def test_invalid_set_leaves_nothing_half_written(registry, ia_document):
    services.submit_measurement_sets(data=ia_document, submitter=registry)
    before = stored()
    broken = copy.deepcopy(ia_document)
    broken["measurementSets"].append(cms_example("aci", npi=NPI)["measurementSets"][0])
    broken["measurementSets"][0]["measurements"] = [{"measureId": "IA_PM_2", "value": True}]
    broken["measurementSets"][1]["cehrtId"] = "wrong"
    with pytest.raises(SubmissionInvalid):
        services.submit_measurement_sets(data=broken, submitter=registry)
    assert stored() == before


def test_failure_while_writing_rolls_back_every_set(registry, ia_document, monkeypatch):
    document = copy.deepcopy(ia_document)
    document["measurementSets"].append(cms_example("aci", npi=NPI)["measurementSets"][0])
    calls = []
    original = services._write_measurements

    def fail_on_second(measurement_set, measurements):
        calls.append(measurement_set)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        original(measurement_set, measurements)

    monkeypatch.setattr(services, "_write_measurements", fail_on_second)
    with pytest.raises(RuntimeError):
        services.submit_measurement_sets(data=document, submitter=registry)
    assert stored() == (0, 0, [])


def test_practice_cannot_report_for_another_tin(practice):
    document = cms_example("ia", tin="987654321")
    document.update(entityType="group", nationalProviderIdentifier=None)
    with pytest.raises(SubmissionInvalid) as caught:
        services.submit_measurement_sets(data=document, submitter=practice)
    assert [p.path for p in caught.value.problems] == ["$.taxpayerIdentificationNumber"]
    assert stored() == (0, 0, [])


def test_practice_reports_for_a_clinician_billing_under_its_tin(practice, enrolment):
    document = cms_example("ia", npi=enrolment.clinician.npi, tin=practice.tin)
    services.submit_measurement_sets(data=document, submitter=practice)
    assert Submission.objects.get().national_provider_identifier == enrolment.clinician.npi


def test_practice_cannot_report_for_a_clinician_of_another_practice(practice, enrolment):
    stranger = EnrolmentFactory(clinician=ClinicianFactory()).clinician
    document = cms_example("ia", npi=stranger.npi, tin=practice.tin)
    with pytest.raises(SubmissionInvalid) as caught:
        services.submit_measurement_sets(data=document, submitter=practice)
    assert [p.path for p in caught.value.problems] == ["$.nationalProviderIdentifier"]


def test_apm_entity_reports_for_itself_only(apm_entity):
    document = cms_example("ia")
    del document["taxpayerIdentificationNumber"], document["nationalProviderIdentifier"]
    document.update(entityType="apm", entityId="A9999")
    with pytest.raises(SubmissionInvalid):
        services.submit_measurement_sets(data=document, submitter=apm_entity)
    document["entityId"] = apm_entity.entity_id
    services.submit_measurement_sets(data=document, submitter=apm_entity)
    assert Submission.objects.get().entity_id == apm_entity.entity_id


def test_virtual_group_reports_for_itself_by_its_identifier(virtual_group):
    document = cms_example("ia")
    del document["taxpayerIdentificationNumber"], document["nationalProviderIdentifier"]
    document.update(entityType="virtualGroup", entityId="VG-99999")
    with pytest.raises(SubmissionInvalid) as caught:
        services.submit_measurement_sets(data=document, submitter=virtual_group)
    assert [p.path for p in caught.value.problems] == ["$.entityId"]
    document["entityId"] = "VG-12345"
    services.submit_measurement_sets(data=document, submitter=virtual_group)
    submission = Submission.objects.get()
    assert (submission.entity_type, submission.entity_id) == ("virtualGroup", "VG-12345")
    assert submission.taxpayer_identification_number == ""
    assert selectors.submissions_visible_to(virtual_group).get() == submission


def test_a_registry_submits_for_a_virtual_group_by_its_identifier(registry, virtual_group):
    document = cms_example("ia")
    del document["taxpayerIdentificationNumber"], document["nationalProviderIdentifier"]
    document.update(entityType="virtualGroup", entityId=virtual_group.virtual_group_id)
    services.submit_measurement_sets(data=document, submitter=registry)
    (visible,) = selectors.submissions_visible_to(virtual_group)
    assert visible.entity_id == "VG-12345" and len(visible.visible_sets) == 1


def test_saving_a_set_is_audited(registry, ia_document):
    services.submit_measurement_sets(data=ia_document, submitter=registry, via="upload")
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEASUREMENT_SET_SAVED)
    assert event.detail["via"] == "upload"
    assert event.detail["organization"] == registry.pk


def test_upload_accepts_cms_envelope(registry, registry_staff, ia_document):
    import json

    content = json.dumps({"data": {"submission": ia_document}}).encode()
    result = services.upload_submission_file(
        content=content, submitter=registry, uploaded_by=registry_staff, file_name="ia.json"
    )
    assert result.created_count == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMISSION_FILE_UPLOADED).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"{not json",
            "The file is not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2.",
        ),
        (b"\xff\xfe\x00", "The file is not UTF-8 text."),
        (b" " * (services.MAXIMUM_SUBMISSION_BYTES + 1), "The file is larger than 2 MB."),
    ],
)
def test_unreadable_upload_says_why(registry, registry_staff, content, message):
    with pytest.raises(SubmissionInvalid) as caught:
        services.upload_submission_file(
            content=content, submitter=registry, uploaded_by=registry_staff
        )
    assert [p.message for p in caught.value.problems] == [message]


def test_patch_merges_measurements_by_measure_id(registry, ia_document):
    saved = services.submit_measurement_sets(data=ia_document, submitter=registry).saved[0]
    services.update_measurement_set(
        measurement_set=saved.measurement_set,
        data={
            "measurements": [
                {"measureId": "IA_PM_2", "value": False},
                {"measureId": "IA_AHE_1", "value": True},
            ]
        },
        partial=True,
    )
    values = dict(Measurement.objects.values_list("measure_id", "value"))
    assert values == {
        "IA_EPA_4": True,
        "IA_PSPA_4": True,
        "IA_EPA_1": True,
        "IA_PM_2": False,
        "IA_AHE_1": True,
    }


def test_put_replaces_the_whole_set(registry, ia_document):
    saved = services.submit_measurement_sets(data=ia_document, submitter=registry).saved[0]
    replacement = copy.deepcopy(ia_document["measurementSets"][0])
    replacement["measurements"] = [{"measureId": "IA_AHE_1", "value": True}]
    services.update_measurement_set(
        measurement_set=saved.measurement_set, data=replacement, partial=False
    )
    assert stored() == (1, 1, ["IA_AHE_1"])


def test_invalid_patch_changes_nothing(registry, ia_document):
    saved = services.submit_measurement_sets(data=ia_document, submitter=registry).saved[0]
    before = stored()
    with pytest.raises(SubmissionInvalid):
        services.update_measurement_set(
            measurement_set=saved.measurement_set,
            data={"performanceEnd": "2030-01-01"},
            partial=True,
        )
    assert stored() == before


def test_token_secret_is_stored_only_as_a_digest(registry):
    token, secret = services.create_api_token(organization=registry, label="Vendor CI")
    assert secret.startswith("qpp_") and len(secret) > 40
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert selectors.get_active_token(secret) == token


def test_rotated_token_stops_working_and_its_successor_works(registry, registry_official):
    token, secret = services.create_api_token(organization=registry, label="Vendor CI")
    new, new_secret = services.rotate_api_token(token=token, acting_user=registry_official)
    assert selectors.get_active_token(secret) is None
    assert selectors.get_active_token(new_secret) == new
    token.refresh_from_db()
    assert token.replaced_by == new
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_TOKEN_ROTATED).count() == 1


def test_revoked_token_stops_working(registry, registry_official):
    token, secret = services.create_api_token(organization=registry, label="Vendor CI")
    services.revoke_api_token(token=token, acting_user=registry_official)
    assert selectors.get_active_token(secret) is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_TOKEN_REVOKED).count() == 1
