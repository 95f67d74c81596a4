from .models import AuditEvent


def client_address(request):
    """Return the client's address (``qpp_portal.network.client_address``: REMOTE_ADDR, or
    the address the trusted reverse proxies vouch for)."""
    from qpp_portal.network import client_address as read_client_address

    return read_client_address(request)


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
