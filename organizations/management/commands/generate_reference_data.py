import time

from django.core.management.base import BaseCommand, CommandError

from organizations.synthetic import write_synthetic_reference_files


class Command(BaseCommand):
    help = (
        "Write realistic synthetic reference data for N practices into DIR, in the layout "
        "import_reference_data reads. The same seed always gives the same files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, required=True, metavar="N")
        parser.add_argument("--out", required=True, metavar="DIR")
        parser.add_argument("--seed", type=int, default=1, metavar="S")

    def handle(self, *args, practices, out, seed, **options):
        if practices < 1:
            raise CommandError("--practices must be at least 1.")
        started = time.perf_counter()
        counts = write_synthetic_reference_files(directory=out, practices=practices, seed=seed)
        elapsed = time.perf_counter() - started
        for name, rows in counts.items():
            self.stdout.write(f"{name}: {rows} rows")
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} in {elapsed:.1f} s."))
