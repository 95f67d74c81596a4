import hmac
from datetime import UTC

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import Device

from audit.models import AuditEvent

from .models import BackupCodeDevice, User, digest_matches, mask_email


def setup_stage(user):
    """Return what a signed-in person who has not entered a code must do next."""
    if user.identity_status != User.IdentityStatus.VERIFIED:
        return "proofing"
    if not two_factor_devices(user):
        return "two_factor_setup"
    return "code"


def two_factor_devices(user):
    """Return the person's confirmed devices that receive or make codes (not backup codes)."""
    return [
        device
        for device in devices_for_user(user, confirmed=True)
        if not isinstance(device, BackupCodeDevice)
    ]


def backup_code_device(user):
    return BackupCodeDevice.objects.filter(user=user, confirmed=True).first()


def default_device(user):
    """Return the person's default device, or their first one if the default is gone."""
    devices = two_factor_devices(user)
    for device in devices:
        if device.persistent_id == user.default_device:
            return device
    return devices[0] if devices else None


def device_for_user(user, persistent_id):
    """Return one of ``user``'s confirmed devices by persistent ID, or None."""
    for device in devices_for_user(user, confirmed=True):
        if device.persistent_id == persistent_id:
            return device
    return None


# How long a signed-in session's device is kept in the shared cache. Saving or deleting a
# device forgets it at once (accounts.signals), so this only bounds memory.
DEVICE_CACHE_SECONDS = 300
# What the cache keeps of a device: whose it is and whether it is confirmed, all the
# middleware asks. Its secrets (a TOTP key, a code sent) load from the database if read.
DEVICE_FIELDS_CACHED = ("id", "user_id", "name", "confirmed")


def device_cache_key(persistent_id):
    return f"otp-device:{persistent_id}"


def device_from_persistent_id(persistent_id):
    """Return the two-factor device ``persistent_id`` names (None if there is none), from
    the shared cache when it is there.

    django-otp loads the session's device on every request to say whether the person
    entered a code; this spares that query on all but the first."""
    key = device_cache_key(persistent_id)
    device = cache.get(key)
    if device is None:
        device = Device.from_persistent_id(persistent_id)
        if device is not None:
            cache.set(key, copy_with_fields(device, DEVICE_FIELDS_CACHED), DEVICE_CACHE_SECONDS)
    return device


def copy_with_fields(instance, attnames):
    """Return a copy of model ``instance`` with only the fields ``attnames`` loaded; the
    others are deferred, as ``QuerySet.only`` leaves them, and load if read."""
    kept = [
        field.attname
        for field in instance._meta.concrete_fields
        if field.attname in attnames and field.attname in instance.__dict__
    ]
    return type(instance).from_db(
        instance._state.db, kept, [instance.__dict__[name] for name in kept]
    )


# How long the signed-in person's account row is kept in the shared cache. Saving or
# deleting the account forgets it at once and again at commit (accounts.signals), so this
# only bounds how long a copy read by a request racing that commit can live.
USER_CACHE_SECONDS = 60


def user_cache_key(user_id):
    return f"account:{user_id}"


def cached_user(user_id):
    """Return the account ``user_id`` names (None if there is none), from the shared cache
    when it is there.

    Every signed-in request reads its person; this spares that query (a third of the cost
    of a small page) on all but the first in a while. The copy in the cache leaves out
    ``User.FIELDS_KEPT_OUT_OF_CACHE``: reading one of them loads it from the database."""
    try:
        user_id = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    key = user_cache_key(user_id)
    user = cache.get(key)
    if user is None:
        user = User._default_manager.filter(pk=user_id).first()
        if user is not None:
            cache.set(key, cacheable_copy(user), USER_CACHE_SECONDS)
    return user


def cacheable_copy(user):
    """Return a copy of ``user`` without ``User.FIELDS_KEPT_OUT_OF_CACHE`` (deferred, as
    ``QuerySet.defer`` leaves them), holding the session hash its password makes and
    whether the header shows them the help-desk link."""
    kept = {field.attname for field in User._meta.concrete_fields}
    copy = copy_with_fields(user, kept.difference(User.FIELDS_KEPT_OUT_OF_CACHE))
    copy._session_auth_hash = user.get_session_auth_hash()
    copy._shows_help_desk_link = is_help_desk(user)
    return copy


# Held by the help desk's staff: the workspace, manual proofing review, exception reviews.
HELP_DESK_PERMISSION = "accounts.help_desk"


def is_help_desk(user):
    """Whether ``user`` (signed in) may act as the help desk."""
    return user.is_authenticated and user.has_perm(HELP_DESK_PERMISSION)


def shows_help_desk_link(user):
    """Whether the header shows ``user`` the link to the help-desk workspace.

    The link is a convenience: every help-desk view checks the permission itself
    (roles.selectors.require_help_desk). The account's cached copy carries the answer,
    sparing two permission queries on every page; a change to the person's own
    permissions or groups forgets that copy (accounts.signals), a change to a group's
    permissions shows when it times out (``USER_CACHE_SECONDS``)."""
    if user is None or not user.is_authenticated:
        return False
    cached = getattr(user, "_shows_help_desk_link", None)
    return is_help_desk(user) if cached is None else cached


def codes_locked(user):
    return bool(user.codes_locked_until and user.codes_locked_until > timezone.now())


