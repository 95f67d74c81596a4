"""Render and queue the portal's emails and phone messages from templates.

Each message is queued in the transaction of the change it reports (``outbox.services``):
a rollback sends nothing, a committed message survives a crash, and the worker sends it
with retries, so a failing mail server or phone gateway never fails the request. What
could not be sent after the retries is audited and listed for the help desk.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string, select_template


def render_templated_email(*, app, name, to, context):
    """Return ``templates/<app>/emails/<name>_subject.txt`` + ``_body.txt``, ready to send."""
    context = {"portal_name": "QPP Portal", **context}
    subject = " ".join(render_to_string(f"{app}/emails/{name}_subject.txt", context).split())
    body = render_to_string(f"{app}/emails/{name}_body.txt", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    # An HTML part beside the text: ``_body.html`` when the email has one, else the text
    # in the portal's HTML layout (templates/emails/layout.html), links made clickable.
    html = select_template([f"{app}/emails/{name}_body.html", "emails/layout.html"])
    message.attach_alternative(
        html.render({**context, "subject": subject, "text": body}), "text/html"
    )
    return message


def send_templated_email(*, app, name, to, context):
    """Queue one templated email in the current transaction (``outbox.services.queue_email``).

    Rows in ``context`` travel as ids and are read again when the email is rendered."""
    from outbox.services import queue_email

    user = context.get("user") or context.get("recipient")
    return queue_email(template=f"{app}/{name}", to=to, context=context, user=user)


def deliver_text(*, to, message, what, user=None, voice=False):
    """Queue a text (or a voice call) of the rendered ``message`` in the current transaction.

    The body may carry a one-time code: it is encrypted in the outbox row and cleared once
    sent (``outbox.models.Message``)."""
    from outbox.services import queue_text

    return queue_text(template=what, to=to, body=message, user=user, voice=voice)


def render_phone_message(name, context, app="accounts"):
    return render_to_string(f"{app}/sms/{name}.txt", context).strip()
