"""State changes of accounts. Each audits itself and sends messages after commit."""

import secrets
from datetime import timedelta

from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import login as otp_login
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import record_event
from qpp_portal.links import absolute_url

from . import selectors
from .gateways import get_phone_gateway
from .messaging import render_phone_message, send_templated_email
from .models import (
    BackupCodeDevice,
    ContactChange,
    PasswordHistory,
    PhoneDevice,
    User,
    keyed_digest,
)

EMAIL_CONFIRMATION_SALT = "accounts.email-confirmation"


class AccountError(Exception):
    """A requested change breaks one of the account rules; the message says which."""


class UserIdTaken(AccountError):
    pass


@transaction.atomic
def register_account(
    *,
    profile,
    username,
    password,
    challenge_question,
    challenge_answer,
    terms_version,
    request=None,
):
    """Create the person's account from their profile; raise UserIdTaken on a race for the ID."""
    user = User(
        username=username,
        first_name=profile["first_name"],
        last_name=profile["last_name"],
        email=profile["email"],
        phone=profile["phone"],
        date_of_birth=profile["date_of_birth"],
        street_address=profile["street_address"],
        address_line_2=profile.get("address_line_2", ""),
        city=profile["city"],
        state=profile["state"],
        zip_code=profile["zip_code"],
        terms_version=terms_version,
        terms_accepted_at=profile["terms_accepted_at"],
        challenge_question=challenge_question,
    )
    user.set_ssn(profile.get("ssn", ""))
    user.set_password(password)
    user.set_challenge_answer(challenge_answer)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise UserIdTaken("This User ID is taken. Choose another.") from error
    PasswordHistory.objects.create(user=user, password=user.password)
    record_event(action=AuditEvent.Action.ACCOUNT_REGISTERED, request=request, actor=user)
    record_event(
        action=AuditEvent.Action.TERMS_ACCEPTED,
        request=request,
        actor=user,
        version=terms_version,
    )
    return user


def complete_identity_verification(*, user, method, request=None):
    """Mark ``user``'s identity verified by ``method``; email the account confirmation."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.identity_status == User.IdentityStatus.VERIFIED:
            return locked
        locked.identity_status = User.IdentityStatus.VERIFIED
        locked.identity_verified_at = timezone.now()
        locked.save(update_fields=["identity_status", "identity_verified_at"])
        record_event(
            action=AuditEvent.Action.IDENTITY_VERIFIED,
            request=request,
            subject=locked,
            method=method,
        )
        token = signing.dumps(
            {"user": locked.pk, "email": locked.email}, salt=EMAIL_CONFIRMATION_SALT
        )
        confirm_url = absolute_url(request, "accounts:confirm_email", token)
        sign_in_url = absolute_url(request, "accounts:sign_in")
        transaction.on_commit(
            lambda: send_templated_email(
                app="accounts",
                name="account_created",
                to=locked.email,
                context={"user": locked, "confirm_url": confirm_url, "sign_in_url": sign_in_url},
            )
        )
    user.identity_status = locked.identity_status
    user.identity_verified_at = locked.identity_verified_at
    return locked


def confirm_email(*, token, request=None):
    """Record that the person controls the address the confirmation was sent to.

    Return the user, or None if the link is bad, expired or for an address since changed.
    """
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRMATION_SALT, max_age=timedelta(days=7))
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        record_event(
            action=AuditEvent.Action.EMAIL_CONFIRMED, request=request, actor=None, subject=user
        )
    return user


def set_password(*, user, password, request=None, action=AuditEvent.Action.PASSWORD_CHANGED):
    """Set a new (already validated) password, remember it, and reactivate a dormant account."""
    with transaction.atomic():
        user.set_password(password)
        fields = ["password"]
        reactivated = not user.is_active
        if reactivated:
            user.is_active = True
            # A fresh start for the dormancy clock, so the account is not deactivated again at once.
            user.last_login = timezone.now()
            fields += ["is_active", "last_login"]
        user.save(update_fields=fields)
        PasswordHistory.objects.create(user=user, password=user.password)
        if action == AuditEvent.Action.PASSWORD_RESET:
            # The lockout message offers a reset as the way back in.
            reset_sign_in_failures(username=user.username.lower())
        record_event(action=action, request=request, subject=user)
        if reactivated:
            record_event(
                action=AuditEvent.Action.ACCOUNT_REACTIVATED,
                request=request,
                actor=None,
                subject=user,
            )
        transaction.on_commit(
            lambda: send_templated_email(
                app="accounts", name="password_changed", to=user.email, context={"user": user}
            )
        )


def is_dormant(user, now=None):
    now = now or timezone.now()
    last_seen = user.last_login or user.date_joined
    return last_seen < now - timedelta(days=settings.ACCOUNT_DORMANCY_DAYS)


def deactivate_account_if_dormant(*, user, request=None):
    """Deactivate an account unused for ACCOUNT_DORMANCY_DAYS; return True if it was."""
    if not user.is_active or not is_dormant(user):
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    record_event(
        action=AuditEvent.Action.ACCOUNT_DEACTIVATED,
        request=request,
        actor=None,
        subject=user,
        reason="dormant",
    )
    return True


def deactivate_dormant_accounts(*, now=None):
    """Deactivate every active account unused for ACCOUNT_DORMANCY_DAYS; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCOUNT_DORMANCY_DAYS)
    dormant = User.objects.filter(is_active=True, is_superuser=False).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    count = 0
    for user in dormant.iterator():
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_event(
            action=AuditEvent.Action.ACCOUNT_DEACTIVATED,
            actor=None,
            subject=user,
            reason="dormant",
        )
        count += 1
    return count


