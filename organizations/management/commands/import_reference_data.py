from django.core.management.base import BaseCommand, CommandError

from organizations.reference_files import COLUMNS, ReferenceDataError
from organizations.services import import_reference_data, vacuum_reference_tables


class Command(BaseCommand):
    help = (
        "Load CMS reference data (practices, clinicians, enrolments, APM entities, APM "
        "participation, virtual groups, registries) from the CSV files in DIR; see docs/reference-data.md. "
        "Checks every row first and loads nothing if any is bad. Safe to re-run. "
        "On PostgreSQL the tables are then vacuumed and analyzed."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help=f"holds {', '.join(COLUMNS)}")

    def handle(self, *args, directory, **options):
        try:
            report = import_reference_data(directory=directory)
        except ReferenceDataError as error:
            lines = [str(problem) for problem in error.problems]
            raise CommandError(
                f"{len(lines)} problem(s) found; nothing was loaded.\n" + "\n".join(lines)
            ) from error
        for kind, counts in report.counts.items():
            self.stdout.write(f"{kind.replace('_', ' ')}: {counts}")
        if report.changed:
            vacuum_reference_tables()
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Reference data already up to date."))
