from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from .gateways.base import PhoneGateway


@register()
def check_phone_gateway(app_configs, **kwargs):
    """Refuse to start with a PHONE_GATEWAY that is not a PhoneGateway."""
    try:
        gateway = import_string(settings.PHONE_GATEWAY)
    except ImportError as exc:
        return [Error(f"PHONE_GATEWAY cannot be imported: {exc}", id="accounts.E001")]
    if not (isinstance(gateway, type) and issubclass(gateway, PhoneGateway)):
        return [
            Error(
                "PHONE_GATEWAY must name a subclass of accounts.gateways.base.PhoneGateway.",
                id="accounts.E002",
            )
        ]
    return []
