"""Turn a template context into JSON for the queue, and back, at sending time.

Rows travel as references (``{"__row__": "accounts.user", "pk": 7}``) and are read again
when the message is rendered, so the queue holds ids, not copies of personal data; dates
and times travel as ISO strings. Anything else that is not plain JSON is refused at once,
in the request that queues the message, rather than in the worker.
"""

import datetime

from django.apps import apps
from django.db import models

ROW, DATETIME, DATE = "__row__", "__datetime__", "__date__"


def serialize(value):
    """Return ``value`` as JSON-safe data; raise TypeError for what cannot travel."""
    if isinstance(value, models.Model):
        if value.pk is None:
            raise TypeError(f"An unsaved {type(value).__name__} cannot be queued.")
        return {ROW: value._meta.label_lower, "pk": value.pk}
    if isinstance(value, datetime.datetime):
        return {DATETIME: value.isoformat()}
    if isinstance(value, datetime.date):
        return {DATE: value.isoformat()}
    if isinstance(value, dict):
        return {str(key): serialize(item) for key, item in value.items()}
    if isinstance(value, list | tuple | models.QuerySet):
        return [serialize(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"A {type(value).__name__} cannot be queued in a message's context.")


def deserialize(value):
    """Return the context ``serialize`` made, rows read again (None if since deleted)."""
    if isinstance(value, dict):
        if ROW in value:
            model = apps.get_model(value[ROW])
            return model._default_manager.filter(pk=value["pk"]).first()
        if DATETIME in value:
            return datetime.datetime.fromisoformat(value[DATETIME])
        if DATE in value:
            return datetime.date.fromisoformat(value[DATE])
        return {key: deserialize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [deserialize(item) for item in value]
    return value
