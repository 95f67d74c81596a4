"""Render and send the portal's emails and phone messages from templates."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(*, app, name, to, context):
    """Send ``templates/<app>/emails/<name>_subject.txt`` + ``_body.txt`` to ``to``."""
    context = {"portal_name": "QPP Portal", **context}
    subject = " ".join(render_to_string(f"{app}/emails/{name}_subject.txt", context).split())
    body = render_to_string(f"{app}/emails/{name}_body.txt", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    message.send()


def render_phone_message(name, context, app="accounts"):
    return render_to_string(f"{app}/sms/{name}.txt", context).strip()
