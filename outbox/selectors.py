from .models import Message


def undelivered_messages():
    """Return the messages given up on, newest first, with their people."""
    return Message.objects.filter(status=Message.Status.FAILED).select_related("user")


def get_undelivered_message(message_id):
    """Return failed message ``message_id``, or None if it is not (or no longer) failed."""
    return undelivered_messages().filter(pk=message_id).first()
