from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.selectors import shows_help_desk_link
from qpp_portal import clock


def portal(request):
    """Values every page needs: sandbox mode, the idle timeout for the warning script and
    whether the header links to the help desk (asked only by pages that show it)."""
    return {
        # An error page drawn before AuthenticationMiddleware ran has no request.user.
        # Asked of the cache once however many times the page asks.
        "shows_help_desk_link": SimpleLazyObject(
            lambda: shows_help_desk_link(getattr(request, "user", None))
        ),
        "sandbox_enabled": settings.SANDBOX_ENABLED,
        # The banner of a moved sandbox clock (templates/base.html); None on real time.
        "simulated_now": clock.now() if clock.offset() else None,
        "session_idle_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        "session_warning_seconds": int(settings.SESSION_TIMEOUT_WARNING.total_seconds()),
    }
