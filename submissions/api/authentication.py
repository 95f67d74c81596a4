"""Bearer-token authentication for the Submissions API, as CMS documents it:
``Authorization: Bearer <token>`` on every request.

A token belongs to a registry (an Organization), not to a person, so DRF's ``request.user``
stays anonymous and ``request.auth`` is the ApiToken; views read the registry from
``request.auth.organization``.
"""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from submissions import selectors, services
from submissions.models import ApiToken

KEYWORD = b"bearer"
INVALID_TOKEN = "The API token is not valid: it is unknown, revoked or malformed."


class BearerTokenAuthentication(BaseAuthentication):
    """Authenticate ``Authorization: Bearer <secret>`` against the active API tokens.

    No header: not authenticated (the permission then answers 401). A header naming an
    unknown or revoked token, or a malformed one: 401 at once.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
        token = selectors.get_active_token(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        # The audit event reads request.user; a session cookie sent along must not make a
        # person the actor of a registry's call.
        django_request = request._request
        django_request.user = AnonymousUser()
        services.record_api_token_use(token=token, request=django_request)
        return AnonymousUser(), token

    def authenticate_header(self, request):
        return 'Bearer realm="qpp-submissions-api"'


class HasApiToken(BasePermission):
    """Allow requests authenticated by an active registry API token."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)


def organization_of(request):
    """Return the registry whose token authenticated ``request``."""
    return request.auth.organization


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A registry's API token: Authorization: Bearer qpp_...",
        }
