from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import record_event

from .. import selectors, services
from ..forms import LOGIN_FAILED, SignInForm
from .codes import code_page

LOCKED_OUT = (
    "Your account is locked because of too many failed sign-in attempts. Try again in "
    "30 minutes, or reset your password."
)


# Why a session ended, keyed by the ``expired`` parameter of the sign-in URL.
SESSION_EXPIRED = {
    "1": "Your session expired because of inactivity. Sign in again to continue.",
    "limit": "Your session reached its 12-hour limit. Sign in again to continue.",
}


def locked_out(request, response, credentials):
    """django-axes calls this when a user ID or client address is locked out."""
    record_event(
        action=AuditEvent.Action.SIGN_IN_LOCKED, request=request, actor=None, subject=None
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
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            form.add_error(None, LOGIN_FAILED)
        elif (
            services.deactivate_account_if_dormant(user=user, request=request)
            or not user.is_active
        ):
            form.add_error(
                None,
                "Your account is deactivated because it was not used for 60 days. "
                "Reset your password to reactivate it.",
            )
        else:
            login(request, user)
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
    logout(request)
    return redirect("accounts:signed_out")


@login_not_required
def signed_out(request):
    return render(request, "accounts/signed_out.html")


@require_POST
def keepalive(request):
    """Reset the idle timer from the session warning; the middleware did the work."""
    return JsonResponse({"signedIn": True})
