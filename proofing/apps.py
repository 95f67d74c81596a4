from django.apps import AppConfig


class ProofingConfig(AppConfig):
    name = "proofing"
    verbose_name = "Identity proofing"

    def ready(self):
        from . import backends, checks  # noqa: F401 - registers checks and the cache reset