# Two-factor devices


def start_totp_device(*, user):
    """Create an unconfirmed authenticator-app device; it counts once a code proves it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def start_phone_device(*, user, number, method):
    PhoneDevice.objects.filter(user=user, confirmed=False).delete()
    return PhoneDevice.objects.create(
        user=user, number=number, method=method, name=method, confirmed=False
    )


def start_email_device(*, user):
    EmailDevice.objects.filter(user=user, confirmed=False).delete()
    return EmailDevice.objects.create(user=user, email=user.email, name="Email", confirmed=False)


def confirm_device(*, user, device, request=None):
    """Confirm a device whose code was just verified; return new backup codes if this is the first."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        if selectors.device_for_user(user, user.default_device) is None:
            user.default_device = device.persistent_id
            user.save(update_fields=["default_device"])
        record_event(
            action=AuditEvent.Action.DEVICE_ADDED,
            request=request,
            actor=user,
            device=selectors.describe_device(device),
        )
        if selectors.backup_code_device(user) is None:
            return generate_backup_codes(user=user, request=request)
    return None


def generate_backup_codes(*, user, request=None):
    """Replace the person's backup codes; return the new ones, to be shown once."""
    with transaction.atomic():
        device, _ = BackupCodeDevice.objects.get_or_create(
            user=user, defaults={"name": "Backup codes", "confirmed": True}
        )
        codes = device.generate_codes()
        record_event(action=AuditEvent.Action.BACKUP_CODES_GENERATED, request=request, actor=user)
    return codes


