from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    name = "qpp_portal"
    verbose_name = "QPP Portal"

    def ready(self):
        from django.core.checks import Tags, register

        from . import checks, deployment  # noqa: F401

        register(Tags.security)(deployment.check_production_phone_gateway)


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin on the portal's site: signed in through the portal, second factor proven."""

    default = False  # "qpp_portal" in INSTALLED_APPS means PortalConfig
    default_site = "qpp_portal.admin.PortalAdminSite"
