from django.conf import settings


def portal(request):
    """Values every page needs: sandbox mode and the idle timeout for the warning script."""
    return {
        "sandbox_enabled": settings.SANDBOX_ENABLED,
        "session_idle_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        "session_warning_seconds": int(settings.SESSION_TIMEOUT_WARNING.total_seconds()),
    }
