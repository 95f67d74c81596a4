"""Passkeys (WebAuthn) as a second factor beside texts, calls, email and the authenticator
app, with django-otp-webauthn. Its views do the WebAuthn ceremonies; the subclasses here
put them inside the portal's rules: a passkey is only ever a second factor (the password
comes first), adding one after the first device needs the password again, and a passkey
sign-in ends like a code sign-in (audited, session key rotated, the page asked for before).

The ceremonies' URLs are named under ``accounts:two_factor_setup…`` and
``accounts:verify_code…`` so that ``AccountSetupMiddleware`` lets a person mid-setup reach
them. The library's scripts and ours (``static/js/passkeys.js``) are static files: the
portal's CSP allows no inline script.
"""

from django.http import JsonResponse
from django.middleware import csrf
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.i18n import JavaScriptCatalog
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.models import AbstractWebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
    _get_pywebauthn_logger,
)

from audit.models import AuditEvent
from audit.services import record_event

from . import selectors, services
from .reauthentication import (
    mark_reauthenticated,
    reauthentication_required,
    recently_reauthenticated,
)

PASSKEY_DONE_KEY = "passkey_registered_next"
NEW_BACKUP_CODES_KEY = "new_backup_codes"  # as accounts.views.two_factor


def is_passkey(device):
    return isinstance(device, AbstractWebAuthnCredential)


def passkey_configuration(request):
    """The settings the library's scripts read from the ``otp_webauthn_config`` JSON."""
    return {
        "autocompleteLoginFieldSelector": None,  # no passwordless sign-in
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("accounts:verify_code_passkey_begin"),
        "completeAuthenticationUrl": reverse("accounts:verify_code_passkey_complete"),
        "beginRegistrationUrl": reverse("accounts:two_factor_setup_passkey_begin"),
        "completeRegistrationUrl": reverse("accounts:two_factor_setup_passkey_complete"),
    }


def _first_setup(request):
    return not selectors.two_factor_devices(request.user)


class ReauthenticationNeeded(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "reauthentication_required"
    default_detail = "Confirm your password again before you add a passkey."


class PasskeyRegistrationBegin(BeginCredentialRegistrationView):
    def check_can_register(self):
        if not (_first_setup(self.request) or recently_reauthenticated(self.request)):
            raise ReauthenticationNeeded()


class PasskeyRegistrationComplete(CompleteCredentialRegistrationView):
    """Save the passkey, then confirm it as any new device is (audit, default device, email
    to the person when it is not the first, backup codes with the first)."""

    def check_can_register(self):
        PasskeyRegistrationBegin.check_can_register(self)

    def post(self, *args, **kwargs):
        user = self.get_user()
        state = self.get_state()
        initial = _first_setup(self.request)
        with rewrite_exceptions(logger=_get_pywebauthn_logger()):
            device = self.get_helper().register_complete(
                user=user, state=state, data=self.request.data
            )
        codes = services.confirm_device(user=user, device=device, request=self.request)
        if not self.request.user.is_verified():
            otp_login(self.request, device)
            services.cycle_session_key(request=self.request, user=user)
        if codes:
            self.request.session[NEW_BACKUP_CODES_KEY] = codes
            done = reverse("accounts:backup_codes")
        else:
            done = reverse("accounts:home" if initial else "accounts:devices")
        self.request.session[PASSKEY_DONE_KEY] = done
        return JsonResponse({"id": device.pk})


class PasskeySignInBegin(BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        # The password step comes first: a passkey is a second factor only.
        if not self.request.user.is_authenticated or not self.request.user.is_active:
            raise exceptions.NotAuthenticated()


class PasskeySignInComplete(CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        PasskeySignInBegin.check_can_authenticate(self)

    def complete_auth(self, device):
        user = self.request.user
        if device.user_id != user.pk:  # the helper checks this too
            raise exceptions.CredentialNotFound()
        if user.code_failures:
            user.code_failures = 0
            user.codes_locked_until = None
            user.save(update_fields=["code_failures", "codes_locked_until"])
        record_event(action=AuditEvent.Action.CODE_VERIFIED, request=self.request, actor=user)
        otp_login(self.request, device)
        services.cycle_session_key(request=self.request, user=user)
        self.request.session.pop("otp_device", None)
        mark_reauthenticated(self.request.session)

    def get_success_url(self):
        return self.request.session.pop("after_sign_in", "") or reverse("accounts:home")


@reauthentication_required(unless=_first_setup)
def setup_passkey(request):
    """The page with the button that registers a passkey (static/js/passkeys.js)."""
    from .views.two_factor import setup_context

    return render(
        request,
        "accounts/two_factor/setup_passkey.html",
        setup_context(request, passkey_config=passkey_configuration(request)),
    )


def passkey_registered(request):
    """Where the page goes once the browser saved the passkey."""
    return redirect(request.session.pop(PASSKEY_DONE_KEY, "") or "accounts:devices")


# The library's scripts call gettext(): its catalog, served under both the sign-in and the
# setup URL names, so the setup middleware lets it through at either stage.
passkey_i18n = JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])
