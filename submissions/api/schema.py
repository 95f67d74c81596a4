"""OpenAPI helpers: which URLs the document shows, and the error responses each operation
declares (all in the one error shape)."""

from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorEnvelopeSerializer

ERROR_DESCRIPTIONS = {
    400: "ValidationError: the body or query is wrong; details give each problem's path.",
    401: "UnauthorizedError: no API token, or an unknown or revoked one.",
    404: "NotFoundError: no such object among yours (or the id is not a UUID).",
    413: "PayloadTooLargeError: the body is larger than 2 MB.",
    415: "UnsupportedMediaTypeError: send Content-Type: application/json.",
    429: "TooManyRequestsError: over the rate limit; see Retry-After.",
}


def errors(*codes):
    """Return drf-spectacular responses for the error ``codes``, each in the error shape."""
    return {
        code: OpenApiResponse(ErrorEnvelopeSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in codes
    }


READ_ERRORS = (401, 429)
WRITE_ERRORS = (400, 401, 413, 415, 429)


def documented_endpoints(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: keep the API's operations once each (without
    the trailing slash, as CMS's clients call them) and drop the catch-all."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if not path.endswith("/") and getattr(callback.cls, "documented", False)
    ]