def remove_device(*, user, device, request=None):
    """Remove a device; refuse to remove the person's last one."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        devices = selectors.two_factor_devices(user)
        if len(devices) <= 1:
            raise AccountError(
                "You cannot remove your only two-factor device. Add another one first."
            )
        description = selectors.describe_device(device)
        was_default = device.persistent_id == user.default_device
        device.delete()
        if was_default:
            user.default_device = selectors.two_factor_devices(user)[0].persistent_id
            user.save(update_fields=["default_device"])
        record_event(
            action=AuditEvent.Action.DEVICE_REMOVED,
            request=request,
            actor=user,
            device=description,
        )


def set_default_device(*, user, device, request=None):
    user.default_device = device.persistent_id
    user.save(update_fields=["default_device"])
    record_event(
        action=AuditEvent.Action.DEFAULT_DEVICE_CHANGED,
        request=request,
        actor=user,
        device=selectors.describe_device(device),
    )


def send_code(*, device):
    """Send a code through a side-channel device; raise AccountError while resending is throttled."""
    allowed, detail = device.generate_is_allowed()
    if not allowed:
        raise AccountError(
            "A code was sent a moment ago. Wait a minute before asking for another one."
        )
    device.generate_challenge()


def verify_code(*, request, user, device, code, sign_in=True):
    """Check a code from ``device``; on success mark the session two-factor verified.

    Wrong codes are throttled per device (django-otp) and counted per account: after
    OTP_CODE_FAILURE_LIMIT wrong codes, codes are refused for OTP_CODE_LOCKOUT.
    """
    if selectors.codes_locked(user):
        raise AccountError(
            "Too many wrong codes. Code entry is locked for now; try again later or call the help desk."
        )
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise AccountError("Too many wrong codes in a row. Wait a little before trying again.")
    # Each device throttles itself on failure (django-otp's ThrottlingMixin).
    if device.verify_token(code):
        if user.code_failures:
            user.code_failures = 0
            user.codes_locked_until = None
            user.save(update_fields=["code_failures", "codes_locked_until"])
        if isinstance(device, BackupCodeDevice):
            record_event(action=AuditEvent.Action.BACKUP_CODE_USED, request=request, actor=user)
        record_event(action=AuditEvent.Action.CODE_VERIFIED, request=request, actor=user)
        if sign_in:
            otp_login(request, device)
        return True
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.code_failures += 1
        fields = ["code_failures"]
        if locked.code_failures >= settings.OTP_CODE_FAILURE_LIMIT:
            locked.codes_locked_until = timezone.now() + settings.OTP_CODE_LOCKOUT
            locked.code_failures = 0
            fields.append("codes_locked_until")
            record_event(
                action=AuditEvent.Action.CODE_LOCKED, request=request, actor=None, subject=locked
            )
        locked.save(update_fields=fields)
        user.code_failures, user.codes_locked_until = (
            locked.code_failures,
            locked.codes_locked_until,
        )
    record_event(action=AuditEvent.Action.CODE_FAILED, request=request, actor=None, subject=user)
    return False


# Recovery


def send_user_id_reminder(*, email, request=None):
    """Email the User IDs registered to ``email``; do nothing visible if there are none."""
    users = list(User.objects.filter(email__iexact=email.strip()))
    for user in users:
        record_event(
            action=AuditEvent.Action.USER_ID_REMINDER_SENT,
            request=request,
            actor=None,
            subject=user,
        )
    if users:
        sign_in_url = absolute_url(request, "accounts:sign_in")
        transaction.on_commit(
            lambda: send_templated_email(
                app="accounts",
                name="user_id_reminder",
                to=users[0].email,
                context={"users": users, "sign_in_url": sign_in_url},
            )
        )


def request_password_reset(*, username, request=None):
    """Email a reset link to the owner of ``username``; do nothing visible if there is none."""
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    reset_url = absolute_url(request, "accounts:password_reset", uid, token)
    record_event(
        action=AuditEvent.Action.PASSWORD_RESET_REQUESTED,
        request=request,
        actor=None,
        subject=user,
    )
    transaction.on_commit(
        lambda: send_templated_email(
            app="accounts",
            name="password_reset",
            to=user.email,
            context={"user": user, "reset_url": reset_url},
        )
    )


# Profile

PROFILE_FIELDS = [
    "first_name",
    "last_name",
    "street_address",
    "address_line_2",
    "city",
    "state",
    "zip_code",
]


def update_profile(*, user, data, request=None):
    changed = [field for field in PROFILE_FIELDS if getattr(user, field) != data[field]]
    for field in changed:
        setattr(user, field, data[field])
    if changed:
        user.save(update_fields=changed)
        record_event(
            action=AuditEvent.Action.PROFILE_UPDATED, request=request, actor=user, fields=changed
        )
    return changed


def start_contact_change(*, user, channel, new_value):
    """Send a code to a new email address or phone; the change waits for that code."""
    code = f"{secrets.randbelow(10**6):06d}"
    ContactChange.objects.update_or_create(
        user=user,
        channel=channel,
        defaults={
            "new_value": new_value,
            "code_digest": keyed_digest(code, f"contact-change:{user.pk}"),
            "expires_at": timezone.now() + timedelta(seconds=settings.OTP_SENT_CODE_VALIDITY),
            "attempts": 0,
        },
    )
    if channel == ContactChange.Channel.EMAIL:
        transaction.on_commit(
            lambda: send_templated_email(
                app="accounts",
                name="confirm_new_email",
                to=new_value,
                context={"user": user, "code": code},
            )
        )
    else:
        body = render_phone_message("confirm_new_phone", {"code": code})
        transaction.on_commit(lambda: get_phone_gateway().send_text(to=new_value, message=body))


MAX_CONTACT_CHANGE_ATTEMPTS = 5


def confirm_contact_change(*, user, channel, code, request=None):
    """Apply the pending change if ``code`` matches; raise AccountError otherwise."""
    # The refusals are raised after the block, so that the counted attempt or the removed
    # change is committed rather than rolled back with the error.
    refusal = None
    with transaction.atomic():
        change = (
            ContactChange.objects.select_for_update().filter(user=user, channel=channel).first()
        )
        if change is None or change.is_expired or change.attempts >= MAX_CONTACT_CHANGE_ATTEMPTS:
            if change is not None:
                change.delete()
            refusal = "This code has expired. Start the change again to get a new code."
        elif keyed_digest(code, f"contact-change:{user.pk}") != change.code_digest:
            change.attempts += 1
            change.save(update_fields=["attempts"])
            refusal = "That code is not correct. Check it and try again."
        else:
            _apply_contact_change(user=user, change=change, request=request)
    if refusal:
        raise AccountError(refusal)


def _apply_contact_change(*, user, change, request):
    """Make a verified change of email or phone; tell the old address of an email change."""
    channel = change.channel
    old_email = user.email
    if channel == ContactChange.Channel.EMAIL:
        user.email = change.new_value
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email", "email_confirmed_at"])
        EmailDevice.objects.filter(user=user, email=old_email).update(email=change.new_value)
        action = AuditEvent.Action.EMAIL_CHANGED
    else:
        user.phone = change.new_value
        user.save(update_fields=["phone"])
        action = AuditEvent.Action.PHONE_CHANGED
    change.delete()
    record_event(action=action, request=request, actor=user)
    if channel == ContactChange.Channel.EMAIL:
        # Tell the old address, in case someone else made the change.
        transaction.on_commit(
            lambda: send_templated_email(
                app="accounts", name="email_changed", to=old_email, context={"user": user}
            )
        )
