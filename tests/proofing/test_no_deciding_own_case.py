"""A reviewer never decides their own manual proofing case or clears their own reference."""

import pytest
from django.urls import reverse

from proofing import services
from proofing.models import ManualProofingCase

from .factories import FailedAttemptFactory, ManualProofingCaseFactory

pytestmark = pytest.mark.django_db


def test_own_case_is_not_in_the_queue_and_its_page_offers_no_decision(reviewer_client, help_desk):
    case = ManualProofingCaseFactory(user=help_desk)
    url = reverse("proofing:review_case", args=[case.pk])
    assert url not in reviewer_client.get(reverse("proofing:review_queue")).content.decode()
    page = reviewer_client.get(url).content.decode()
    assert 'name="decision"' not in page
    reviewer_client.post(url, {"decision": "approve"})
    case.refresh_from_db()
    assert case.status == ManualProofingCase.Status.PENDING


def test_a_reviewer_cannot_clear_their_own_reference_number(help_desk):
    attempt = FailedAttemptFactory(user=help_desk)
    with pytest.raises(services.ProofingError):
        services.clear_reference(attempt=attempt, reviewer=help_desk)
    attempt.refresh_from_db()
    assert attempt.reference_cleared_at is None


def test_own_reference_is_not_offered_for_clearing(reviewer_client, help_desk):
    attempt = FailedAttemptFactory(user=help_desk)
    page = reviewer_client.get(reverse("proofing:review_references")).content.decode()
    assert f'value="{attempt.pk}"' not in page
