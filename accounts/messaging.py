"""Render and send the portal's emails and phone messages from templates.

Delivery happens after the change it reports is committed (``transaction.on_commit``), so
a failure to deliver cannot undo that change and must not turn the response into an
error page: ``deliver_email`` and ``deliver_text`` log and audit the failure instead.
A later issue moves delivery to a background worker that retries.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def render_templated_email(*, app, name, to, context):
    """Return ``templates/<app>/emails/<name>_subject.txt`` + ``_body.txt``, ready to send."""
    context = {"portal_name": "QPP Portal", **context}
    subject = " ".join(render_to_string(f"{app}/emails/{name}_subject.txt", context).split())
    body = render_to_string(f"{app}/emails/{name}_body.txt", context)
    return EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def send_templated_email(*, app, name, to, context):
    """Render and send one templated email; a delivery failure is logged, never raised."""
    message = render_templated_email(app=app, name=name, to=to, context=context)
    deliver_email(message, what=f"{app}/{name}", user=context.get("user"))


def deliver_email(message, *, what, user=None):
    """Send ``message``; on failure log and audit it (``what`` names the template) and go on."""
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any backend failure must not fail the request
        delivery_failed(channel="email", what=what, user=user, error=error)
        return False
    return True


def deliver_text(*, to, message, what, user=None):
    """Send a text through ``settings.PHONE_GATEWAY``; on failure log and audit it and go on."""
    from .gateways import get_phone_gateway

    try:
        get_phone_gateway().send_text(to=to, message=message)
    except Exception as error:  # noqa: BLE001 - any gateway failure must not fail the request
        delivery_failed(channel="sms", what=what, user=user, error=error)
        return False
    return True


def delivery_failed(*, channel, what, user, error):
    """Log and audit an undelivered message: its template and the error's class, no address."""
    from audit.models import AuditEvent
    from audit.services import record_event

    logger.warning("Could not deliver %s message %s: %s", channel, what, type(error).__name__)
    subject = user if getattr(user, "pk", None) else None
    record_event(
        action=AuditEvent.Action.MESSAGE_DELIVERY_FAILED,
        actor=None,
        subject=subject,
        channel=channel,
        message=what,
        error=type(error).__name__,
    )


def render_phone_message(name, context, app="accounts"):
    return render_to_string(f"{app}/sms/{name}.txt", context).strip()
