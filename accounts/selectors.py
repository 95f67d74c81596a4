from django.utils import timezone
from django_otp import devices_for_user

from audit.models import AuditEvent

from .models import BackupCodeDevice, User, mask_email


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
    return device.name


def challenge_failures_since_reset_request(user):
    """Count wrong challenge answers since the person last asked for a reset link.

    Counted from the audit log, not the session, so a fresh session or a second click
    on the same link does not bring back the attempts.
    """
    requested = (
        AuditEvent.objects.filter(subject=user, action=AuditEvent.Action.PASSWORD_RESET_REQUESTED)
        .values_list("created_at", flat=True)
        .first()
    )
    failures = AuditEvent.objects.filter(
        subject=user, action=AuditEvent.Action.CHALLENGE_ANSWER_FAILED
    )
    if requested is not None:
        failures = failures.filter(created_at__gte=requested)
    return failures.count()
