from datetime import timedelta

from django.utils import timezone

from accounts.gateways.base import GatewayError, PhoneGateway

from . import faults
from .models import SandboxMessage


def held_until(kind):
    """Return when a message of ``kind`` ("sms", "voice", "email") shows in the inbox."""
    current = faults.settings_now()
    if f"{kind}_delayed" in current["on"]:
        return timezone.now() + timedelta(minutes=int(current["delay_minutes"]))
    return None


class SandboxGateway(PhoneGateway):
    """Keep text and voice messages for the Sandbox inbox instead of sending them; refuse or
    hold them back while the console's delivery faults are on."""

    def _keep(self, channel, to, message):
        if faults.is_on(f"{channel}_failing"):
            raise GatewayError(f"Sandbox fault: {channel} delivery is failing.")
        SandboxMessage.objects.create(
            channel=channel, recipient=to, body=message, available_at=held_until(channel)
        )

    def send_text(self, *, to, message):
        self._keep(SandboxMessage.Channel.SMS, to, message)

    def place_call(self, *, to, message):
        self._keep(SandboxMessage.Channel.VOICE, to, message)
