from django.core.management.base import BaseCommand

from qpp_portal.jobs import DAILY_JOBS, enqueue_daily_jobs


class Command(BaseCommand):
    help = "Enqueue the daily jobs (dormant accounts, role request expiry, outbox pruning)."

    def handle(self, *args, **options):
        results = enqueue_daily_jobs()
        for path, result in zip(DAILY_JOBS, results, strict=True):
            self.stdout.write(f"Enqueued {path} ({result.id}, {result.status}).")
