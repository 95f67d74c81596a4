from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"

    def ready(self):
        from . import selectors
        from .signals import reference_data_changed

        reference_data_changed.connect(
            selectors.start_new_names_generation, dispatch_uid="search-names-reference-data"
        )
