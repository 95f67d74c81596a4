"""What a proofing backend is. Deployments name theirs in ``settings.PROOFING_BACKENDS``."""

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    MANUAL_REVIEW = "manual_review"


@dataclass(frozen=True)
class Choice:
    value: str  # opaque: must not reveal whether it is right
    label: str


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class ProofingResult:
    """How a check ended.

    ``reference`` is the number the person quotes when they call the bureau after a
    failure (the portal issues one if the backend gives none). ``correct`` and ``total``
    are the score, when there were questions. ``detail`` is evidence for reviewers: JSON,
    and never the person's answers, SSN or date of birth.
    """

    outcome: Outcome
    reference: str = ""
    correct: int | None = None
    total: int | None = None
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProofingStart:
    """The start of a check: either questions to ask, or a ``result`` at once."""

    questions: tuple[Question, ...] = ()
    state: dict = field(default_factory=dict)
    result: ProofingResult | None = None


class ProofingUnavailable(Exception):
    """The backend cannot be reached now (a bureau outage). The portal counts no try, keeps
    the person's profile and asks them to come back later."""


class ProofingBackend:
    """Prove that a person is who their profile says.

    Contract:

    - ``start(*, user)`` returns ``None`` to decline the person (the next backend in
      ``settings.PROOFING_BACKENDS`` is tried, as with AUTHENTICATION_BACKENDS), or a
      ``ProofingStart``: either ``questions`` with a JSON-serialisable ``state`` that the
      portal keeps on the server and hands back to ``score``, or a ``result`` at once.
      Choice values are opaque; question keys and choice values are unique.
    - ``score(*, user, state, answers)`` receives ``answers`` mapping every question key
      to the chosen value (an unknown value counts as wrong) and returns a
      ``ProofingResult``. It is called at most once per start.
    - Neither method changes the person's account: the portal records the outcome,
      audits it and completes verification. The time limit and the limit on failed
      attempts are the portal's (settings), not the backend's.
    - Nothing a backend returns may contain the SSN or date of birth.
    - ``start`` raises ``ProofingUnavailable`` when the service behind it is down.
    """

    #: Shown to reviewers beside each attempt.
    label = "Proofing backend"

    def start(self, *, user):
        raise NotImplementedError("ProofingBackend subclasses must implement start()")

    def score(self, *, user, state, answers):
        raise NotImplementedError("ProofingBackend subclasses must implement score()")
