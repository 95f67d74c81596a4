"""Audit sign-in outcomes reported by django.contrib.auth and django-axes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEvent
from audit.services import record_event


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    record_event(action=AuditEvent.Action.SIGN_IN_SUCCEEDED, request=request, actor=user)


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(action=AuditEvent.Action.SIGNED_OUT, request=request, actor=user)


@receiver(user_login_failed)
def audit_sign_in_failure(sender, credentials, request=None, **kwargs):
    # Attach the event to the account only if it exists; never store the typed user ID
    # otherwise (it may be a password typed into the wrong box).
    username = credentials.get("username") or ""
    subject = get_user_model().objects.filter(username__iexact=username).first()
    record_event(
        action=AuditEvent.Action.SIGN_IN_FAILED,
        request=request,
        actor=None,
        subject=subject,
    )
