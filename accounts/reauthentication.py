"""Changes to how a person signs in need their password within the last few minutes.

``reauthentication_required`` sends a person who has not confirmed their password for
``REAUTHENTICATION_WINDOW`` to ``accounts:confirm_identity``, which returns them to where
they were; what they had typed into a refused POST is kept in the session and posted again
from the confirmation page (passwords and codes are never kept).
"""

import time
from functools import wraps

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

REAUTHENTICATED_AT_KEY = "_reauthenticated_at"
PENDING_POST_KEY = "_reauthentication_pending"
# Never kept across the confirmation: re-typed instead.
UNKEPT_FIELDS = {"csrfmiddlewaretoken", "password", "code", "current_password"}


def mark_reauthenticated(session):
    """Record that the person proved their password (or signed in) just now."""
    session[REAUTHENTICATED_AT_KEY] = time.time()


def recently_reauthenticated(request):
    confirmed = request.session.get(REAUTHENTICATED_AT_KEY)
    window = settings.REAUTHENTICATION_WINDOW.total_seconds()
    return confirmed is not None and time.time() - confirmed <= window


def pending_post(request, path):
    """Return the fields kept from a refused POST to ``path``, or None."""
    pending = request.session.get(PENDING_POST_KEY)
    if pending and pending.get("path") == path:
        return pending["data"]
    return None


def reauthentication_required(view=None, *, unless=None):
    """Let the view run only if the password was confirmed recently (or ``unless(request)``
    is true, e.g. setting up the very first device); otherwise ask for it first."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if recently_reauthenticated(request) or (unless is not None and unless(request)):
                request.session.pop(PENDING_POST_KEY, None)
                return view_func(request, *args, **kwargs)
            if request.method == "POST":
                request.session[PENDING_POST_KEY] = {
                    "path": request.path,
                    "data": [
                        [name, values]
                        for name, values in request.POST.lists()
                        if name not in UNKEPT_FIELDS
                    ],
                }
            else:
                request.session.pop(PENDING_POST_KEY, None)
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:confirm_identity')}?{query}")

        return wrapper

    return decorator(view) if view is not None else decorator
