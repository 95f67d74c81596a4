"""State changes of accounts. Each audits itself and sends messages after commit."""

import secrets
from datetime import timedelta

from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import record_event
from qpp_portal import clock
from qpp_portal.links import absolute_url

from . import selectors, throttles
from .messaging import (
    deliver_text,
    render_phone_message,
    render_templated_email,
    send_templated_email,
)
from .models import (
    BackupCodeDevice,
    ContactChange,
    PasswordHistory,
    PhoneDevice,
    User,
    UserSession,
    digest_matches,
    keyed_digest,
)
from .tokens import password_reset_token_generator

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
        # The name just proofed is the one matched against the participation records later.
        locked.proofed_first_name = locked.first_name
        locked.proofed_last_name = locked.last_name
        locked.save(
            update_fields=[
                "identity_status",
                "identity_verified_at",
                "proofed_first_name",
                "proofed_last_name",
            ]
        )
        record_event(
            action=AuditEvent.Action.IDENTITY_VERIFIED,
            request=request,
            subject=locked,
            method=method,
        )
        _email_account_confirmation(locked, request)
    user.identity_status = locked.identity_status
    user.identity_verified_at = locked.identity_verified_at
    user.proofed_first_name = locked.proofed_first_name
    user.proofed_last_name = locked.proofed_last_name
    return locked


def _email_account_confirmation(user, request):
    """Email ``user`` the account confirmation with a link proving they control the address."""
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_CONFIRMATION_SALT)
    confirm_url = absolute_url(request, "accounts:confirm_email", token)
    sign_in_url = absolute_url(request, "accounts:sign_in")
    send_templated_email(
        app="accounts",
        name="account_created",
        to=user.email,
        context={"user": user, "confirm_url": confirm_url, "sign_in_url": sign_in_url},
    )


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
    """Set a new (already validated) password, remember it, and reactivate a dormant account.

    Only an account deactivated for dormancy comes back; one deactivated for another
    reason (by the help desk) stays inactive.
    """
    with transaction.atomic():
        user.set_password(password)
        fields = ["password"]
        reactivated = (
            not user.is_active and user.deactivation_reason == User.DeactivationReason.DORMANT
        )
        if reactivated:
            user.is_active = True
            user.deactivation_reason = ""
            # A fresh start for the dormancy clock, so the account is not deactivated again at once.
            user.last_login = clock.now()
            fields += ["is_active", "deactivation_reason", "last_login"]
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
        send_templated_email(
            app="accounts", name="password_changed", to=user.email, context={"user": user}
        )


def is_dormant(user, now=None):
    now = now or clock.now()
    last_seen = user.last_login or user.date_joined
    return last_seen < now - timedelta(days=settings.ACCOUNT_DORMANCY_DAYS)


def deactivate_account_if_dormant(*, user, request=None):
    """Deactivate an account unused for ACCOUNT_DORMANCY_DAYS; return True if it was."""
    if not user.is_active or not is_dormant(user):
        return False
    user.is_active = False
    user.deactivation_reason = User.DeactivationReason.DORMANT
    user.save(update_fields=["is_active", "deactivation_reason"])
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
    now = now or clock.now()
    cutoff = now - timedelta(days=settings.ACCOUNT_DORMANCY_DAYS)
    dormant = User.objects.filter(is_active=True, is_superuser=False).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    count = 0
    for user in dormant.iterator():
        user.is_active = False
        user.deactivation_reason = User.DeactivationReason.DORMANT
        user.save(update_fields=["is_active", "deactivation_reason"])
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
        others = [
            d
            for d in selectors.two_factor_devices(user)
            if d.persistent_id != device.persistent_id
        ]
        if others:
            # Not the first device (at registration nothing was there to protect yet).
            notify_security_change(
                user=user,
                change=f"A two-factor device was added: {selectors.describe_device(device)}.",
            )
        if selectors.backup_code_device(user) is None:
            return generate_backup_codes(user=user, request=request, notify=False)
    return None


