from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "HARP-style accounts"

    def ready(self):
        from . import checks, signals  # noqa: F401 - checks registers on import

        signals.connect_cache_invalidation()
