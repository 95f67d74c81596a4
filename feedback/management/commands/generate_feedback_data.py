import time

from django.core.management.base import BaseCommand

from feedback.synthetic import generate_feedback_data


class Command(BaseCommand):
    help = (
        "Replace eligibility, APM incentive payments and performance feedback with realistic "
        "synthetic rows for the reference data in the database (run import_reference_data "
        "first). The same seed and data always give the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, metavar="S")

    def handle(self, *args, seed, **options):
        started = time.perf_counter()
        counts = generate_feedback_data(seed=seed)
        for name, rows in counts.items():
            self.stdout.write(f"{name}: {rows} rows")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Generated feedback data in {elapsed:.1f} s."))
