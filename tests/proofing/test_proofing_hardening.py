"""ASVS 12.1.1 (upload size before reading) and HARP's one account per person (SSN reuse)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from proofing.models import ManualProofingCase, ProofingAttempt, ProofingDocument
from proofing.selectors import manual_proofing_reason
from qpp_portal.uploads import UploadSizeLimitHandler
from tests.factories import UserFactory

from .factories import JPEG, PDF, PNG
from .support import answers, open_attempt

pytestmark = pytest.mark.django_db

MANUAL = reverse("proofing:manual")
START = reverse("proofing:start")
QUESTIONS = reverse("proofing:questions")


def documents(**overrides):
    data = {
        "photo_id_type": "drivers_license",
        "photo_id": SimpleUploadedFile("licence.jpg", JPEG, content_type="image/jpeg"),
        "statement_1": SimpleUploadedFile("bank.pdf", PDF, content_type="application/pdf"),
        "statement_2": SimpleUploadedFile("utility.png", PNG, content_type="image/png"),
        "address_confirmed": "on",
    }
    data.update(overrides)
    return data


# Upload size, refused before the upload is read


def test_a_60_mb_upload_is_refused_by_its_length_before_it_is_read(proofing_client):
    # The body really sent is small: had Django tried to read the 60 MB the header
    # announces, the test client's payload would have raised instead of a 413.
    response = proofing_client.post(MANUAL, documents(), CONTENT_LENGTH=str(60 * 1024 * 1024))
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not ProofingDocument.objects.exists()


def test_a_file_over_the_limit_is_refused_by_its_real_size_and_not_stored_whole(
    proofing_client, settings
):
    settings.UPLOAD_FILE_MAX_BYTES = settings.PROOFING_UPLOAD_MAX_BYTES = 4096
    big = SimpleUploadedFile("bank.pdf", PDF + b"0" * 20_000, content_type="application/pdf")
    response = proofing_client.post(MANUAL, documents(statement_1=big))
    assert response.status_code == 200
    assert "This file is 19.6\xa0KB; the largest accepted is 4.0\xa0KB" in (
        response.content.decode()
    )
    assert not ProofingDocument.objects.filter(slot="statement_1").exists()


def test_the_upload_handler_keeps_no_bytes_beyond_the_limit(settings):
    settings.UPLOAD_FILE_MAX_BYTES = 10
    handler = UploadSizeLimitHandler()
    handler.new_file("statement_1", "bank.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 8, 0) == b"x" * 8
    assert handler.receive_data_chunk(b"x" * 8, 8) is None
    stored = handler.file_complete(16)
    assert stored.size == 16
    assert stored.read() == b""


def test_a_file_within_the_limit_passes_to_the_next_handler(settings):
    handler = UploadSizeLimitHandler()
    handler.new_file("statement_1", "bank.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"%PDF-", 0) == b"%PDF-"
    assert handler.file_complete(5) is None


def test_request_body_cap_allows_the_three_largest_documents():
    from django.conf import settings

    assert settings.REQUEST_BODY_MAX_BYTES > 3 * settings.PROOFING_UPLOAD_MAX_BYTES
    assert settings.FILE_UPLOAD_HANDLERS[0] == "qpp_portal.uploads.UploadSizeLimitHandler"


# One account per SSN


def test_a_second_account_for_the_same_ssn_is_sent_to_the_help_desk(as_person):
    UserFactory(password__ssn="234567890")  # verified already
    second = UserFactory(unverified=True, password__ssn="234567890")
    assert manual_proofing_reason(second) == "ssn_in_use"
    response = as_person(second).get(START, follow=True)
    assert response.redirect_chain[-1][0] == MANUAL
    assert "each person may have one account" in response.content.decode()
    assert not ProofingAttempt.objects.filter(user=second).exists()


def test_the_manual_case_says_the_ssn_is_already_in_use(as_person, reviewer_client):
    UserFactory(password__ssn="234567890")
    second = UserFactory(unverified=True, password__ssn="234567890")
    as_person(second).post(MANUAL, documents())
    case = ManualProofingCase.objects.get(user=second)
    assert case.opened_because == ManualProofingCase.OpenedBecause.SSN_IN_USE
    page = reviewer_client.get(reverse("proofing:review_case", args=[case.pk]))
    assert "Another account already has this Social Security Number" in page.content.decode()


def test_an_unverified_account_with_the_same_ssn_does_not_block_remote_proofing():
    UserFactory(unverified=True, password__ssn="234567890")
    second = UserFactory(unverified=True, password__ssn="234567890")
    assert manual_proofing_reason(second) == ""


def test_an_ssn_taken_while_the_questions_were_answered_goes_to_manual_review(as_person):
    person = UserFactory(unverified=True, password__ssn="234567890")
    client = as_person(person)
    client.post(START)
    attempt = open_attempt(person)
    UserFactory(password__ssn="234567890")  # verified meanwhile, elsewhere
    response = client.post(QUESTIONS, answers(attempt))
    assert response.url == MANUAL
    person.refresh_from_db()
    assert person.identity_status == User.IdentityStatus.UNVERIFIED
    attempt.refresh_from_db()
    assert attempt.status == ProofingAttempt.Status.MANUAL_REVIEW
