"""State changes of the organizations app: loading CMS reference data."""

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction

from .models import ApmParticipation, Clinician, Enrolment, Organization, VirtualGroupTin
from .reference_files import (
    APM_ENTITY_FIELDS,
    CLINICIAN_FIELDS,
    PRACTICE_FIELDS,
    REGISTRY_FIELDS,
    Problem,
    ReferenceDataError,
    read_reference_files,
)
from .signals import reference_data_changed

BATCH_SIZE = 2000
# An empty table receiving at least this many rows has its indexes and foreign keys
# dropped and made again after (PostgreSQL only; see _indexes_rebuilt_after).
REBUILD_INDEXES_FROM = 100_000


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportReport:
    """Counts per kind of record, in the order the files are loaded."""

    counts: dict = field(default_factory=dict)

    @property
    def changed(self):
        return any(count.created or count.updated for count in self.counts.values())


def import_reference_data(*, directory, batch_size=BATCH_SIZE):
    """Load the reference CSV files in ``directory``, creating or updating each record by its
    natural key (TIN, NPI, APM Entity ID, registry ID, NPI + TIN, virtual group TIN + year +
    TIN) and never deleting.

    Every row is checked before anything is written; if any is bad, raise
    ``ReferenceDataError`` listing them all, and write nothing. Otherwise load everything
    in one transaction and return an ``ImportReport``. Running it twice with the same files
    changes nothing the second time.
    """
    # Two imports at once could both read the same snapshot and then collide on a unique
    # constraint; the loser's transaction rolls back and it reports the conflict.
    try:
        with _cycle_collector_paused(), transaction.atomic():
            data = read_reference_files(directory)
            report = _write(data, batch_size)
            if report.changed:
                reference_data_changed.send(sender=import_reference_data, report=report)
            return report
    except IntegrityError as error:
        raise ReferenceDataError(
            [Problem(str(directory), 0, f"the database refused the data: {error}")]
        ) from error


def vacuum_reference_tables():
    """Vacuum and analyze the reference data's tables on PostgreSQL (outside a transaction;
    elsewhere, do nothing).

    After a large import PostgreSQL's statistics are those of the old data until
    autovacuum comes round, and an index-only read (a search's walk of the first names)
    still visits each new row in the table."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for model in (Organization, Clinician, Enrolment, ApmParticipation, VirtualGroupTin)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


@contextmanager
def _cycle_collector_paused():
    """Pause Python's cycle collector: an import holds millions of row tuples and makes no
    cycles, and each collection scanned them all again (a third of a 1M-practice import)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _write(data, batch_size):
    snapshot = data.snapshot
    report = ImportReport()
    practice = Organization.Kind.PRACTICE
    new_organizations = len(data.practices) + len(data.registries) + len(data.apm_entities)
    with _indexes_rebuilt_after(Organization, new_organizations):
        _write_organizations(data, report, batch_size)
    with _indexes_rebuilt_after(Clinician, len(data.clinicians)):
        report.counts["clinicians"] = _upsert(
            Clinician,
            data.clinicians,
            snapshot.clinicians,
            CLINICIAN_FIELDS,
            ["npi", *CLINICIAN_FIELDS],
            lambda npi, values: (npi, *values),
            batch_size,
        )

    practice_ids = clinician_ids = entity_ids = None
    if data.enrolments or data.participation:
        organizations = Organization.objects.order_by()
        practice_ids = dict(organizations.filter(kind=practice).values_list("tin", "id"))
        clinician_ids = dict(Clinician.objects.order_by().values_list("npi", "id"))
    if data.enrolments:
        with _indexes_rebuilt_after(Enrolment, len(data.enrolments)):
            report.counts["enrolments"] = _upsert(
                Enrolment,
                data.enrolments,
                snapshot.enrolments,
                ["ptan"],
                ["clinician_id", "practice_id", "ptan"],
                lambda key, values: (clinician_ids[key[0]], practice_ids[key[1]], values[0]),
                batch_size,
            )
    if data.participation:
        apm_entity = Organization.Kind.APM_ENTITY
        entity_ids = dict(
            Organization.objects.order_by().filter(kind=apm_entity).values_list("entity_id", "id")
        )
        with _indexes_rebuilt_after(ApmParticipation, len(data.participation)):
            report.counts["apm_participation"] = _upsert(
                ApmParticipation,
                data.participation,
                snapshot.participation,
                [],
                ["entity_id", "performance_year", "practice_id", "clinician_id"],
                lambda key, values: (
                    entity_ids[key[0]],
                    key[1],
                    practice_ids[key[2]],
                    clinician_ids[key[3]] if key[3] else None,
                ),
                batch_size,
            )
    if data.virtual_group_tins:
        _write_virtual_groups(data, report, practice_ids, batch_size)
    return report


def _write_organizations(data, report, batch_size):
    snapshot = data.snapshot
    practice = Organization.Kind.PRACTICE
    report.counts["practices"] = _upsert(
        Organization,
        data.practices,
        snapshot.practices,
        PRACTICE_FIELDS,
        ["kind", "tin", *PRACTICE_FIELDS],
        lambda tin, values: (practice, tin, *values),
        batch_size,
        # New practices are written in name order: the rows a name search finds then sit
        # together on disk (a first load stores a million practices alphabetically).
        order=lambda row: row[2].upper(),
    )
    registry = Organization.Kind.REGISTRY
    report.counts["registries"] = _upsert(
        Organization,
        data.registries,
        snapshot.registries,
        REGISTRY_FIELDS,
        ["kind", "registry_id", *REGISTRY_FIELDS],
        lambda registry_id, values: (registry, registry_id, *values),
        batch_size,
    )
    apm_entity = Organization.Kind.APM_ENTITY
    report.counts["apm_entities"] = _upsert(
        Organization,
        data.apm_entities,
        snapshot.apm_entities,
        APM_ENTITY_FIELDS,
        ["kind", "entity_id", *APM_ENTITY_FIELDS],
        lambda entity_id, values: (apm_entity, entity_id, *values),
        batch_size,
    )