def describe_device(device):
    """Name a device the way its owner recognises it, without showing full contact details."""
    from django_otp.plugins.otp_email.models import EmailDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .models import PhoneDevice

    if isinstance(device, TOTPDevice):
        named = device.name and device.name != "Authenticator app"
        return f"Authenticator app ({device.name})" if named else "Authenticator app"
    if isinstance(device, EmailDevice):
        return f"Email to {mask_email(device.email or device.user.email)}"
    if isinstance(device, PhoneDevice):
        verb = "Voice call to" if device.method == PhoneDevice.Method.VOICE else "Text message to"
        return f"{verb} {device.number_masked}"
    if isinstance(device, BackupCodeDevice):
        return "Backup code"
    from django_otp_webauthn.models import AbstractWebAuthnCredential

    if isinstance(device, AbstractWebAuthnCredential):
        return "Passkey"
    return device.name


def challenge_failures(user):
    """Count the person's wrong challenge answers that still count against them.

    Counted per account across every reset link (from the audit log, not the session or
    the link), within ``RECOVERY_CHALLENGE_WINDOW`` and since their last completed reset,
    so neither a fresh session nor a new link brings back the attempts.
    """
    since = timezone.now() - settings.RECOVERY_CHALLENGE_WINDOW
    reset = (
        AuditEvent.objects.filter(subject=user, action=AuditEvent.Action.PASSWORD_RESET)
        .values_list("created_at", flat=True)
        .first()
    )
    if reset is not None and reset > since:
        since = reset
    return AuditEvent.objects.filter(
        subject=user, action=AuditEvent.Action.CHALLENGE_ANSWER_FAILED, created_at__gte=since
    ).count()


def latest_password_reset_request(user):
    """Return the id of the latest reset request for ``user`` (None if none).

    For an unsaved stand-in user (an unknown User ID) this runs the same query, for
    requests of no account, so that both answers take the same work.
    """
    return (
        AuditEvent.objects.filter(
            subject_id=user.pk, action=AuditEvent.Action.PASSWORD_RESET_REQUESTED
        )
        .values_list("pk", flat=True)
        .first()
    )


def match_caller_account(details):
    """Find the account of a caller who gave ``details`` (``email`` and what
    ``identity_mismatches`` reads) and return ``(user, mismatches)``: of the accounts with
    that email address, the one that matches best. ``(None, {"email": "no_account"})`` if
    no account has the address."""
    candidates = list(User.objects.filter(email__iexact=details.get("email", "").strip()))
    if not candidates:
        return None, {"email": "no_account"}
    scored = [(identity_mismatches(user, details), user) for user in candidates]
    mismatches, user = min(scored, key=lambda pair: (len(pair[0]), pair[1].pk))
    return user, mismatches


def session_store(session_key):
    """Return the ``SESSION_ENGINE`` store of one session, whatever the engine."""
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def signed_in_sessions(user):
    """Return ``user``'s live sessions, newest first, each with its ``last_seen`` time.

    Rows whose session has ended (signed out, expired, flushed) are removed on the way.
    """
    from datetime import datetime

    from .middleware import LAST_ACTIVITY_KEY
    from .models import UserSession

    live = []
    for row in UserSession.objects.filter(user=user):
        data = session_store(row.session_key).load()
        if str(data.get("_auth_user_id")) != str(user.pk):
            row.delete()
            continue
        seen = data.get(LAST_ACTIVITY_KEY)
        row.last_seen = datetime.fromtimestamp(seen, tz=UTC) if seen else None
        live.append(row)
    return live


# --- For the help desk ---------------------------------------------------------------------


def sign_in_lockouts(user, now=None):
    """Return django-axes' failed sign-in records for ``user``'s ID, newest first, each with
    ``is_locked`` set (AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME)."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    attempts = list(
        AccessAttempt.objects.filter(username__iexact=user.username).order_by("-attempt_time")
    )
    for attempt in attempts:
        attempt.is_locked = (
            attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
            and attempt.attempt_time > now - settings.AXES_COOLOFF_TIME
        )
    return attempts


def last_sign_in(user):
    """Return the newest successful sign-in event of ``user`` (it records the address), or None."""
    return (
        AuditEvent.objects.filter(subject=user, action=AuditEvent.Action.SIGN_IN_SUCCEEDED)
        .order_by("-created_at", "-id")
        .first()
    )


def _same_text(typed, stored):
    return " ".join(str(typed).split()).casefold() == " ".join(str(stored).split()).casefold()


def identity_mismatches(user, details):
    """Compare what a caller says about themselves with ``user``'s account.

    ``details`` may hold ``first_name``, ``last_name``, ``email``, ``phone`` (E.164),
    ``date_of_birth`` (a date), ``street_address``, ``zip_code`` and ``ssn`` (the last 4
    digits, or all 9, checked against the keyed digest). Return ``{field: code}`` for each
    detail given that does not match (an SSN for an account without one never matches)."""
    mismatches = {}
    for field in ("first_name", "last_name", "email", "street_address"):
        if field in details and not _same_text(details[field], getattr(user, field)):
            mismatches[field] = f"{field}_mismatch"
    if "phone" in details and details["phone"] != user.phone:
        mismatches["phone"] = "phone_mismatch"
    if "zip_code" in details and details["zip_code"][:5] != (user.zip_code or "")[:5]:
        mismatches["zip_code"] = "zip_code_mismatch"
    if "date_of_birth" in details and details["date_of_birth"] != user.date_of_birth:
        mismatches["date_of_birth"] = "date_of_birth_mismatch"
    if "ssn" in details:
        ssn = "".join(ch for ch in str(details["ssn"]) if ch.isdigit())
        if len(ssn) == 9:
            matches = bool(user.ssn_digest) and digest_matches(ssn, "ssn", user.ssn_digest)
        else:
            matches = bool(user.ssn) and len(ssn) == 4 and hmac.compare_digest(ssn, user.ssn[-4:])
        if not matches:
            mismatches["ssn"] = "ssn_mismatch"
    return mismatches
