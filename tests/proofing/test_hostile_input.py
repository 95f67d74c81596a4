"""Hostile input to every proofing form: a clear message, nothing entered lost, no 500."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proofing.models import ManualProofingCase, ProofingAttempt, ProofingDocument

from .factories import JPEG, PDF, ManualProofingCaseFactory
from .support import answers, open_attempt

pytestmark = pytest.mark.django_db

HOSTILE = {
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "sql": "1234'; DROP TABLE proofing_proofingattempt; --",
    "unicode": "\u202e١٢٣٤-５６７８ Ω≈ç√ 🙂 e\u0301",
    "too-long": "1234-5678-9012" * 40,
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_reference_form_refuses_hostile_input_clearly_and_keeps_it(proofing_client, value):
    response = proofing_client.post(reverse("proofing:enter_reference"), {"reference": value})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["reference"]
    content = response.content.decode()
    assert "usa-error-message" in content
    assert "<script>alert" not in content
    assert f'value="{html.escape(value)}"' in content


def test_too_long_reference_says_how_long_it_may_be(proofing_client):
    response = proofing_client.post(
        reverse("proofing:enter_reference"), {"reference": HOSTILE["too-long"]}
    )
    assert "at most 20 characters" in response.context["form"].errors["reference"][0]


def test_reference_with_a_null_character_is_refused(proofing_client):
    response = proofing_client.post(reverse("proofing:enter_reference"), {"reference": "12\x0034"})
    assert response.status_code == 200
    assert response.context["form"].errors["reference"]


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_quiz_refuses_a_forged_answer_and_keeps_the_others(proofing_client, unverified, value):
    proofing_client.post(reverse("proofing:start"))
    attempt = open_attempt(unverified)
    data = {**answers(attempt), "q3": value}
    response = proofing_client.post(reverse("proofing:questions"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["q3"] == ["Choose one of the answers listed."]
    assert response.context["form"]["q1"].value() == data["q1"]
    assert response.content.decode().count(" checked") == 4  # the other answers stay chosen
    attempt.refresh_from_db()
    assert attempt.status == ProofingAttempt.Status.IN_PROGRESS


def test_quiz_with_unanswered_questions_asks_for_them(proofing_client, unverified):
    proofing_client.post(reverse("proofing:start"))
    attempt = open_attempt(unverified)
    data = answers(attempt)
    del data["q2"]
    response = proofing_client.post(reverse("proofing:questions"), data)
    assert response.context["form"].errors["q2"] == ["Choose an answer to this question."]
    assert response.context["form"]["q1"].value() == data["q1"]


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_manual_form_refuses_a_hostile_id_type_and_keeps_the_files(
    proofing_client, unverified, value
):
    data = {
        "photo_id_type": value,
        "photo_id": SimpleUploadedFile("<b>id</b>.jpg", JPEG),
        "statement_1": SimpleUploadedFile("' OR 1=1.pdf", PDF),
        "statement_2": SimpleUploadedFile("🙂.pdf", PDF),
        "address_confirmed": "on",
    }
    response = proofing_client.post(reverse("proofing:manual"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["photo_id_type"]
    assert ProofingDocument.objects.filter(user=unverified, case__isnull=True).count() == 3
    assert "<b>id</b>" not in response.content.decode()
    assert not ManualProofingCase.objects.exists()
    retry = proofing_client.post(
        reverse("proofing:manual"), {"photo_id_type": "us_passport", "address_confirmed": "on"}
    )
    assert retry.status_code == 302


def test_a_very_long_file_name_is_shortened_not_refused(proofing_client, unverified):
    data = {
        "photo_id_type": "state_id",
        "photo_id": SimpleUploadedFile("a" * 200 + ".jpg", JPEG),
        "statement_1": SimpleUploadedFile("s1.pdf", PDF),
        "statement_2": SimpleUploadedFile("s2.pdf", PDF),
        "address_confirmed": "on",
    }
    assert proofing_client.post(reverse("proofing:manual"), data).status_code == 302
    document = ProofingDocument.objects.get(user=unverified, slot="photo_id")
    assert len(document.original_name) <= 100


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_review_decision_refuses_a_hostile_decision_and_keeps_the_reason(reviewer_client, value):
    case = ManualProofingCaseFactory()
    url = reverse("proofing:review_case", args=[case.pk])
    response = reviewer_client.post(url, {"decision": value, "reason": value})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["decision"] == ["Choose approve or reject."]
    assert form["reason"].value() == value
    assert "<script>alert" not in response.content.decode()


def test_review_reason_over_the_limit_is_refused_and_kept(reviewer_client):
    case = ManualProofingCaseFactory()
    reason = "x" * 1001
    response = reviewer_client.post(
        reverse("proofing:review_case", args=[case.pk]), {"decision": "reject", "reason": reason}
    )
    assert response.status_code == 200
    assert response.context["form"]["reason"].value() == reason


def test_hostile_rejection_reason_is_stored_as_text_and_escaped_on_the_page(
    reviewer_client, as_person
):
    case = ManualProofingCaseFactory()
    reason = HOSTILE["html"]
    reviewer_client.post(
        reverse("proofing:review_case", args=[case.pk]), {"decision": "reject", "reason": reason}
    )
    case.refresh_from_db()
    assert case.decision_reason == reason
    page = as_person(case.user).get(reverse("proofing:status"))
    assert html.escape(reason) in page.content.decode()
    assert reason not in page.content.decode()


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_reference_search_refuses_hostile_input_without_error(reviewer_client, value):
    response = reviewer_client.get(reverse("proofing:review_references"), {"reference": value})
    assert response.status_code == 200
    assert response.context["search"].errors["reference"]


@pytest.mark.parametrize("value", [*HOSTILE.values(), "999999999", "-1"])
def test_clearing_a_forged_attempt_says_so_without_error(reviewer_client, value):
    response = reviewer_client.post(
        reverse("proofing:review_references"), {"attempt": value}, follow=True
    )
    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()


def test_a_malformed_document_id_is_not_found(proofing_client):
    response = proofing_client.get("/proofing/documents/not-a-uuid/")
    assert response.status_code == 404
