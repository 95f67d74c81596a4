"""Forgot User ID, and forgot password: link, challenge answer, second factor, new password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.debug import sensitive_post_parameters
from django_ratelimit.decorators import ratelimit

from audit.models import AuditEvent
from audit.services import record_event

from .. import selectors, services
from ..forms import (
    ChallengeAnswerForm,
    ForgotPasswordForm,
    ForgotUserIdForm,
    SetPasswordForm,
)
from ..models import User
from ..tokens import password_reset_token_generator
from .codes import code_page

RESET_KEY = "password_reset"
MAX_CHALLENGE_ATTEMPTS = 3


def recovery_rate(group, request):
    return settings.RATE_LIMITS["recovery"]


@login_not_required
@ratelimit(key="ip", rate=recovery_rate, method="POST", block=True)
def forgot_user_id(request):
    form = ForgotUserIdForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.send_user_id_reminder(email=form.cleaned_data["email"], request=request)
        return render(request, "accounts/recovery/sent.html", {"what": "user_id"})
    return render(request, "accounts/recovery/forgot_user_id.html", {"form": form})


@login_not_required
@ratelimit(key="ip", rate=recovery_rate, method="POST", block=True)
def forgot_password(request):
    form = ForgotPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(username=form.cleaned_data["username"], request=request)
        return render(request, "accounts/recovery/sent.html", {"what": "password"})
    return render(request, "accounts/recovery/forgot_password.html", {"form": form})


@login_not_required
def password_reset(request, uidb64, token):
    """Check the emailed link, then move its state into the session (out of the URL)."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not password_reset_token_generator.check_token(user, token):
        return render(request, "accounts/recovery/link_invalid.html", status=400)
    if selectors.challenge_failures(user) >= MAX_CHALLENGE_ATTEMPTS:
        return render(request, "accounts/recovery/link_invalid.html", status=400)
    request.session[RESET_KEY] = {
        "user": user.pk,
        "token": token,
        "answered": False,
        "coded": False,
    }
    return redirect("accounts:password_reset_challenge")


def reset_state(request):
    """Return (user, state) for a reset in progress whose link is still valid, else (None, None)."""
    state = request.session.get(RESET_KEY)
    if not state:
        return None, None
    user = User.objects.filter(pk=state["user"]).first()
    if user is None or not password_reset_token_generator.check_token(user, state["token"]):
        request.session.pop(RESET_KEY, None)
        return None, None
    return user, state


def save_state(request, state):
    request.session[RESET_KEY] = state
    request.session.modified = True


@login_not_required
@sensitive_post_parameters("answer")
def password_reset_challenge(request):
    user, state = reset_state(request)
    if (
        user is not None
        and not state["answered"]
        and (selectors.challenge_failures(user) >= MAX_CHALLENGE_ATTEMPTS)
    ):
        # The attempts ran out, perhaps in another browser holding the same link.
        request.session.pop(RESET_KEY, None)
        user = None
    if user is None:
        return render(request, "accounts/recovery/link_invalid.html", status=400)
    form = ChallengeAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if user.check_challenge_answer(form.cleaned_data["answer"]):
            state["answered"] = True
            save_state(request, state)
            return redirect("accounts:password_reset_code")
        record_event(
            action=AuditEvent.Action.CHALLENGE_ANSWER_FAILED,
            request=request,
            actor=None,
            subject=user,
        )
        if selectors.challenge_failures(user) >= MAX_CHALLENGE_ATTEMPTS:
            request.session.pop(RESET_KEY, None)
            messages.error(
                request,
                "Too many wrong answers. Try again tomorrow with a new password reset link, "
                "or call the help desk.",
            )
            return redirect("accounts:forgot_password")
        save_state(request, state)
        form.add_error("answer", "That answer is not correct.")
    return render(
        request,
        "accounts/recovery/challenge.html",
        {"form": form, "question": user.get_challenge_question_display()},
    )


@login_not_required
@sensitive_post_parameters("code")
def password_reset_code(request):
    user, state = reset_state(request)
    if user is None or not state["answered"]:
        return (
            redirect("accounts:password_reset_challenge")
            if user
            else render(request, "accounts/recovery/link_invalid.html", status=400)
        )
    devices = selectors.two_factor_devices(user)
    if not devices:
        # No device yet (setup never finished): the link and the challenge answer suffice.
        state["coded"] = True
        save_state(request, state)
        return redirect("accounts:password_reset_new")
    chosen = request.GET.get("device") or request.POST.get("device") or ""
    device = selectors.device_for_user(user, chosen) or selectors.default_device(user)

    def answered():
        state["coded"] = True
        save_state(request, state)
        return redirect("accounts:password_reset_new")

    return code_page(
        request,
        user=user,
        device=device,
        template="accounts/recovery/code.html",
        on_verified=answered,
        sign_in=False,
        send_redirect=f"{request.path}?device={device.persistent_id}",
    )


@login_not_required
@sensitive_post_parameters("password1", "password2")
def password_reset_new(request):
    user, state = reset_state(request)
    if user is None or not (state["answered"] and state["coded"]):
        return (
            redirect("accounts:password_reset_challenge")
            if user
            else render(request, "accounts/recovery/link_invalid.html", status=400)
        )
    form = SetPasswordForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        services.set_password(
            user=user,
            password=form.cleaned_data["password1"],
            request=request,
            action=AuditEvent.Action.PASSWORD_RESET,
        )
        request.session.pop(RESET_KEY, None)
        messages.success(request, "Your password is changed. Sign in with your new password.")
        return redirect("accounts:sign_in")
    return render(request, "accounts/recovery/new_password.html", {"form": form})


@login_not_required
def confirm_email(request, token):
    user = services.confirm_email(token=token, request=request)
    if user is None:
        return render(request, "accounts/recovery/link_invalid.html", status=400)
    messages.success(request, "Thank you: your email address is confirmed.")
    return redirect("accounts:home" if request.user.is_authenticated else "accounts:sign_in")
