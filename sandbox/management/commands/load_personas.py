from django.core.management.base import BaseCommand

from sandbox.personas import load_personas


class Command(BaseCommand):
    help = (
        "Load a persona for each path through the portal (sandbox only; idempotent). Needs "
        "load_demo_data, import_reference_data organizations/sample_data and load_demo_roles."
    )

    def handle(self, *args, **options):
        load_personas(out=self.stdout)
