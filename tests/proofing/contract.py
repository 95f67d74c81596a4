"""The contract every proofing backend passes: subclass it once per backend."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.models import User
from proofing.backends.base import Outcome, ProofingBackend, ProofingResult, ProofingStart
from proofing.models import ProofingAttempt
from tests.factories import UserFactory

SSN = "123456789"


@pytest.mark.django_db
class ProofingBackendContract:
    backend_path = ""

    @pytest.fixture
    def backend(self):
        return import_string(self.backend_path)()

    @pytest.fixture
    def candidate(self):
        return UserFactory(unverified=True, password__ssn=SSN)

    def first_choices(self, begun):
        return {q.key: q.choices[0].value for q in begun.questions}

    def test_is_a_proofing_backend_with_a_label(self, backend):
        assert isinstance(backend, ProofingBackend)
        assert backend.label and backend.label != ProofingBackend.label

    def test_start_declines_or_returns_questions_or_a_result(self, backend, candidate):
        begun = backend.start(user=candidate)
        if begun is None:
            return
        assert isinstance(begun, ProofingStart)
        assert bool(begun.questions) != (begun.result is not None)
        if begun.result is not None:
            assert isinstance(begun.result, ProofingResult)
            assert begun.result.outcome in set(Outcome)

    def test_questions_have_unique_keys_and_unique_opaque_choices(self, backend, candidate):
        begun = backend.start(user=candidate)
        if begun is None or not begun.questions:
            return
        keys = [q.key for q in begun.questions]
        assert len(keys) == len(set(keys))
        for question in begun.questions:
            assert question.prompt
            values = [c.value for c in question.choices]
            assert len(question.choices) >= 2
            assert len(values) == len(set(values))
            for choice in question.choices:
                assert choice.label not in choice.value

    def test_state_is_json_for_the_server_to_keep(self, backend, candidate):
        begun = backend.start(user=candidate)
        if begun is not None:
            json.dumps(begun.state)

    def test_scoring_returns_a_known_outcome_with_json_evidence(self, backend, candidate):
        begun = backend.start(user=candidate)
        if begun is None or not begun.questions:
            return
        result = backend.score(
            user=candidate, state=begun.state, answers=self.first_choices(begun)
        )
        assert isinstance(result, ProofingResult)
        assert result.outcome in set(Outcome)
        json.dumps(result.detail)
        assert isinstance(result.reference, str)

    def test_unknown_answers_count_as_wrong_without_raising(self, backend, candidate):
        begun = backend.start(user=candidate)
        if begun is None or not begun.questions:
            return
        hostile = {q.key: "<script>' OR 1=1 --" for q in begun.questions}
        result = backend.score(user=candidate, state=begun.state, answers=hostile)
        assert result.outcome in set(Outcome)
        assert result.outcome != Outcome.VERIFIED or not begun.questions

    def test_nothing_returned_holds_the_ssn_or_date_of_birth(self, backend, candidate):
        begun = backend.start(user=candidate)
        if begun is None:
            return
        dumped = json.dumps(
            [
                begun.state,
                [[q.prompt, [[c.value, c.label] for c in q.choices]] for q in begun.questions],
            ]
        )
        if begun.questions:
            result = backend.score(
                user=candidate, state=begun.state, answers=self.first_choices(begun)
            )
            dumped += json.dumps([result.reference, result.detail])
        assert SSN not in dumped
        assert "1980-04-28" not in dumped and "04/28/1980" not in dumped

    def test_start_and_score_leave_the_account_unchanged(self, backend, candidate):
        begun = backend.start(user=candidate)
        if begun is not None and begun.questions:
            backend.score(user=candidate, state=begun.state, answers=self.first_choices(begun))
        candidate.refresh_from_db()
        assert candidate.identity_status == User.IdentityStatus.UNVERIFIED

    def test_works_through_the_portal_when_configured_in_settings(self, client, candidate):
        with override_settings(PROOFING_BACKENDS=[self.backend_path]):
            client.force_login(candidate, backend="accounts.backends.AccountBackend")
            response = client.post(reverse("proofing:start"))
        assert response.status_code == 302
        attempt = ProofingAttempt.objects.filter(user=candidate).first()
        if attempt is not None:
            assert attempt.backend in (self.backend_path, "")
