import pytest

from roles.capabilities import Role
from roles.services import request_role, validate_first_security_official
from sandbox.why import decisions_for, mask_tail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_refused_group_npi_is_explained_with_the_numbers_masked(practice, trainer_client):
    practice.group_npi, practice.group_ptan = "1234567893", "GRP001"
    practice.save()
    person = UserFactory(username="gavin.group")
    membership = request_role(user=person, organization=practice, role=Role.SECURITY_OFFICIAL)
    validate_first_security_official(
        membership=membership, evidence={"npi": "1234567893", "ptan": "GRP001"}
    )
    [decision] = decisions_for(person)
    assert "group_identifier" in decision.what
    assert "group NPI" in decision.rule
    compared = dict(decision.compared)
    assert compared["NPI entered"] == "******7893"
    assert compared["Is a group NPI or PTAN"] == "yes"
    page = trainer_client.get("/sandbox/console/why/", {"user_id": "GAVIN.group"}).text
    assert "******7893" in page
    assert "1234567893" not in page


def test_a_lockout_and_a_failed_quiz_are_explained():
    from axes.models import AccessAttempt
    from django.utils import timezone

    from proofing.models import ProofingAttempt

    person = UserFactory()
    AccessAttempt.objects.create(
        username=person.username, failures_since_start=5, attempt_time=timezone.now()
    )
    ProofingAttempt.objects.create(
        user=person, backend="x", status="failed", correct_count=2, question_count=5
    )
    whats = [d.what for d in decisions_for(person)]
    assert "Sign-in locked" in whats
    assert any("Identity questions failed" in what for what in whats)


def test_an_unknown_user_id_is_said_beside_the_field(trainer_client):
    page = trainer_client.get("/sandbox/console/why/", {"user_id": "nobody.here"}).text
    assert "No account has this User ID." in page


def test_mask_tail_keeps_only_the_end():
    assert mask_tail("831671", 2) == "****71"
    assert mask_tail("12") == "**"
