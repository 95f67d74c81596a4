import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from proofing.models import ManualProofingCase, ProofingDocument

from .factories import (
    ELF_EXECUTABLE,
    JPEG,
    PDF,
    PNG,
    WINDOWS_EXECUTABLE,
    ManualProofingCaseFactory,
)

pytestmark = pytest.mark.django_db

MANUAL = reverse("proofing:manual")
STATUS = reverse("proofing:status")


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submission(**overrides):
    data = {
        "photo_id_type": "drivers_license",
        "photo_id": upload("licence.jpg", JPEG, "image/jpeg"),
        "statement_1": upload("bank.pdf", PDF),
        "statement_2": upload("utility.png", PNG, "image/png"),
        "address_confirmed": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_person_uploads_an_id_and_two_statements_and_waits_for_review(
    proofing_client, unverified, private_media, django_capture_on_commit_callbacks
):
    page = proofing_client.get(MANUAL)
    assert page.status_code == 200
    assert page.context["current_step"] == 4
    assert 'enctype="multipart/form-data"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = proofing_client.post(MANUAL, submission())
    assert response.status_code == 302
    assert response.url == STATUS
    unverified.refresh_from_db()
    assert unverified.identity_status == User.IdentityStatus.MANUAL_REVIEW
    case = ManualProofingCase.objects.get(user=unverified)
    stored = {d.slot: d for d in case.documents.all()}
    assert set(stored) == set(ProofingDocument.Slot.values)
    assert stored["photo_id"].content_type == "image/jpeg"
    files = sorted(p.name for p in (private_media / "proofing").iterdir())
    assert len(files) == 3
    assert not any(name.startswith(("licence", "bank", "utility")) for name in files)
    assert mail.outbox[0].to == [unverified.email]
    assert "received" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MANUAL_PROOFING_SUBMITTED).exists()
    status = proofing_client.get(STATUS)
    assert "Waiting for review" in status.content.decode()
    assert proofing_client.get(reverse("proofing:start")).url == STATUS
    assert proofing_client.get(MANUAL).url == STATUS


@pytest.mark.parametrize(
    "content", [WINDOWS_EXECUTABLE, ELF_EXECUTABLE, b"<html><script>alert(1)</script>"]
)
def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_whatever_its_name(
    proofing_client, unverified, content
):
    response = proofing_client.post(MANUAL, submission(photo_id=upload("id.pdf", content)))
    assert response.status_code == 200
    assert "is not a PDF, JPEG or PNG" in response.content.decode()
    assert not ManualProofingCase.objects.exists()
    assert not ProofingDocument.objects.filter(slot="photo_id").exists()
    unverified.refresh_from_db()
    assert unverified.identity_status == User.IdentityStatus.UNVERIFIED


def test_an_oversize_file_is_refused(proofing_client, settings):
    settings.PROOFING_UPLOAD_MAX_BYTES = 1024
    big = upload("statement.pdf", PDF + b"0" * 2048)
    response = proofing_client.post(MANUAL, submission(statement_1=big))
    assert response.status_code == 200
    assert "the largest accepted is 1.0\xa0KB" in response.content.decode()
    assert not ManualProofingCase.objects.exists()


def test_an_empty_file_is_refused(proofing_client):
    response = proofing_client.post(MANUAL, submission(statement_2=upload("empty.pdf", b"")))
    assert response.status_code == 200
    assert "This file is empty" in response.content.decode()
    assert not ManualProofingCase.objects.exists()


def test_a_missing_file_is_asked_for(proofing_client):
    response = proofing_client.post(MANUAL, submission(statement_2=None))
    assert response.status_code == 200
    assert "Choose a file to upload" in response.content.decode()


def test_type_is_judged_by_content_not_by_name(proofing_client, unverified):
    response = proofing_client.post(
        MANUAL, submission(statement_1=upload("statement.exe", PNG, "application/x-msdownload"))
    )
    assert response.status_code == 302
    document = ProofingDocument.objects.get(user=unverified, slot="statement_1")
    assert document.content_type == "image/png"
    assert document.stored_name.endswith(".png")


def test_files_that_passed_are_kept_when_another_is_refused(proofing_client, unverified):
    first = proofing_client.post(
        MANUAL, submission(statement_2=upload("bad.pdf", WINDOWS_EXECUTABLE))
    )
    assert first.status_code == 200
    assert "We kept 2 files" in first.content.decode()
    assert "We kept licence.jpg" in first.content.decode()
    second = proofing_client.post(
        MANUAL,
        submission(photo_id=None, statement_1=None, statement_2=upload("good.pdf", PDF)),
    )
    assert second.status_code == 302
    case = ManualProofingCase.objects.get(user=unverified)
    assert case.documents.count() == 3


def test_owner_downloads_their_document_as_an_attachment_and_it_is_audited(as_person):
    case = ManualProofingCaseFactory()
    document = case.documents.first()
    client = as_person(case.user)
    response = client.get(reverse("proofing:document", args=[document.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROOFING_DOCUMENT_VIEWED)
    assert (event.actor, event.subject) == (case.user, case.user)
    assert event.detail["document"] == str(document.public_id)


def test_a_person_cannot_download_another_persons_document(as_person, unverified):
    case = ManualProofingCaseFactory()
    document = case.documents.first()
    response = as_person(unverified).get(reverse("proofing:document", args=[document.public_id]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.PROOFING_DOCUMENT_VIEWED
    ).exists()


def test_signed_out_visitor_cannot_download_a_document(client):
    case = ManualProofingCaseFactory()
    document = case.documents.first()
    response = client.get(reverse("proofing:document", args=[document.public_id]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_documents_are_stored_outside_static_and_media(private_media, settings):
    case = ManualProofingCaseFactory()
    for document in case.documents.all():
        assert (private_media / "proofing" / document.stored_name).exists()
    assert str(private_media).startswith(str(settings.PRIVATE_MEDIA_ROOT))
