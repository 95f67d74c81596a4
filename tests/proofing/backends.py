"""Backends that exist only for tests: they prove the seam works through settings alone."""

from proofing.backends.base import (
    Choice,
    Outcome,
    ProofingBackend,
    ProofingResult,
    ProofingStart,
    Question,
)


class AlwaysPassBackend(ProofingBackend):
    """Verify everyone at once, with no questions."""

    label = "Always pass (tests)"

    def start(self, *, user):
        return ProofingStart(result=ProofingResult(outcome=Outcome.VERIFIED))

    def score(self, *, user, state, answers):
        return ProofingResult(outcome=Outcome.VERIFIED)


class AlwaysManualBackend(ProofingBackend):
    """Send everyone to manual proofing."""

    label = "Always manual (tests)"

    def start(self, *, user):
        return ProofingStart(result=ProofingResult(outcome=Outcome.MANUAL_REVIEW))

    def score(self, *, user, state, answers):
        return ProofingResult(outcome=Outcome.MANUAL_REVIEW)


class DecliningBackend(ProofingBackend):
    """Decline everyone, so that the next configured backend is tried."""

    label = "Declines everyone (tests)"

    def start(self, *, user):
        return None

    def score(self, *, user, state, answers):
        raise AssertionError("a declining backend is never asked to score")


class OneQuestionBackend(ProofingBackend):
    """Ask one question whose right answer is "yes"; fail with the bureau's own reference."""

    label = "One question (tests)"

    def start(self, *, user):
        question = Question(
            key="only",
            prompt="Is this you?",
            choices=(Choice("c1", "Yes"), Choice("c2", "No")),
        )
        return ProofingStart(questions=(question,), state={"right": "c1"})

    def score(self, *, user, state, answers):
        if answers.get("only") == state["right"]:
            return ProofingResult(outcome=Outcome.VERIFIED, correct=1, total=1)
        return ProofingResult(outcome=Outcome.FAILED, reference="TEST0001", correct=0, total=1)


class NotABackend:
    pass
