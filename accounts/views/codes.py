"""The page that asks for a code from one of the person's devices (sign-in and recovery)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django_otp.plugins.otp_email.models import EmailDevice

from .. import selectors, services
from ..forms import CodeForm
from ..models import PhoneDevice
from ..passkeys import is_passkey, passkey_configuration

SIDE_CHANNEL_DEVICES = (EmailDevice, PhoneDevice)


def code_page(request, *, user, device, template, on_verified, sign_in, send_redirect):
    """Send a code on request, verify a typed one, or show the page again.

    ``on_verified()`` builds the response once the code is right; ``sign_in`` says whether
    a right code marks the session two-factor verified.
    """
    form = CodeForm()
    if request.method == "POST" and request.POST.get("action") == "send":
        try:
            services.send_code(device=device)
            messages.success(request, "We sent a code. It expires in 10 minutes.")
        except services.AccountError as error:
            messages.error(request, str(error))
        return redirect(send_redirect)
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                if services.verify_code(
                    request=request,
                    user=user,
                    device=device,
                    code=form.cleaned_data["code"],
                    sign_in=sign_in,
                ):
                    return on_verified()
                form.add_error("code", "That code is not correct or has expired. Try again.")
            except services.AccountError as error:
                form.add_error("code", str(error))
    others = [
        (d.persistent_id, selectors.describe_device(d))
        for d in [*selectors.two_factor_devices(user), selectors.backup_code_device(user)]
        if d is not None and d.persistent_id != device.persistent_id
    ]
    return render(
        request,
        template,
        {
            "form": form,
            "device": device,
            "device_name": selectors.describe_device(device),
            "sends_code": isinstance(device, SIDE_CHANNEL_DEVICES),
            # A passkey proves itself in the browser, and only to sign in (not in recovery).
            "is_passkey": is_passkey(device),
            "passkey_config": passkey_configuration(request)
            if is_passkey(device) and sign_in
            else None,
            "other_devices": others,
        },
    )
