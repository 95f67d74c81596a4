"""Refuse malformed or oversized requests before any view, form or query sees them."""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.views.defaults import page_not_found

API_PREFIX = "/api/"


def _api_error(status, kind, message):
    """Answer an API client in the QPP APIs' error shape instead of an HTML page."""
    return JsonResponse(
        {"error": {"type": kind, "message": message, "details": []}}, status=status
    )


class RejectNulBytesMiddleware:
    """Answer 404 for a path holding a NUL character.

    No URL of the portal contains one, and PostgreSQL refuses NUL in text, so a NUL that
    reached a path converter and then a query would end in a server error. (Query string
    and form values pass through forms, whose fields refuse NUL with a message.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            if request.path_info.startswith(API_PREFIX):
                return _api_error(404, "NotFoundError", "Not found.")
            return page_not_found(request, exception=None)
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Refuse, with 413, a request whose declared body exceeds ``REQUEST_BODY_MAX_BYTES``.

    The check reads only the Content-Length header, so an oversized upload is refused
    before a byte of it is read. Each file is capped again as it streams in
    (``qpp_portal.uploads.UploadSizeLimitHandler``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest("Bad request")
        if length > settings.REQUEST_BODY_MAX_BYTES:
            if request.path_info.startswith(API_PREFIX):
                return _api_error(
                    413,
                    "PayloadTooLargeError",
                    f"The request body is larger than {settings.REQUEST_BODY_MAX_BYTES} bytes.",
                )
            return render(
                request,
                "413.html",
                {
                    "limit": settings.REQUEST_BODY_MAX_BYTES,
                    "file_limit": settings.UPLOAD_FILE_MAX_BYTES,
                },
                status=413,
            )
        return self.get_response(request)
