"""The one clock domain code reads: real time plus, in the sandbox only, an offset a trainer
sets from the console (``sandbox.views.console``), so a simulated date reaches every rule at
once (request expiry, dormancy, reference number age, quiz time limit, exception and
opt-in deadlines, submission windows).

The offset lives in the default cache: shared by the threads of one runserver and the live
server of the browser tests, by every worker when the cache is Redis. Without
SANDBOX_ENABLED the offset is never read, so production always runs on real time.

Short security timers (codes, lockouts, sessions) stay on real time on purpose: moving the
date for a class must not sign the class out or void the code on its way.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

OFFSET_KEY = "sandbox:clock:offset-seconds"


def offset():
    """Return how far the simulated clock runs ahead of real time (zero outside the sandbox)."""
    if not settings.SANDBOX_ENABLED:
        return timedelta(0)
    return timedelta(seconds=cache.get(OFFSET_KEY, 0))


def now():
    """Return the current (possibly simulated) time, aware, like ``timezone.now()``."""
    return timezone.now() + offset()


def today():
    """Return the current (possibly simulated) date in the portal's time zone."""
    return timezone.localdate(now())


def set_offset(delta):
    """Make the clock run ``delta`` ahead of real time; refuse outside the sandbox or backwards."""
    if not settings.SANDBOX_ENABLED:
        raise RuntimeError("The simulated clock exists only in the sandbox.")
    if delta < timedelta(0):
        # Going back would make stored times lie in the future and undo nothing.
        raise ValueError("The simulated clock cannot run behind real time.")
    cache.set(OFFSET_KEY, int(delta.total_seconds()), timeout=None)


def reset():
    """Back to real time."""
    cache.delete(OFFSET_KEY)
