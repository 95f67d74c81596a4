"""A request id on every log line and response, and log lines as JSON for production.

``RequestIdMiddleware`` takes the proxy's ``X-Request-ID`` when it is a plausible id (so a
request can be followed from the load balancer to the worker) or makes one, and answers
with it. ``JsonFormatter`` writes the logger, level, message and request id only: the
portal's log messages never carry personal data (STYLE.md), and the formatter adds none
(no client address, no path with its query string, no user).
"""

import contextvars
import json
import logging
import re
import uuid

request_id_var = contextvars.ContextVar("request_id", default="")
REQUEST_ID_HEADER = "X-Request-ID"
PLAUSIBLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if PLAUSIBLE_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Put the current request's id (or "") on every record as ``request_id``."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        if record.exc_info:
            # The exception's class only: its text and traceback may quote submitted data.
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry)
