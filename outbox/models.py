from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedJSONField, EncryptedTextField


class Message(models.Model):
    """One email, text or voice call to deliver, written in the transaction that causes it.

    The task queue carries only this row's id. What is needed to render and send it (the
    template's context as references to rows, the link or code it must carry) is encrypted
    at rest in ``payload`` and cleared once the message is sent, so a code or reset link
    sits in the database only until it is delivered (or, undelivered, until it expires).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        VOICE = "voice", "Voice call"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    channel = models.CharField(max_length=5, choices=Channel.choices)
    # "<app>/<name>": templates/<app>/emails/<name>_* or templates/<app>/sms/<name>.txt.
    template = models.CharField(max_length=100)
    recipient = EncryptedTextField()
    payload = EncryptedJSONField(default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The class of the last error (never its message, which may quote the address).
    last_error = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="outbox_status_created")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.template} ({self.status})"
