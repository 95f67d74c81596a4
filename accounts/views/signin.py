import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import record_event

from .. import selectors, services, throttles
from ..forms import LOGIN_FAILED, SignInForm
from ..middleware import LAST_ACTIVITY_KEY
from ..models import User
from ..reauthentication import mark_reauthenticated
from .codes import code_page

LOCKED_OUT = (
    "Your account is locked because of too many failed sign-in attempts. Try again in "
    "30 minutes, or reset your password."
)


# Too many failures from one client address (accounts/throttles.py): nobody's account is
# locked, so the message does not say it is.
ADDRESS_SLOWED_DOWN = (
    "Too many sign-ins have failed from your network in the last few minutes, so sign-in "
    "from it is paused. Wait a few minutes and try again. Your account is not locked."
)


# Why a session ended, keyed by the ``expired`` parameter of the sign-in URL.
SESSION_EXPIRED = {
    "1": "Your session expired because of inactivity. Sign in again to continue.",
    "limit": "Your session reached its 12-hour limit. Sign in again to continue.",
}


def locked_out(request, response, credentials):
    """django-axes calls this when a User ID is locked out (addresses are slowed down apart,
    by accounts.throttles)."""
    # The account is the subject when the typed User ID exists; the typed text is never
    # stored otherwise (it may be a password typed into the wrong box).
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    subject = User.objects.filter(username__iexact=username.strip()).first() if username else None
    record_event(
        action=AuditEvent.Action.SIGN_IN_LOCKED, request=request, actor=None, subject=subject
    )
    form = SignInForm(request.POST if request.method == "POST" else None)
    form.add_error(None, LOCKED_OUT)
    return render(request, "accounts/sign_in.html", {"form": form}, status=429)


def safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_not_required
@sensitive_post_parameters("password")
@sensitive_variables("form")
def sign_in(request):
    """User ID and password; the second factor follows on its own page."""
    if request.user.is_authenticated:
        return redirect(safe_next(request) or "accounts:home")
    expired = SESSION_EXPIRED.get(request.GET.get("expired", ""))
    if expired and request.method == "GET":
        messages.info(request, expired)
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and throttles.address_slowed_down(request):
        # Refused before the password is checked, right or wrong, so the pause tells a
        # guesser nothing; no account's failure count moves.
        form.add_error(None, ADDRESS_SLOWED_DOWN)
        return render(request, "accounts/sign_in.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            form.add_error(None, LOGIN_FAILED)
            if throttles.count_address_failure(request):
                record_event(
                    action=AuditEvent.Action.SIGN_IN_THROTTLED,
                    request=request,
                    actor=None,
                    subject=None,
                )
        elif (
            services.deactivate_account_if_dormant(user=user, request=request)
            or not user.is_active
        ):
            form.add_error(
                None,
                "Your account is deactivated because it was not used for 60 days. "
                "Reset your password to reactivate it."
                if user.deactivation_reason == user.DeactivationReason.DORMANT
                else "Your account is deactivated. Call the help desk to find out why.",
            )
        else:
            login(request, user)
            services.remember_session(request=request, user=user)
            request.session["after_sign_in"] = safe_next(request)
            return redirect("accounts:home")
    return render(request, "accounts/sign_in.html", {"form": form, "next": safe_next(request)})


@sensitive_post_parameters("code")
def verify_code(request):
    """Ask for a code from the chosen device (the default one unless the person picks another)."""
    user = request.user
    if user.is_verified():
        return redirect("accounts:home")
    chosen = (
        request.GET.get("device")
        or request.POST.get("device")
        or request.session.get("otp_device")
    )
    device = selectors.device_for_user(user, chosen) if chosen else None
    device = device or selectors.default_device(user)
    request.session["otp_device"] = device.persistent_id

    def signed_in():
        request.session.pop("otp_device", None)
        # Just proved password and second factor: changes to factors need no new prompt yet.
        mark_reauthenticated(request.session)
        return redirect(request.session.pop("after_sign_in", "") or "accounts:home")

    return code_page(
        request,
        user=user,
        device=device,
        template="accounts/verify_code.html",
        on_verified=signed_in,
        sign_in=True,
        send_redirect="accounts:verify_code",
    )


@login_not_required
@require_POST
def sign_out(request):
    services.forget_session(request=request)
    logout(request)
    return redirect("accounts:signed_out")


@login_not_required
def signed_out(request):
    return render(request, "accounts/signed_out.html")


@require_http_methods(["GET", "POST"])
def keepalive(request):
    """POST: reset the idle timer from the session warning (the middleware did the work).
    GET: say how many idle seconds are left without resetting them, so every open tab
    keeps to the server's timer."""
    last = request.session.get(LAST_ACTIVITY_KEY, time.time())
    left = settings.SESSION_IDLE_TIMEOUT.total_seconds() - (time.time() - last)
    return JsonResponse({"signedIn": True, "idleSecondsLeft": max(0, int(left))})
