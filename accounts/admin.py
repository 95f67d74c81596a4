"""Read-only admin pages for two-factor devices: no secrets shown, no edits without audit.

django-otp registers admins that show each authenticator's secret key (and its QR code)
and let devices be edited with no audit event. They are replaced here: devices change
only through ``accounts.services``, which audits every change.
"""

from django.contrib import admin
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qpp_portal.admin import ReadOnlyAdmin

DEVICE_FIELDS = ["user", "name", "confirmed", "created_at", "last_used_at"]


class DeviceAdmin(ReadOnlyAdmin):
    """Who has which device, and when it was last used; never its key or codes."""

    list_display = DEVICE_FIELDS
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = DEVICE_FIELDS
    readonly_fields = DEVICE_FIELDS


for model in (TOTPDevice, EmailDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, DeviceAdmin)
