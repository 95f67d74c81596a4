"""The one request body the Submissions API reads: JSON, at most
``services.MAXIMUM_SUBMISSION_BYTES``, checked before it is parsed."""

import json

from rest_framework import exceptions
from rest_framework.parsers import BaseParser

from submissions import services


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = (
        f"The request body is larger than {services.MAXIMUM_SUBMISSION_BYTES // 1024 // 1024} MB."
    )
    default_code = "request_too_large"


class MalformedJSON(exceptions.ParseError):
    """The body is not JSON (answered as a ValidationError at path ``$``)."""


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def check_declared_length(request):
    """Raise RequestTooLarge if the Content-Length header is over the limit."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > services.MAXIMUM_SUBMISSION_BYTES:
        raise RequestTooLarge()


class SubmissionJSONParser(BaseParser):
    """Parse a JSON body; refuse a body over the limit by its Content-Length and by the
    bytes actually read, whichever shows it first."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None:
            check_declared_length(request)
        if stream is None:
            return {}
        content = stream.read(services.MAXIMUM_SUBMISSION_BYTES + 1)
        if len(content) > services.MAXIMUM_SUBMISSION_BYTES:
            raise RequestTooLarge()
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedJSON("The body is not UTF-8 text.") from None
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as error:
            raise MalformedJSON(
                f"The body is not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno}."
            ) from None
        except (ValueError, RecursionError) as error:
            raise MalformedJSON(f"The body is not valid JSON: {error}.") from None
