import time

from proofing.backends.base import ProofingUnavailable
from proofing.backends.simulated import SimulatedCreditBureau

from . import faults

#: How long the "slow bureau" fault holds each call.
SLOW_BUREAU_SECONDS = 4


class SandboxCreditBureau(SimulatedCreditBureau):
    """The simulated credit bureau, subject to the console's faults (unavailable, slow)."""

    def start(self, *, user):
        if user.ssn and faults.is_on("bureau_down"):
            raise ProofingUnavailable("Sandbox fault: the credit bureau is unavailable.")
        if user.ssn and faults.is_on("bureau_slow"):
            time.sleep(SLOW_BUREAU_SECONDS)
        return super().start(user=user)
