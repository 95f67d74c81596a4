"""Queue messages in the caller's transaction and deliver them from the task worker.

``queue_email`` / ``queue_text`` write a ``Message`` and enqueue ``tasks.deliver_message``
with its id. With the database task backend (production) both rows are written in the
caller's transaction: a rollback queues nothing, and once committed the message survives a
crash and waits for a worker. A backend that runs the task at once (the immediate backend
of development and tests) is enqueued when the transaction commits instead, so a rollback
sends nothing there either.

Delivery tries ``OUTBOX_MAX_ATTEMPTS`` times, waiting ``OUTBOX_RETRY_DELAY`` doubled after
each failure; then the message is marked failed, audited, and listed for the help desk
(``helpdesk:undelivered``), which can send it again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .context import deserialize, serialize
from .models import Message

logger = logging.getLogger(__name__)


def queue_email(*, template, to, context, user=None):
    """Queue ``templates/<app>/emails/<name>_*`` (``template`` is ``"<app>/<name>"``) to
    ``to``; return the ``Message``. Raise TypeError if the context cannot be queued."""
    return _queue(
        channel=Message.Channel.EMAIL,
        template=template,
        to=to,
        payload={"context": serialize(context)},
        user=user,
    )


def queue_text(*, template, to, body, user=None, voice=False):
    """Queue a text (or, with ``voice``, a call reading it) of the rendered ``body``."""
    channel = Message.Channel.VOICE if voice else Message.Channel.SMS
    return _queue(channel=channel, template=template, to=to, payload={"body": body}, user=user)


def _queue(*, channel, template, to, payload, user):
    user = user if getattr(user, "pk", None) else None
    # No savepoint inside the caller's transaction: the message stands or falls with it.
    with transaction.atomic(savepoint=False):
        message = Message.objects.create(
            channel=channel, template=template, recipient=to, payload=payload, user=user
        )
        enqueue_delivery(message)
    return message


def enqueue_delivery(message, *, delay=None):
    """Enqueue the delivery of ``message``, after ``delay`` where the backend can wait."""
    from django_tasks_db import DatabaseBackend

    from .tasks import deliver_message

    task = deliver_message
    backend = task.get_backend()
    if delay and backend.supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    if isinstance(backend, DatabaseBackend):
        # The queue row joins the caller's transaction: it commits or rolls back with it.
        task.enqueue(message.pk)
    else:
        transaction.on_commit(lambda: task.enqueue(message.pk))


def retry_delay(attempts):
    """The wait before the next try after ``attempts`` failed ones: doubling, capped."""
    base = settings.OUTBOX_RETRY_DELAY
    return min(base * 2 ** max(attempts - 1, 0), timedelta(hours=1))


def deliver(*, message_id):
    """Send the queued message ``message_id`` once; on failure retry later or mark it failed.

    Return the message's status. A message not queued (sent, failed, or sent meanwhile by
    another worker) is left alone. The row is locked while sending, so two workers never
    send one message twice."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Message.Status.QUEUED)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.last_attempt_at = timezone.now()
        try:
            _send(message)
        except Exception as error:  # noqa: BLE001 - any backend failure is retried, not raised
            failure = error
            message.last_error = type(error).__name__[:100]
            logger.warning(
                "Could not deliver %s message %s (try %s): %s",
                message.channel,
                message.template,
                message.attempts,
                message.last_error,
            )
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = Message.Status.FAILED
        else:
            failure = None
            message.status = Message.Status.SENT
            message.sent_at = message.last_attempt_at
            message.last_error = ""
            message.payload = {}  # codes and links stay only until they are delivered
        # Saved before the retry is enqueued: a backend that runs it at once must see this try.
        message.save(
            update_fields=[
                "attempts",
                "last_attempt_at",
                "status",
                "sent_at",
                "last_error",
                "payload",
            ]
        )
        if failure is not None and message.status == Message.Status.QUEUED:
            enqueue_delivery(message, delay=retry_delay(message.attempts))
        elif failure is not None:
            _audit_undelivered(message, failure)
    return message.status


def _send(message):
    if message.channel == Message.Channel.EMAIL:
        from accounts.messaging import render_templated_email

        app, name = message.template.split("/", 1)
        context = deserialize(message.payload["context"])
        render_templated_email(app=app, name=name, to=message.recipient, context=context).send()
        return
    from accounts.gateways import get_phone_gateway

    gateway = get_phone_gateway()
    if message.channel == Message.Channel.VOICE:
        gateway.place_call(to=message.recipient, message=message.payload["body"])
    else:
        gateway.send_text(to=message.recipient, message=message.payload["body"])


def _audit_undelivered(message, error):
    """Audit a message given up on: its template and the error's class, no address."""
    from audit.models import AuditEvent
    from audit.services import record_event

    record_event(
        action=AuditEvent.Action.MESSAGE_DELIVERY_FAILED,
        actor=None,
        subject=message.user,
        channel="email" if message.channel == Message.Channel.EMAIL else "sms",
        message=message.template,
        error=type(error).__name__,
    )


def retry_message(*, message, acting_user, request=None):
    """Queue a failed message again with fresh tries; return False if it is not failed."""
    from audit.models import AuditEvent
    from audit.services import record_event

    with transaction.atomic():
        locked = Message.objects.select_for_update().filter(pk=message.pk).first()
        if locked is None or locked.status != Message.Status.FAILED:
            return False
        locked.status = Message.Status.QUEUED
        locked.attempts = 0
        locked.save(update_fields=["status", "attempts"])
        record_event(
            action=AuditEvent.Action.MESSAGE_RETRIED,
            request=request,
            actor=acting_user,
            subject=locked.user,
            message=locked.template,
            outbox_message=locked.pk,
        )
        enqueue_delivery(locked)
    return True


def prune_sent_messages(*, now=None):
    """Delete sent messages older than ``OUTBOX_KEEP_SENT_DAYS``; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS)
    deleted, _ = Message.objects.filter(status=Message.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted
