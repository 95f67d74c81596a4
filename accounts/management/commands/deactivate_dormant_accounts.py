from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.services import deactivate_dormant_accounts


class Command(BaseCommand):
    help = "Deactivate accounts unused for ACCOUNT_DORMANCY_DAYS (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        count = deactivate_dormant_accounts()
        self.stdout.write(
            f"Deactivated {count} account(s) unused for {settings.ACCOUNT_DORMANCY_DAYS} days."
        )
