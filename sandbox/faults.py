"""Vendor faults a trainer switches on from the console, kept in the default cache (like the
simulated clock, ``qpp_portal.clock``) so every thread and worker of the sandbox sees them.

Each fault is read where the sandbox stands in for a vendor: the credit bureau
(``sandbox.proofing.SandboxCreditBureau``), the phone gateway (``sandbox.gateway``), the
mail backend (``sandbox.mail``) and the slow-pages middleware (``sandbox.middleware``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

FAULTS_KEY = "sandbox:faults"


@dataclass(frozen=True)
class Fault:
    key: str
    label: str
    shows: str


FAULTS = [
    Fault(
        "bureau_down",
        "Credit bureau unavailable",
        "Starting the identity questions says the service is unavailable and to try again "
        "later; no try is counted and the profile is kept.",
    ),
    Fault(
        "bureau_slow",
        "Credit bureau slow",
        "Starting the identity questions takes several seconds longer.",
    ),
    Fault(
        "sms_failing",
        "Text messages fail",
        "Codes by text never arrive: the carrier refuses them, the outbox retries and the "
        "failure is audited for the help desk. The person uses another method or a backup code.",
    ),
    Fault(
        "sms_delayed",
        "Text messages delayed",
        "Texts reach the Sandbox inbox only after the delay below.",
    ),
    Fault(
        "voice_failing",
        "Voice calls fail",
        "Codes by voice call never arrive (as for texts).",
    ),
    Fault(
        "voice_delayed",
        "Voice calls delayed",
        "Calls reach the Sandbox inbox only after the delay below.",
    ),
    Fault(
        "email_delayed",
        "Email delayed",
        "Emails reach the Sandbox inbox only after the delay below.",
    ),
    Fault(
        "slow_pages",
        "System delays near deadlines",
        "The pages whose paths start with the prefixes below answer several seconds later, as "
        "the real portal does in the last days of a submission window.",
    ),
]
FAULT_KEYS = {fault.key for fault in FAULTS}
DEFAULTS = {"delay_minutes": 10, "slow_seconds": 3, "slow_paths": ["/submissions/"]}


def settings_now():
    """Return the current fault settings: ``{"on": set of keys, **DEFAULTS}``."""
    if not settings.SANDBOX_ENABLED:
        return {"on": set(), **DEFAULTS}
    stored = cache.get(FAULTS_KEY) or {}
    return {**DEFAULTS, **stored, "on": set(stored.get("on", ()))}


def is_on(key):
    return key in settings_now()["on"]


def save(*, on, delay_minutes=None, slow_seconds=None, slow_paths=None):
    """Store which faults are on and their figures."""
    unknown = set(on) - FAULT_KEYS
    if unknown:
        raise ValueError(f"Unknown faults: {sorted(unknown)}")
    current = settings_now()
    cache.set(
        FAULTS_KEY,
        {
            "on": sorted(on),
            "delay_minutes": current["delay_minutes"] if delay_minutes is None else delay_minutes,
            "slow_seconds": current["slow_seconds"] if slow_seconds is None else slow_seconds,
            "slow_paths": current["slow_paths"] if slow_paths is None else list(slow_paths),
        },
        timeout=None,
    )


def clear():
    cache.delete(FAULTS_KEY)
