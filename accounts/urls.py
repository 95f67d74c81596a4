from django.urls import path

from . import passkeys
from .models import ContactChange
from .views import profile, reauthentication, recovery, registration, sessions, signin, two_factor

app_name = "accounts"

urlpatterns = [
    path("", profile.home, name="home"),
    path("register/", registration.start, name="register"),
    path("register/profile/", registration.profile, name="register_profile"),
    path("register/terms/", registration.terms, name="register_terms"),
    path("register/account/", registration.account, name="register_account"),
    path("signin/", signin.sign_in, name="sign_in"),
    path("signin/code/", signin.verify_code, name="verify_code"),
    # Passkeys (accounts/passkeys.py): named under verify_code / two_factor_setup so the
    # setup middleware lets a person mid-sign-in or mid-setup reach them.
    path(
        "signin/code/passkey/begin/",
        passkeys.PasskeySignInBegin.as_view(),
        name="verify_code_passkey_begin",
    ),
    path(
        "signin/code/passkey/complete/",
        passkeys.PasskeySignInComplete.as_view(),
        name="verify_code_passkey_complete",
    ),
    path("signin/code/passkey/i18n/", passkeys.passkey_i18n, name="verify_code_passkey_i18n"),
    path("signout/", signin.sign_out, name="sign_out"),
    path("signed-out/", signin.signed_out, name="signed_out"),
    path("session/keepalive/", signin.keepalive, name="keepalive"),
    path("two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("two-factor/setup/app/", two_factor.setup_totp, name="two_factor_setup_totp"),
    path("two-factor/setup/phone/", two_factor.setup_phone, name="two_factor_setup_phone"),
    path("two-factor/setup/email/", two_factor.setup_email, name="two_factor_setup_email"),
    path("two-factor/setup/confirm/", two_factor.setup_confirm, name="two_factor_setup_confirm"),
    path("two-factor/setup/passkey/", passkeys.setup_passkey, name="two_factor_setup_passkey"),
    path(
        "two-factor/setup/passkey/begin/",
        passkeys.PasskeyRegistrationBegin.as_view(),
        name="two_factor_setup_passkey_begin",
    ),
    path(
        "two-factor/setup/passkey/complete/",
        passkeys.PasskeyRegistrationComplete.as_view(),
        name="two_factor_setup_passkey_complete",
    ),
    path(
        "two-factor/setup/passkey/done/",
        passkeys.passkey_registered,
        name="two_factor_setup_passkey_done",
    ),
    path(
        "two-factor/setup/passkey/i18n/",
        passkeys.passkey_i18n,
        name="two_factor_setup_passkey_i18n",
    ),
    path("two-factor/backup-codes/", two_factor.backup_codes, name="backup_codes"),
    path(
        "two-factor/backup-codes/new/",
        two_factor.regenerate_backup_codes,
        name="regenerate_backup_codes",
    ),
    path("profile/devices/", two_factor.devices, name="devices"),
    path("profile/devices/change/", two_factor.device_action, name="device_action"),
    path("recover/user-id/", recovery.forgot_user_id, name="forgot_user_id"),
    path("recover/password/", recovery.forgot_password, name="forgot_password"),
    path("recover/password/<uidb64>/<token>/", recovery.password_reset, name="password_reset"),
    path(
        "recover/password/challenge/",
        recovery.password_reset_challenge,
        name="password_reset_challenge",
    ),
    path("recover/password/code/", recovery.password_reset_code, name="password_reset_code"),
    path("recover/password/new/", recovery.password_reset_new, name="password_reset_new"),
    path("confirm-email/<str:token>/", recovery.confirm_email, name="confirm_email"),
    path("profile/", profile.profile, name="profile"),
    path("profile/edit/", profile.edit_profile, name="edit_profile"),
    path("profile/password/", profile.change_password, name="change_password"),
    path("profile/confirm-its-you/", reauthentication.confirm_identity, name="confirm_identity"),
    path("profile/activity/", profile.activity, name="activity"),
    path("profile/sessions/", sessions.sessions, name="sessions"),
    path("profile/sessions/end/", sessions.end_session, name="end_session"),
]
urlpatterns += [
    path(
        f"profile/{channel}/",
        profile.change_contact,
        {"channel": channel},
        name=f"change_contact_{channel}",
    )
    for channel in ContactChange.Channel.values
]
urlpatterns += [
    path(
        f"profile/{channel}/confirm/",
        profile.confirm_contact,
        {"channel": channel},
        name=f"confirm_contact_{channel}",
    )
    for channel in ContactChange.Channel.values
]
