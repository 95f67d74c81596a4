"""Tasks of the outbox, run by ``manage.py db_worker`` (or at once by the immediate backend)."""

from django_tasks import task

from . import services


@task(queue_name="default")
def deliver_message(message_id):
    """Send one queued ``Message``; its retries are enqueued by ``services.deliver``."""
    return services.deliver(message_id=message_id)


@task()
def prune_sent_messages():
    """Daily: delete sent messages older than ``OUTBOX_KEEP_SENT_DAYS``."""
    return services.prune_sent_messages()
