from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "qpp_portal"
    verbose_name = "QPP Portal"
