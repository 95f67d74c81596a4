"""Pluggable delivery of text and voice messages, named in ``settings.PHONE_GATEWAY``."""

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


@cache
def get_phone_gateway():
    """Return the configured gateway instance (cached until the setting changes)."""
    return import_string(settings.PHONE_GATEWAY)()


@receiver(setting_changed)
def _reset_phone_gateway(*, setting, **kwargs):
    if setting == "PHONE_GATEWAY":
        get_phone_gateway.cache_clear()
