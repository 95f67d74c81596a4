"""Confirm it's you: the password again before a change to how the person signs in."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from audit.models import AuditEvent
from audit.services import record_event

from ..forms import ConfirmPasswordForm
from ..reauthentication import PENDING_POST_KEY, mark_reauthenticated, pending_post
from .signin import safe_next

FAILURES_KEY = "_reauthentication_failures"


@sensitive_post_parameters("password")
def confirm_identity(request):
    """Ask for the password; then go back to ``next``, posting again what was typed there."""
    target = safe_next(request) or "accounts:profile"
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.user.check_password(form.cleaned_data["password"]):
            request.session.pop(FAILURES_KEY, None)
            mark_reauthenticated(request.session)
            record_event(action=AuditEvent.Action.REAUTHENTICATED, request=request)
            kept = pending_post(request, target.split("?")[0])
            if kept is not None:
                request.session.pop(PENDING_POST_KEY, None)
                return render(
                    request,
                    "accounts/confirm_identity_continue.html",
                    {"action": target, "fields": [(n, v) for n, vs in kept for v in vs]},
                )
            return redirect(target)
        record_event(action=AuditEvent.Action.REAUTHENTICATION_FAILED, request=request)
        failures = request.session.get(FAILURES_KEY, 0) + 1
        request.session[FAILURES_KEY] = failures
        if failures >= settings.AXES_FAILURE_LIMIT:
            logout(request)
            messages.error(request, "Too many wrong passwords. Sign in again to continue.")
            return redirect("accounts:sign_in")
        form.add_error("password", "That password is not correct.")
    return render(request, "accounts/confirm_identity.html", {"form": form, "next": target})
