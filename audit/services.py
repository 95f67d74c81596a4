from .models import AuditEvent


def client_address(request):
    """Return the client's address as the server saw it (proxies set REMOTE_ADDR upstream)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(*, action, request=None, actor=None, subject=None, **detail):
    """Write one audit event. ``detail`` must hold no personal or secret data."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        subject=subject if subject is not None else actor,
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        detail=detail,
    )
