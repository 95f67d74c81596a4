"""How a view declares the access it needs. Every view with an ``organization_id`` in its
URL uses one of these (tests/roles/test_access_control.py walks the URLconf), so
access is denied by default and never forgotten.

Each decorator sets ``required_capability`` on the view it returns:

- a ``Capability``: the person's active role in the organization must allow it;
- ``ANY_ROLE``: any active role there will do (the organization's home page);
- ``REQUESTER``: no role needed yet, because the view is how one asks for a role;
- ``HELP_DESK``: the ``accounts.help_desk`` permission, whatever roles the person holds.
"""

from functools import wraps

from . import selectors
from .capabilities import Capability

ANY_ROLE = "any_role"
REQUESTER = "requester"
HELP_DESK = "help_desk"


def requires_capability(capability):
    """Load the person's membership for the URL's ``organization_id`` through the selector
    (Http404 if they hold no role there, PermissionDenied if the role lacks ``capability``)
    and call the view as ``view(request, membership, **other_kwargs)``."""
    if capability != ANY_ROLE:
        capability = Capability(capability)

    def decorator(view):
        @wraps(view)
        def wrapped(request, organization_id, *args, **kwargs):
            if capability == ANY_ROLE:
                membership = selectors.get_any_membership(request.user, organization_id)
            else:
                membership = selectors.get_membership_for_capability(
                    request.user, organization_id, capability
                )
            return view(request, membership, *args, **kwargs)

        wrapped.required_capability = capability
        return wrapped

    return decorator


def open_to_requesters(view):
    """Mark a view of the connect flow: any signed-in, verified person may ask for a role
    in any organization, so no role is checked (the service checks everything else)."""
    view.required_capability = REQUESTER
    return view


def help_desk_only(view):
    """Refuse (PermissionDenied) anyone without the help-desk permission."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        selectors.require_help_desk(request.user)
        return view(request, *args, **kwargs)

    wrapped.required_capability = HELP_DESK
    return wrapped
