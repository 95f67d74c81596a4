from django.core.management.base import BaseCommand

from sandbox.reset import reset_sandbox


class Command(BaseCommand):
    help = "Put the sandbox back to its starting data, clock and faults (deletes everything)."

    def handle(self, *args, **options):
        reset_sandbox(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Sandbox reset to its starting data."))
