from django.urls import reverse


def absolute_url(request, name, *args, **kwargs):
    """Return the full URL of a named view for an email, or its path when there is no
    request (management commands)."""
    path = reverse(name, args=args, kwargs=kwargs)
    return request.build_absolute_uri(path) if request is not None else path
