from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "MIPS data submissions"

    def ready(self):
        from . import signals

        signals.connect_cache_invalidation()