def generate_backup_codes(*, user, request=None, notify=True):
    """Replace the person's backup codes; return the new ones, to be shown once. Email the
    person unless ``notify`` is false (their first codes, at registration)."""
    with transaction.atomic():
        device, _ = BackupCodeDevice.objects.get_or_create(
            user=user, defaults={"name": "Backup codes", "confirmed": True}
        )
        codes = device.generate_codes()
        record_event(action=AuditEvent.Action.BACKUP_CODES_GENERATED, request=request, actor=user)
        if notify:
            notify_security_change(
                user=user, change="New backup codes were made; the old ones no longer work."
            )
    return codes


def notify_security_change(*, user, change, to=None):
    """Email the person (at ``to``, else their address) that ``change`` was made to how they
    sign in, once the transaction commits, so that a change they did not make is noticed."""
    address = to or user.email
    send_templated_email(
        app="accounts",
        name="security_change",
        to=address,
        context={"user": user, "change": change},
    )


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
        notify_security_change(
            user=user, change=f"A two-factor device was removed: {description}."
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


TOO_MANY_CODES = (
    "We have sent too many codes for now. Wait a while before asking for another one, or "
    "use another device or a backup code."
)


def send_code(*, device):
    """Send a code through a side-channel device; raise AccountError while resending is throttled."""
    allowed, detail = device.generate_is_allowed()
    if not allowed:
        raise AccountError(
            "A code was sent a moment ago. Wait a minute before asking for another one."
        )
    destination = getattr(device, "number", "") or getattr(device, "email", "") or ""
    if not throttles.allow_code_send(user=device.user, destination=destination or "?"):
        raise AccountError(TOO_MANY_CODES)
    if isinstance(device, EmailDevice):
        # django-otp's EmailDevice.generate_challenge sends inside the request; the code is
        # queued like every other message instead (accounts.messaging).
        device.cooldown_set(commit=False)
        device.generate_token(valid_secs=settings.OTP_EMAIL_TOKEN_VALIDITY, commit=True)
        send_templated_email(
            app="accounts",
            name="security_code",
            to=device.email or device.user.email,
            context={"token": device.token, "user": device.user},
        )
        return
    device.generate_challenge()


def lock_device(device):
    """Return ``device`` read again with its row locked; call inside a transaction."""
    return type(device).objects.select_for_update().get(pk=device.pk)


def verify_setup_code(*, device, code):
    """Check the code that proves a device being set up, using it once (row locked as in
    ``verify_code``); return whether it was right."""
    with transaction.atomic():
        locked = lock_device(device)
        verified = locked.verify_token(code)
    if verified:
        # The caller confirms and saves ``device`` next: give it the state just saved.
        device.refresh_from_db()
    return verified


def verify_code(*, request, user, device, code, sign_in=True):
    """Check a code from ``device``; on success mark the session two-factor verified.

    Wrong codes are throttled per device (django-otp) and counted per account: after
    OTP_CODE_FAILURE_LIMIT wrong codes, codes are refused for OTP_CODE_LOCKOUT.
    """
    if selectors.codes_locked(user):
        raise AccountError(
            "Too many wrong codes. Code entry is locked for now; try again later or call the help desk."
        )
    with transaction.atomic():
        # The device row is locked while the code is checked, so of several simultaneous
        # posts of one code only the first is accepted: the next waits, then reads the
        # device as the first left it (TOTP's last time step, the spent text or email code,
        # the used backup code).
        device = lock_device(device)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise AccountError("Too many wrong codes in a row. Wait a little before trying again.")
        # Each device throttles itself on failure (django-otp's ThrottlingMixin).
        verified = device.verify_token(code)
    if verified:
        if user.code_failures:
            user.code_failures = 0
            user.codes_locked_until = None
            user.save(update_fields=["code_failures", "codes_locked_until"])
        if isinstance(device, BackupCodeDevice):
            record_event(action=AuditEvent.Action.BACKUP_CODE_USED, request=request, actor=user)
        record_event(action=AuditEvent.Action.CODE_VERIFIED, request=request, actor=user)
        if sign_in:
            otp_login(request, device)
            cycle_session_key(request=request, user=user)
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
    """Email the User IDs registered to ``email``; do nothing visible if there are none.

    For an unknown address the same queries run and the same email is rendered (not
    sent), so the answer takes the same work whatever the address.
    """
    users = list(User.objects.filter(email__iexact=email.strip()))
    for user in users or [None]:
        record_event(
            action=AuditEvent.Action.USER_ID_REMINDER_SENT,
            request=request,
            actor=None,
            subject=user,
            matched=user is not None,
        )
    sign_in_url = absolute_url(request, "accounts:sign_in")
    render_templated_email(
        app="accounts",
        name="user_id_reminder",
        to=users[0].email if users else "nobody@invalid",
        context={"users": users or [stand_in_user()], "sign_in_url": sign_in_url},
    )
    if users:
        # The email rendered above is the unknown address's share of the work; the worker
        # renders it again from the queued context.
        send_templated_email(
            app="accounts",
            name="user_id_reminder",
            to=users[0].email,
            context={"users": users, "sign_in_url": sign_in_url, "user": users[0]},
        )


def request_password_reset(*, username, request=None):
    """Email a reset link to the owner of ``username``; do nothing visible if there is none.

    A new link makes the older ones invalid (``tokens.PasswordResetLinkTokenGenerator``).
    For an unknown User ID the same queries run and the same email is rendered (not
    sent), so the answer takes the same work whatever the User ID.
    """
    user = User.objects.filter(username__iexact=username.strip()).first()
    record_event(
        action=AuditEvent.Action.PASSWORD_RESET_REQUESTED,
        request=request,
        actor=None,
        subject=user,
        matched=user is not None,
    )
    target = user or stand_in_user()
    uid = urlsafe_base64_encode(force_bytes(target.pk or 0))
    token = password_reset_token_generator.make_token(target)
    reset_url = absolute_url(request, "accounts:password_reset", uid, token)
    render_templated_email(
        app="accounts",
        name="password_reset",
        to=target.email or "nobody@invalid",
        context={"user": target, "reset_url": reset_url},
    )
    if user is not None:
        # The link is a secret until used: it waits encrypted in the outbox row and is
        # cleared once sent (outbox.models.Message).
        send_templated_email(
            app="accounts",
            name="password_reset",
            to=target.email,
            context={"user": user, "reset_url": reset_url},
        )


def stand_in_user():
    """An unsaved account used to do an unknown person's share of the work."""
    return User(username="", first_name="", last_name="", email="")


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
    """Save the changed name and address fields and return their names.

    A verified person whose legal name changes away from the identity-proofed one must
    verify their identity again (by documents: ``proofing.selectors.manual_proofing_reason``)
    before the portal trusts it, so their status goes back to unverified; Clinician roles
    whose clinician's name no longer matches end (roles.services). Both are audited, and the
    person is emailed.
    """
    changed = [field for field in PROFILE_FIELDS if getattr(user, field) != data[field]]
    for field in changed:
        setattr(user, field, data[field])
    if not changed:
        return changed
    renamed = user.is_identity_verified and user.legal_name_changed_since_proofing
    with transaction.atomic():
        fields = list(changed)
        if renamed:
            user.identity_status = User.IdentityStatus.UNVERIFIED
            fields.append("identity_status")
        user.save(update_fields=fields)
        record_event(
            action=AuditEvent.Action.PROFILE_UPDATED, request=request, actor=user, fields=changed
        )
        if {"first_name", "last_name"} & set(changed):
            from roles.services import refresh_member_sort_names

            refresh_member_sort_names(user=user)
        if renamed:
            from roles.services import end_clinician_roles_not_matching

            record_event(action=AuditEvent.Action.REPROOFING_REQUIRED, request=request, actor=user)
            ended = end_clinician_roles_not_matching(user=user, request=request)
            send_templated_email(
                app="accounts",
                name="legal_name_changed",
                to=user.email,
                context={"user": user, "ended_count": len(ended)},
            )
    return changed


def start_contact_change(*, user, channel, new_value):
    """Send a code to a new email address or phone; the change waits for that code.

    Raise AccountError if too many codes were sent for the person or to that address or
    number lately (``throttles.allow_code_send``)."""
    if not throttles.allow_code_send(user=user, destination=new_value):
        raise AccountError(TOO_MANY_CODES)
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
        send_templated_email(
            app="accounts",
            name="confirm_new_email",
            to=new_value,
            context={"user": user, "code": code},
        )
    else:
        body = render_phone_message("confirm_new_phone", {"code": code})
        deliver_text(to=new_value, message=body, what="accounts/confirm_new_phone", user=user)


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
        elif not digest_matches(code, f"contact-change:{user.pk}", change.code_digest):
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
        # Saved one by one, not updated in bulk, so the cached copy of a signed-in device
        # is forgotten (accounts.signals).
        for device in EmailDevice.objects.filter(user=user, email=old_email):
            device.email = change.new_value
            device.save(update_fields=["email"])
        action = AuditEvent.Action.EMAIL_CHANGED
    else:
        user.phone = change.new_value
        user.save(update_fields=["phone"])
        action = AuditEvent.Action.PHONE_CHANGED
    change.delete()
    record_event(action=action, request=request, actor=user)
    if channel == ContactChange.Channel.EMAIL:
        # Tell the new address and, in case someone else made the change, the old one.
        notify_security_change(user=user, change="The email address of your account was changed.")
        send_templated_email(
            app="accounts", name="email_changed", to=old_email, context={"user": user}
        )
    else:
        notify_security_change(user=user, change="The phone number of your account was changed.")


# Help desk: changes made for a caller whose identity the help desk verified. Each takes the
# help-desk person, the reason and the id of the caller-verification record (helpdesk app),
# refuses without them, and audits who did it, why and on which verification.


def _require_help_desk_call(help_desk_user, reason, verification_id):
    from django.core.exceptions import PermissionDenied

    if not (help_desk_user and selectors.is_help_desk(help_desk_user)):
        raise PermissionDenied("Only the help desk may do this.")
    if not verification_id:
        raise AccountError("Verify the caller's identity first.")
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise AccountError("Give the reason for this change.")
    return reason


def _audit_help_desk(action, *, user, help_desk_user, reason, verification_id, request, **detail):
    record_event(
        action=action,
        request=request,
        actor=help_desk_user,
        subject=user,
        reason=reason,
        verification=verification_id,
        **detail,
    )


def unlock_sign_in(*, user, help_desk_user, reason, verification_id, request=None):
    """Clear django-axes' failed sign-ins for ``user``'s ID (every address); return how
    many records went. Raise AccountError if nothing is recorded against it."""
    reason = _require_help_desk_call(help_desk_user, reason, verification_id)
    if not selectors.sign_in_lockouts(user):
        raise AccountError("There are no failed sign-ins to clear for this User ID.")
    with transaction.atomic():
        cleared = reset_sign_in_failures(username=user.username.lower())
        _audit_help_desk(
            AuditEvent.Action.SIGN_IN_UNLOCKED,
            user=user,
            help_desk_user=help_desk_user,
            reason=reason,
            verification_id=verification_id,
            request=request,
            records=cleared,
        )
    return cleared


def unlock_codes(*, user, help_desk_user, reason, verification_id, request=None):
    """End ``user``'s code lockout: the account's count of wrong codes and each device's
    throttle. Raise AccountError if codes are not locked."""
    reason = _require_help_desk_call(help_desk_user, reason, verification_id)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        throttled = [
            device
            for device in devices_for_user(locked, confirmed=None)
            if getattr(device, "throttling_failure_count", 0)
        ]
        if not (selectors.codes_locked(locked) or locked.code_failures or throttled):
            raise AccountError("Code entry is not locked for this person.")
        locked.code_failures = 0
        locked.codes_locked_until = None
        locked.save(update_fields=["code_failures", "codes_locked_until"])
        for device in throttled:
            device.throttle_reset()
        _audit_help_desk(
            AuditEvent.Action.CODES_UNLOCKED,
            user=locked,
            help_desk_user=help_desk_user,
            reason=reason,
            verification_id=verification_id,
            request=request,
        )
    user.code_failures, user.codes_locked_until = 0, None
    return locked


def reset_two_factor(*, user, help_desk_user, reason, verification_id, request=None):
    """Remove every two-factor device and the backup codes of ``user``, who lost their
    second factor; at the next sign-in AccountSetupMiddleware sends them to set up a new
    one. Email them, in case it was not them who called. Return the devices removed (as
    described to their owner). Raise AccountError if they have none."""
    reason = _require_help_desk_call(help_desk_user, reason, verification_id)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        devices = list(devices_for_user(locked, confirmed=None))
        if not devices:
            raise AccountError("This person has no two-factor devices to reset.")
        removed = [selectors.describe_device(d) for d in devices if d.confirmed]
        for device in devices:
            device.delete()
        locked.default_device = ""
        locked.save(update_fields=["default_device"])
        _audit_help_desk(
            AuditEvent.Action.TWO_FACTOR_RESET,
            user=locked,
            help_desk_user=help_desk_user,
            reason=reason,
            verification_id=verification_id,
            request=request,
            devices=removed,
        )
        send_templated_email(
            app="accounts", name="two_factor_reset", to=locked.email, context={"user": locked}
        )
    user.default_device = ""
    return removed


def reactivate_account(*, user, help_desk_user, reason, verification_id, request=None):
    """Reactivate a deactivated account (dormant, or deactivated by the help desk) and
    restart its dormancy clock. Raise AccountError if it is active."""
    reason = _require_help_desk_call(help_desk_user, reason, verification_id)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            raise AccountError("This account is active already.")
        was = locked.deactivation_reason
        locked.is_active = True
        locked.deactivation_reason = ""
        # A fresh start for the dormancy clock, so the next sign-in does not deactivate it.
        locked.last_login = clock.now()
        locked.save(update_fields=["is_active", "deactivation_reason", "last_login"])
        _audit_help_desk(
            AuditEvent.Action.ACCOUNT_REACTIVATED,
            user=locked,
            help_desk_user=help_desk_user,
            reason=reason,
            verification_id=verification_id,
            request=request,
            deactivated_because=was,
        )
    user.is_active, user.deactivation_reason, user.last_login = True, "", locked.last_login
    return locked


def resend_account_confirmation(*, user, help_desk_user, reason, verification_id, request=None):
    """Email ``user`` the account confirmation again, with a fresh link. Raise AccountError
    if the address is confirmed already or the identity is not verified yet (the email is
    sent when proofing passes)."""
    reason = _require_help_desk_call(help_desk_user, reason, verification_id)
    if not user.is_identity_verified:
        raise AccountError(
            "The identity is not verified yet; the confirmation is sent when it is."
        )
    if user.email_confirmed_at:
        raise AccountError("This person's email address is confirmed already.")
    with transaction.atomic():
        _email_account_confirmation(user, request)
        _audit_help_desk(
            AuditEvent.Action.CONFIRMATION_RESENT,
            user=user,
            help_desk_user=help_desk_user,
            reason=reason,
            verification_id=verification_id,
            request=request,
        )


# Signed-in sessions


def cycle_session_key(*, request, user):
    """Give the session a new key now that the second factor is proven (session fixation).

    The row that lets the person see this session follows it to the new key.
    """
    old_key = request.session.session_key
    request.session.cycle_key()
    remember_session(request=request, user=user, replaces=old_key)


def remember_session(*, request, user, replaces=None):
    """Record the request's session as one of ``user``'s, replacing the row of ``replaces``."""
    from audit.services import client_address

    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    if replaces and UserSession.objects.filter(session_key=replaces, user=user).update(
        session_key=key
    ):
        return
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "ip_address": client_address(request),
            "signed_in_at": timezone.now(),
        },
    )


def forget_session(*, request):
    """Drop the row of the request's session as it signs out."""
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


def end_other_session(*, request, user, public_id):
    """End one of ``user``'s other sessions; raise AccountError if it is not theirs or is this one."""
    row = UserSession.objects.filter(user=user, public_id=public_id).first()
    if row is None:
        raise AccountError("That session has already ended.")
    if row.session_key == request.session.session_key:
        raise AccountError("This is the session you are using. Sign out to end it.")
    selectors.session_store(row.session_key).delete(row.session_key)
    row.delete()
    record_event(
        action=AuditEvent.Action.SESSION_ENDED,
        request=request,
        actor=user,
        user_agent=row.user_agent[:100],
    )
