from django.conf import settings
from django.urls import reverse


def absolute_url(request, name, *args, **kwargs):
    """Return the full URL of a named view for an email: from the request when there is one,
    from ``settings.SITE_URL`` when there is none (daily commands, background tasks)."""
    path = reverse(name, args=args, kwargs=kwargs)
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path
