import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware

from audit.models import AuditEvent
from audit.services import record_event

from . import selectors

SESSION_STARTED_KEY = "_session_started"
LAST_ACTIVITY_KEY = "_last_activity"


class CachedDeviceOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, reading the session's device through the shared cache
    (accounts.selectors.device_from_persistent_id). It still refuses a device of another
    person or an unconfirmed one, and forgets a device that no longer exists."""

    def _device_from_persistent_id(self, persistent_id):
        return selectors.device_from_persistent_id(self._normalize_persistent_id(persistent_id))


class SessionTimeoutMiddleware:
    """End a signed-in session after 15 idle minutes or 12 hours in all (both in settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            last = request.session.get(LAST_ACTIVITY_KEY, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if now - last > idle or now - started > absolute:
                user = request.user
                logout(request)
                record_event(action=AuditEvent.Action.SESSION_EXPIRED, request=request, actor=user)
                if request.path == reverse("accounts:keepalive"):
                    return JsonResponse({"signedIn": False}, status=401)
                # This middleware runs before MessageMiddleware: the sign-in page says why.
                reason = "1" if now - last > idle else "limit"
                return redirect(f"{reverse('accounts:sign_in')}?expired={reason}")
            # Written at most once a SESSION_ACTIVITY_WRITE_INTERVAL, so most requests neither
            # save the session nor send its cookie; idle time is then counted from up to that
            # many seconds early, ending a session at most that much before 15 minutes.
            # A tab asking how long is left (GET keepalive, static/js/session-timeout.js)
            # is not activity.
            checking = request.method == "GET" and request.path == reverse("accounts:keepalive")
            if not checking and (
                LAST_ACTIVITY_KEY not in request.session
                or now - last >= settings.SESSION_ACTIVITY_WRITE_INTERVAL
            ):
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


# Views a signed-in person may use at every stage of account setup.
ALWAYS_ALLOWED = {"accounts:sign_out", "accounts:keepalive", "sandbox:inbox"}
STAGE_VIEWS = {
    "proofing": ("proofing:", "proofing:start"),
    "two_factor_setup": ("accounts:two_factor_setup", "accounts:two_factor_setup"),
    "code": ("accounts:verify_code", "accounts:verify_code"),
}


class AccountSetupMiddleware:
    """Keep a signed-in person on the next step of setup until it is done.

    An account whose identity is not verified may only finish proofing; a verified one
    with no two-factor device must set one up; with devices, the person must enter a
    code before anything else. Public views stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        # A signed-in person whose legal name changed is unverified again mid-session: they
        # too are kept to proofing, second factor or not.
        if not user.is_authenticated or (user.is_verified() and user.is_identity_verified):
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALWAYS_ALLOWED:
            return None
        stage = selectors.setup_stage(user)
        prefix, destination = STAGE_VIEWS[stage]
        if name.startswith(prefix):
            return None
        return redirect(destination)
