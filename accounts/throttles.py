"""Sign-in failures counted per client address, apart from any one account.

django-axes locks an account after AXES_FAILURE_LIMIT failures for its User ID. Failures
from one address are counted here instead, in ``RATE_LIMITS["sign_in_address"]``: a higher
limit, in a short window, that no successful sign-in resets (so an attacker cannot clear it
with their own account) and that slows the address down without locking anyone's account
(so the office or proxy behind it is delayed, not locked out).
"""

from django.conf import settings
from django_ratelimit.core import get_usage

from qpp_portal.network import client_address

GROUP = "accounts.sign_in_address"


def _rate(group, request):
    return settings.RATE_LIMITS["sign_in_address"]


def _key(group, request):
    return client_address(request) or "unknown"


def _usage(request, *, increment):
    return get_usage(request, group=GROUP, key=_key, rate=_rate, increment=increment)


def address_slowed_down(request):
    """Say whether sign-ins from the request's address are refused for now."""
    usage = _usage(request, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def count_address_failure(request):
    """Count a failed sign-in from the request's address; return True if it reached the limit."""
    usage = _usage(request, increment=True)
    return usage is not None and usage["count"] == usage["limit"]


# Every code sent by text, call or email: per person and per destination.

CODE_SENDS_PER_PERSON = "accounts.code_sends.person"
CODE_SENDS_PER_DESTINATION = "accounts.code_sends.destination"


def _count(group, value, rate_name):
    # No request: the key is the value given, so services can count without one.
    usage = get_usage(
        None,
        group=group,
        key=lambda group, request: value,
        rate=settings.RATE_LIMITS[rate_name],
        increment=True,
    )
    return usage is None or usage["count"] <= usage["limit"]


def allow_code_send(*, user, destination):
    """Count one code about to go to ``destination`` (a phone number or email address) for
    ``user``; return False if ``RATE_LIMITS["send_code"]`` (per person) or
    ``RATE_LIMITS["send_code_destination"]`` (per destination, whoever asks) is used up."""
    person_ok = _count(CODE_SENDS_PER_PERSON, str(user.pk), "send_code")
    destination_ok = _count(
        CODE_SENDS_PER_DESTINATION, destination.strip().lower(), "send_code_destination"
    )
    return person_ok and destination_ok
