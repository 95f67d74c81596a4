from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"

    def ready(self):
        from . import signals

        signals.connect_cache_invalidation()
