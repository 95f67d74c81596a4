"""Every error of the Submissions API, in CMS's shape, made here and nowhere else:

    {"error": {"type": "ValidationError", "message": "...",
               "details": [{"message": "...", "path": "$.measurementSets[0]..."}]}}

``details`` is empty for errors that are not about the data sent.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from submissions.validation import SubmissionInvalid

from .parsers import MalformedJSON, RequestTooLarge

UNAUTHORIZED_HEADER = 'Bearer realm="qpp-submissions-api"'
NOT_AUTHENTICATED = "Send your registry's API token: Authorization: Bearer <token>."


class SubmissionCreationNotAllowed(exceptions.APIException):
    """POST /submissions with an organization token (CMS answers 401)."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = (
        "Organization tokens cannot create submissions with POST /submissions: once a "
        "submission exists for an entity, a second would be a duplicate. Use "
        "POST /measurement-sets, which finds or creates the submission."
    )
    default_code = "submission_creation_not_allowed"


class QueryInvalid(exceptions.APIException):
    """A query parameter or header is wrong; ``problems`` as validation reports them."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The query is not valid."

    def __init__(self, problems):
        super().__init__()
        self.problems = problems


def error_body(kind, message, details=()):
    return {"error": {"type": kind, "message": message, "details": list(details)}}


def _type_of(exc):
    if isinstance(exc, exceptions.ValidationError | exceptions.ParseError | QueryInvalid):
        return "ValidationError"
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return "UnauthorizedError"
    if isinstance(exc, SubmissionCreationNotAllowed):
        return "UnauthorizedError"
    if isinstance(exc, exceptions.PermissionDenied):
        return "ForbiddenError"
    if isinstance(exc, exceptions.NotFound):
        return "NotFoundError"
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "MethodNotAllowedError"
    if isinstance(exc, exceptions.NotAcceptable):
        return "NotAcceptableError"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "UnsupportedMediaTypeError"
    if isinstance(exc, RequestTooLarge):
        return "PayloadTooLargeError"
    if isinstance(exc, exceptions.Throttled):
        return "TooManyRequestsError"
    return "ServerError"


def _drf_details(detail, path="$"):
    """Flatten a DRF ValidationError's detail into ``[{"message", "path"}]``."""
    if isinstance(detail, dict):
        return [d for key, value in detail.items() for d in _drf_details(value, f"{path}.{key}")]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [{"message": str(item), "path": path} for item in detail]
        return [
            d for index, item in enumerate(detail) for d in _drf_details(item, f"{path}[{index}]")
        ]
    return [{"message": str(detail), "path": path}]


def api_exception_handler(exc, context):
    """Answer ``exc`` in CMS's error shape; return None (a plain 500) for anything else."""
    if isinstance(exc, SubmissionInvalid):
        set_rollback()
        return Response(
            error_body("ValidationError", exc.message, [p.as_dict() for p in exc.problems]),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found, or not yours.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    set_rollback()

    headers = {}
    if exc.status_code == status.HTTP_401_UNAUTHORIZED:
        headers["WWW-Authenticate"] = UNAUTHORIZED_HEADER
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)

    if isinstance(exc, MalformedJSON | exceptions.ParseError):
        message, details = "The body is not valid JSON.", [{"message": exc.detail, "path": "$"}]
    elif isinstance(exc, QueryInvalid):
        message, details = str(exc.detail), [p.as_dict() for p in exc.problems]
    elif isinstance(exc, exceptions.ValidationError):
        message, details = "Validation failed.", _drf_details(exc.detail)
    elif isinstance(exc, exceptions.Throttled):
        message, details = "Too many requests: try again later.", []
        if exc.wait is not None:
            message = f"Too many requests: try again in {int(exc.wait) + 1} seconds."
    elif isinstance(exc, exceptions.NotAuthenticated):
        message, details = NOT_AUTHENTICATED, []
    else:
        message, details = str(exc.detail), []
    return Response(
        error_body(_type_of(exc), str(message), details), status=exc.status_code, headers=headers
    )
