"""Set up two-factor devices: at first sign-in (required) and later from the profile."""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.decorators import ratelimit

from .. import selectors, services
from ..forms import CodeForm, PhoneDeviceForm
from ..models import PhoneDevice
from ..reauthentication import reauthentication_required
from .registration import step_context

SETUP_DEVICE_KEY = "setup_device"
NEW_BACKUP_CODES_KEY = "new_backup_codes"
METHODS = [
    ("totp", "Authenticator app (Google Authenticator, Okta Verify and others)"),
    ("sms", "Text message (SMS) to a phone"),
    ("voice", "Voice call to a phone"),
    ("email", "Email"),
    ("passkey", "Passkey (your device's fingerprint, face or PIN, or a security key)"),
]


class MethodForm(forms.Form):
    method = forms.ChoiceField(
        label="How do you want to receive codes?", choices=METHODS, widget=forms.RadioSelect
    )


def first_setup(request):
    return not selectors.two_factor_devices(request.user)


def setup_context(request, **context):
    """Context of a setup page: during registration it shows the last step of progress."""
    initial = first_setup(request)
    return {**context, "first_setup": initial, **(step_context(5) if initial else {})}


@reauthentication_required(unless=first_setup)
def setup(request):
    """Choose the kind of device to add."""
    form = MethodForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        method = form.cleaned_data["method"]
        if method == "totp":
            return redirect("accounts:two_factor_setup_totp")
        if method == "email":
            return redirect("accounts:two_factor_setup_email")
        if method == "passkey":
            return redirect("accounts:two_factor_setup_passkey")
        return redirect(f"{reverse('accounts:two_factor_setup_phone')}?method={method}")
    return render(
        request,
        "accounts/two_factor/setup.html",
        setup_context(request, form=form),
    )


def pending_device(request, model):
    pk = request.session.get(SETUP_DEVICE_KEY)
    return model.objects.filter(user=request.user, pk=pk, confirmed=False).first() if pk else None


def finish(request, device):
    """Confirm a just-proven device, sign the session in with it, show backup codes if new."""
    initial = first_setup(request)
    codes = services.confirm_device(user=request.user, device=device, request=request)
    request.session.pop(SETUP_DEVICE_KEY, None)
    if not request.user.is_verified():
        otp_login(request, device)
        services.cycle_session_key(request=request, user=request.user)
    messages.success(request, f"{selectors.describe_device(device)} is set up.")
    if codes:
        request.session[NEW_BACKUP_CODES_KEY] = codes
        return redirect("accounts:backup_codes")
    return redirect("accounts:home" if initial else "accounts:devices")


@reauthentication_required(unless=first_setup)
@sensitive_post_parameters("code")
def setup_totp(request):
    """Show the QR code and the secret; a correct code from the app confirms it."""
    device = pending_device(request, TOTPDevice)
    if device is None:
        device = services.start_totp_device(user=request.user)
        request.session[SETUP_DEVICE_KEY] = device.pk
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.verify_setup_code(device=device, code=form.cleaned_data["code"]):
            return finish(request, device)
        form.add_error(
            "code",
            "That code is not correct. Check the time on your phone and try the newest code.",
        )
    qr = segno.make(device.config_url, error="m")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor/setup_totp.html",
        setup_context(
            request,
            form=form,
            qr_svg=qr.svg_inline(scale=5, title="QR code for your authenticator app"),
            secret=secret,
            secret_grouped=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        ),
    )


@reauthentication_required(unless=first_setup)
@ratelimit(
    key="user",
    rate=lambda group, request: settings.RATE_LIMITS["send_code"],
    method="POST",
    block=True,
)
def setup_phone(request):
    """Register a phone for texts or calls and send it a code."""
    initial = {"number": request.user.phone, "method": request.GET.get("method", "sms")}
    form = PhoneDeviceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        device = services.start_phone_device(
            user=request.user,
            number=form.cleaned_data["number"],
            method=form.cleaned_data["method"],
        )
        request.session[SETUP_DEVICE_KEY] = device.pk
        try:
            services.send_code(device=device)
        except services.AccountError as error:
            form.add_error("number", str(error))
        else:
            return redirect("accounts:two_factor_setup_confirm")
    return render(
        request,
        "accounts/two_factor/setup_phone.html",
        setup_context(request, form=form),
    )