def _write_virtual_groups(data, report, practice_ids, batch_size):
    """Give each virtual group its identifier, then load the TINs forming it per year."""
    snapshot = data.snapshot
    if practice_ids is None:
        practice_ids = dict(
            Organization.objects.order_by()
            .filter(kind=Organization.Kind.PRACTICE)
            .values_list("tin", "id")
        )
    identifiers = {key[0]: values[0] for key, values in data.virtual_group_tins.items()}
    counts = LoadCounts()
    changed = []
    for tin, virtual_group_id in identifiers.items():
        current = snapshot.virtual_group_ids.get(tin, (None, None))[1]
        if current == virtual_group_id:
            counts.unchanged += 1
            continue
        if current is None:
            counts.created += 1
        else:
            counts.updated += 1
        changed.append((practice_ids[tin], virtual_group_id))
    _update(Organization, ["virtual_group_id"], changed, batch_size)
    report.counts["virtual_groups"] = counts
    report.counts["virtual_group_tins"] = _upsert(
        VirtualGroupTin,
        dict.fromkeys(data.virtual_group_tins, ()),
        snapshot.virtual_group_tins,
        [],
        ["virtual_group_id", "performance_year", "practice_id"],
        lambda key, values: (practice_ids[key[0]], key[1], practice_ids[key[2]]),
        batch_size,
    )


def _upsert(model, rows, existing, fields, columns, build, batch_size, order=None):
    """Create the rows whose key is new, update those whose values differ, count the rest.

    ``existing`` maps key -> (id, *values) as read before the import; ``fields`` name the
    values; ``build`` returns a new row's values for ``columns``; ``order``, if given, is
    the sort key of the new rows."""
    counts = LoadCounts()
    to_create = []
    to_update = []
    for key, values in rows.items():
        current = existing.get(key)
        if current is None:
            to_create.append(build(key, values))
        elif tuple(current[1:]) != tuple(values):
            to_update.append((current[0], *values))
        else:
            counts.unchanged += 1
    if order is not None:
        to_create.sort(key=order)
    _create(model, columns, to_create, batch_size)
    _update(model, fields, to_update, batch_size)
    counts.created = len(to_create)
    counts.updated = len(to_update)
    return counts


@contextmanager
def _indexes_rebuilt_after(model, new_rows):
    """If ``model``'s table is empty and about to receive ``new_rows`` >=
    REBUILD_INDEXES_FROM rows on PostgreSQL, drop its indexes, unique constraints and
    foreign keys (not its primary key) and make them again on leaving.

    Building an index over a million rows at once is several times faster than growing it
    a row at a time, and one check of a foreign key over every row than a check per row.
    It all happens in the import's transaction: other sessions see the table as it was, or
    wait for the commit (dropping an index locks the table), and a failure restores it."""
    if new_rows < REBUILD_INDEXES_FROM or not _copy_available() or model._base_manager.exists():
        yield
        return
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint "
            "  WHERE conindid = indexrelid AND conrelid = indrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")  # already quoted by ::regclass::text
    yield
    with connection.cursor() as cursor:
        # For this transaction only: sorting a million keys in memory, not on disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def _copy_available():
    """Say whether rows can be streamed with PostgreSQL's COPY (else the ORM writes them)."""
    return connection.vendor == "postgresql"


def _create(model, columns, rows, batch_size):
    """Insert ``rows`` (values for ``columns``; other fields take their defaults)."""
    if not rows:
        return
    if not _copy_available():
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows],
            batch_size=batch_size,
        )
        return
    # COPY skips the ORM, so the fields the rows leave out get their defaults here (the
    # database works out its generated ones).
    others = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated and field.attname not in columns
    ]
    defaults = tuple(field.get_default() for field in others)
    _copy(model._meta.db_table, [*columns, *(field.column for field in others)], rows, defaults)


def _update(model, fields, rows, batch_size):
    """Set ``fields`` of the rows ``(id, *values)``."""
    if not rows:
        return
    if not _copy_available():
        model.objects.bulk_update(
            [model(id=row[0], **dict(zip(fields, row[1:], strict=True))) for row in rows],
            fields,
            batch_size=batch_size // 2,
        )
        return
    # A staging table of the same column types, filled by COPY, then one UPDATE ... FROM:
    # a large re-import updates as fast as it inserts.
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in fields]
    staging = quote(f"{model._meta.db_table}_staging")
    with connection.cursor() as cursor:
        cursor.execute(
            # Names from the model's own metadata, quoted; no value is interpolated.
            f"CREATE TEMPORARY TABLE {staging} AS "  # noqa: S608  # nosec B608
            f"SELECT id, {', '.join(map(quote, columns))} FROM {table} WITH NO DATA"
        )
        _copy(model._meta.db_table + "_staging", ["id", *columns], rows)
        cursor.execute(
            f"UPDATE {table} SET "  # noqa: S608  # nosec B608
            + ", ".join(f"{quote(column)} = staging.{quote(column)}" for column in columns)
            + f" FROM {staging} AS staging WHERE {table}.id = staging.id"
        )
        cursor.execute(f"DROP TABLE {staging}")


def _copy(table, columns, rows, extra=()):
    """Stream ``rows`` (each followed by the values ``extra``) into ``table`` with COPY."""
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    # The raw psycopg cursor, inside Django's transaction; errors come back as Django's.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        write = copy.write_row
        if extra:
            for row in rows:
                write((*row, *extra))
        else:
            for row in rows:
                write(row)
