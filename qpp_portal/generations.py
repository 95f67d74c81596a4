"""Generations of cached data: what the shared cache keeps of some data is keyed by the
data's current *generation* token, and a change of the data starts a new one, so nothing is
read from before it (feedback.public_cache: CMS's data; submissions.selectors: an entity's
submitted data)."""

import uuid

from django.core.cache import cache
from django.db import transaction

_MISSING = object()


def current(key):
    """Return the generation token kept under ``key``, starting one if there is none."""
    generation = cache.get(key)
    if generation is None:
        cache.add(key, uuid.uuid4().hex, None)
        generation = cache.get(key)
    return generation


def start_new(keys):
    """Start a new generation under each of ``keys``: now, so the rest of this transaction
    reads afresh, and again when it commits, so what another request computed meanwhile
    from the data before the change is not kept."""

    def renew():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, None)

    renew()
    transaction.on_commit(renew, robust=True)


def cached(key, compute, seconds):
    """Return ``compute()`` (a picklable value), from the cache under ``key`` when it is
    there; keep it there ``seconds``."""
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, seconds)
    return value
