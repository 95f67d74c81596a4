"""Rate limits of the Submissions API: per token, and per client address on the public
endpoint. The rates live in ``settings.RATE_LIMITS`` and are read at each request."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from submissions.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Limit each API token to ``RATE_LIMITS["submissions_api"]`` requests."""

    scope = "submissions_api"

    def get_rate(self):
        return settings.RATE_LIMITS[self.scope]

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # unauthenticated requests are refused before they count
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PublicRateThrottle(SimpleRateThrottle):
    """Limit each client address to ``RATE_LIMITS["public_api"]`` requests."""

    scope = "public_api"

    def get_rate(self):
        return settings.RATE_LIMITS[self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": "submissions_public_api",
            "ident": self.get_ident(request),
        }
