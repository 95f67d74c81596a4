from accounts.gateways.base import PhoneGateway

from .models import SandboxMessage


class SandboxGateway(PhoneGateway):
    """Keep text and voice messages for the Sandbox inbox instead of sending them."""

    def send_text(self, *, to, message):
        SandboxMessage.objects.create(
            channel=SandboxMessage.Channel.SMS, recipient=to, body=message
        )

    def place_call(self, *, to, message):
        SandboxMessage.objects.create(
            channel=SandboxMessage.Channel.VOICE, recipient=to, body=message
        )
