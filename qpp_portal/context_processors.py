from django.conf import settings

from qpp_portal import clock


def portal(request):
    """Values every page needs: sandbox mode and the idle timeout for the warning script."""
    return {
        "sandbox_enabled": settings.SANDBOX_ENABLED,
        # The banner of a moved sandbox clock (templates/base.html); None on real time.
        "simulated_now": clock.now() if clock.offset() else None,
        "session_idle_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        "session_warning_seconds": int(settings.SESSION_TIMEOUT_WARNING.total_seconds()),
    }
