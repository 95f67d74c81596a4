from dataclasses import dataclass

from .base import PhoneGateway

# Tests read sent messages here, as they read email from django.core.mail.outbox.
outbox = []


@dataclass(frozen=True)
class PhoneMessage:
    channel: str  # "sms" or "voice"
    to: str
    message: str


class LocmemGateway(PhoneGateway):
    def send_text(self, *, to, message):
        outbox.append(PhoneMessage("sms", to, message))

    def place_call(self, *, to, message):
        outbox.append(PhoneMessage("voice", to, message))
