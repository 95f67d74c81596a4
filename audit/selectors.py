from .models import AuditEvent


def recent_events_for_user(user, limit=50):
    """Return the newest security events about ``user``, for their own profile page."""
    return AuditEvent.objects.filter(subject=user).select_related("actor")[:limit]


def search_events(*, people=None, organization_ids=None, action="", start=None, end=None):
    """Return audit events, newest first, narrowed by each filter given: ``people`` (users
    who acted or whom the event concerns), ``organization_ids`` (events naming one of them
    in their detail), ``action`` (an ``AuditEvent.Action`` value), ``start`` and ``end``
    (dates, both included)."""
    from django.db.models import Q

    events = AuditEvent.objects.select_related("actor", "subject")
    if people is not None:
        events = events.filter(Q(actor__in=people) | Q(subject__in=people))
    if organization_ids is not None:
        events = events.filter(detail__organization__in=list(organization_ids))
    if action:
        events = events.filter(action=action)
    if start:
        events = events.filter(created_at__date__gte=start)
    if end:
        events = events.filter(created_at__date__lte=end)
    return events.order_by("-created_at", "-id")
