from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

from .gateway import held_until
from .models import SandboxMessage


class SandboxEmailBackend(ConsoleEmailBackend):
    """Print each email like the console backend and keep it for the Sandbox inbox."""

    def send_messages(self, email_messages):
        for message in email_messages:
            for recipient in message.recipients():
                SandboxMessage.objects.create(
                    channel=SandboxMessage.Channel.EMAIL,
                    recipient=recipient,
                    subject=str(message.subject)[:255],
                    body=message.body,
                    available_at=held_until("email"),
                )
        return super().send_messages(email_messages)
