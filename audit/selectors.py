from .models import AuditEvent


def recent_events_for_user(user, limit=50):
    """Return the newest security events about ``user``, for their own profile page."""
    return AuditEvent.objects.filter(subject=user).select_related("actor")[:limit]
