"""Load the proofing backends named in ``settings.PROOFING_BACKENDS``."""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


@cache
def get_proofing_backends():
    """Return ``(dotted_path, instance)`` pairs in settings order (cached until it changes)."""
    return tuple((path, import_string(path)()) for path in settings.PROOFING_BACKENDS)


def load_backend(path):
    """Return the configured backend at ``path``; raise ImproperlyConfigured if not configured.

    An attempt started with a backend that has since been removed from settings must not
    be scored by code the deployment no longer trusts.
    """
    for configured_path, backend in get_proofing_backends():
        if configured_path == path:
            return backend
    raise ImproperlyConfigured(f"{path} is not in PROOFING_BACKENDS")


@receiver(setting_changed)
def _reset_proofing_backends(*, setting, **kwargs):
    if setting == "PROOFING_BACKENDS":
        get_proofing_backends.cache_clear()