@reauthentication_required(unless=first_setup)
@ratelimit(
    key="user",
    rate=lambda group, request: settings.RATE_LIMITS["send_code"],
    method="POST",
    block=True,
)
def setup_email(request):
    """Use the email address on file for codes; send one to prove it."""
    if request.method == "POST":
        device = services.start_email_device(user=request.user)
        request.session[SETUP_DEVICE_KEY] = device.pk
        try:
            services.send_code(device=device)
        except services.AccountError as error:
            messages.error(request, str(error))
        else:
            return redirect("accounts:two_factor_setup_confirm")
    return render(request, "accounts/two_factor/setup_email.html", setup_context(request))


@sensitive_post_parameters("code")
@reauthentication_required(unless=first_setup)
@ratelimit(
    key="user",
    rate=lambda group, request: settings.RATE_LIMITS["send_code"],
    method="POST",
    block=True,
)
def setup_confirm(request):
    """Enter the code sent to a new phone or email device; resend is throttled."""
    device = pending_device(request, PhoneDevice) or pending_device(request, EmailDevice)
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = CodeForm(accepts_backup_codes=False)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            services.send_code(device=device)
            messages.success(request, "We sent a new code.")
        except services.AccountError as error:
            messages.error(request, str(error))
        return redirect("accounts:two_factor_setup_confirm")
    if request.method == "POST":
        form = CodeForm(request.POST, accepts_backup_codes=False)
        if form.is_valid():
            if services.verify_setup_code(device=device, code=form.cleaned_data["code"]):
                return finish(request, device)
            form.add_error(
                "code", "That code is not correct or has expired. Try again or send a new one."
            )
    return render(
        request,
        "accounts/two_factor/setup_confirm.html",
        setup_context(request, form=form, device_name=selectors.describe_device(device)),
    )


def backup_codes(request):
    """Show newly made backup codes once."""
    codes = request.session.pop(NEW_BACKUP_CODES_KEY, None)
    if not codes:
        return redirect("accounts:devices")
    return render(request, "accounts/two_factor/backup_codes.html", {"codes": codes})


def devices(request):
    user = request.user
    backup = selectors.backup_code_device(user)
    rows = [
        {
            "id": device.persistent_id,
            "name": selectors.describe_device(device),
            "is_default": device.persistent_id == selectors.default_device(user).persistent_id,
        }
        for device in selectors.two_factor_devices(user)
    ]
    return render(
        request,
        "accounts/two_factor/devices.html",
        {"devices": rows, "backup_remaining": backup.remaining_count if backup else 0},
    )


@reauthentication_required
@require_POST
def device_action(request):
    device = selectors.device_for_user(request.user, request.POST.get("device", ""))
    action = request.POST.get("action")
    if device is None or action not in {"remove", "default"}:
        messages.error(request, "That device was not found.")
        return redirect("accounts:devices")
    if action == "default":
        services.set_default_device(user=request.user, device=device, request=request)
        messages.success(request, f"{selectors.describe_device(device)} is now your default.")
        return redirect("accounts:devices")
    try:
        services.remove_device(user=request.user, device=device, request=request)
        messages.success(request, "The device is removed.")
    except services.AccountError as error:
        messages.error(request, str(error))
    return redirect("accounts:devices")


@reauthentication_required
@require_POST
def regenerate_backup_codes(request):
    request.session[NEW_BACKUP_CODES_KEY] = services.generate_backup_codes(
        user=request.user, request=request
    )
    return redirect("accounts:backup_codes")
