"""What production refuses: a guessable SECRET_KEY, or a phone gateway that sends nothing.

``qpp_portal.settings.production`` raises ImproperlyConfigured with these messages at
start-up; ``check_production_phone_gateway`` says the same as a system check. Nothing
here imports Django at import time, so the settings module can import it.
"""

import math
from collections import Counter

# Django's checks refuse keys shorter than this; so does the portal.
SECRET_KEY_MIN_LENGTH = 50
# Estimated from the key's own character frequencies: a Django-generated key has about
# 240 bits by this estimate, 64 random hex digits about 250; "a" * 50 has none.
SECRET_KEY_MIN_BITS = 200
# Gateways that only write messages somewhere a developer can read them.
NON_DELIVERING_GATEWAYS = {
    "accounts.gateways.console.ConsoleGateway",
    "accounts.gateways.locmem.LocmemGateway",
    "sandbox.gateway.SandboxGateway",
}


def estimated_bits(value):
    """Estimate the entropy of ``value`` in bits from its character frequencies."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_char * len(value)


def secret_key_problem(key, *, development_key=""):
    """Return why ``key`` cannot be production's SECRET_KEY, or "" if it can."""
    if not key or key == development_key or key.startswith("django-insecure"):
        return "Set SECRET_KEY to a random value for production."
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters."
    if estimated_bits(key) < SECRET_KEY_MIN_BITS:
        return (
            "SECRET_KEY is too predictable (repeated or few distinct characters). Generate "
            "one with: python -c 'from django.core.management.utils import "
            "get_random_secret_key as k; print(k())'"
        )
    return ""


def phone_gateway_problem(path):
    """Return why ``path`` cannot be production's PHONE_GATEWAY, or "" if it can."""
    if not path:
        return (
            "Set PHONE_GATEWAY to the dotted path of a gateway that really sends texts and calls."
        )
    if path in NON_DELIVERING_GATEWAYS:
        return (
            f"PHONE_GATEWAY {path} only writes messages (with their security codes) where "
            "developers read them; production needs a gateway that sends texts and calls."
        )
    return ""


def check_production_phone_gateway(app_configs, **kwargs):
    """Outside the sandbox (production), refuse a gateway that delivers nothing.

    Registered by ``qpp_portal.apps.PortalConfig.ready``.
    """
    from django.conf import settings
    from django.core.checks import Error

    if settings.SANDBOX_ENABLED:
        return []
    problem = phone_gateway_problem(settings.PHONE_GATEWAY)
    return [Error(problem, id="qpp_portal.E101")] if problem else []
