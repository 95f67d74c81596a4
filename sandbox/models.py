from django.conf import settings
from django.db import models


class SandboxMessage(models.Model):
    """A message the portal sent while in sandbox mode, kept so testers can read it."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        VOICE = "voice", "Voice call"

    channel = models.CharField(max_length=5, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A "delayed" fault (sandbox.faults) holds the message back until then (real time).
    available_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.recipient}"


class ConsoleAction(models.Model):
    """What a trainer did from the console (moved the clock, switched a fault, reset), so a
    class can see who changed the sandbox. Its Meta carries the trainer permission."""

    class Kind(models.TextChoices):
        CLOCK = "clock", "Clock moved"
        FAULTS = "faults", "Faults changed"
        RESET = "reset", "Sandbox reset"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("trainer", "Can use the trainer's console")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.detail}"


class PersonaSecret(models.Model):
    """A secret a persona's card shows (the registry persona's API token). Sandbox data
    only: in the portal a token is shown once and only its digest is kept."""

    username = models.CharField(max_length=150, unique=True)
    value = models.CharField(max_length=200)

    def __str__(self):
        return f"Secret of {self.username}"
