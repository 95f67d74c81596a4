import time

from django.conf import settings

from . import faults


class SlowPagesMiddleware:
    """ "System delays near deadlines": hold the pages a trainer chose (path prefixes) for the
    fault's seconds before answering. Does nothing unless the sandbox is on and the fault set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SANDBOX_ENABLED:
            current = faults.settings_now()
            if "slow_pages" in current["on"] and any(
                request.path.startswith(prefix) for prefix in current["slow_paths"] if prefix
            ):
                time.sleep(min(int(current["slow_seconds"]), 30))
        return self.get_response(request)
