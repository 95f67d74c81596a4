from .base import Outcome, ProofingBackend, ProofingResult, ProofingStart


class ManualDocumentReview(ProofingBackend):
    """Accept everyone and send them to upload documents for a help-desk reviewer.

    Put it last in PROOFING_BACKENDS: it is the path for people a remote backend
    declines, such as those who gave no SSN.
    """

    label = "Manual document review"

    def start(self, *, user):
        return ProofingStart(result=ProofingResult(outcome=Outcome.MANUAL_REVIEW))

    def score(self, *, user, state, answers):
        # Never asks questions; answer as start() did if called anyway.
        return ProofingResult(outcome=Outcome.MANUAL_REVIEW)
