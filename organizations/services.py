"""State changes of the organizations app: loading CMS reference data."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

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

BATCH_SIZE = 2000


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
        with transaction.atomic():
            data = read_reference_files(directory)
            return _write(data, batch_size)
    except IntegrityError as error:
        raise ReferenceDataError(
            [Problem(str(directory), 0, f"the database refused the data: {error}")]
        ) from error


def _write(data, batch_size):
    snapshot = data.snapshot
    report = ImportReport()
    practice = Organization.Kind.PRACTICE
    report.counts["practices"] = _upsert(
        Organization,
        data.practices,
        snapshot.practices,
        PRACTICE_FIELDS,
        lambda tin, values: {
            "kind": practice,
            "tin": tin,
            **dict(zip(PRACTICE_FIELDS, values, strict=True)),
        },
        batch_size,
    )
    report.counts["registries"] = _upsert(
        Organization,
        data.registries,
        snapshot.registries,
        REGISTRY_FIELDS,
        lambda registry_id, values: {
            "kind": Organization.Kind.REGISTRY,
            "registry_id": registry_id,
            **dict(zip(REGISTRY_FIELDS, values, strict=True)),
        },
        batch_size,
    )
    report.counts["apm_entities"] = _upsert(
        Organization,
        data.apm_entities,
        snapshot.apm_entities,
        APM_ENTITY_FIELDS,
        lambda entity_id, values: {
            "kind": Organization.Kind.APM_ENTITY,
            "entity_id": entity_id,
            **dict(zip(APM_ENTITY_FIELDS, values, strict=True)),
        },
        batch_size,
    )
    report.counts["clinicians"] = _upsert(
        Clinician,
        data.clinicians,
        snapshot.clinicians,
        CLINICIAN_FIELDS,
        lambda npi, values: {"npi": npi, **dict(zip(CLINICIAN_FIELDS, values, strict=True))},
        batch_size,
    )

    practice_ids = clinician_ids = entity_ids = None
    if data.enrolments or data.participation:
        organizations = Organization.objects.order_by()
        practice_ids = dict(organizations.filter(kind=practice).values_list("tin", "id"))
        clinician_ids = dict(Clinician.objects.order_by().values_list("npi", "id"))
    if data.enrolments:
        report.counts["enrolments"] = _upsert(
            Enrolment,
            data.enrolments,
            snapshot.enrolments,
            ["ptan"],
            lambda key, values: {
                "clinician_id": clinician_ids[key[0]],
                "practice_id": practice_ids[key[1]],
                "ptan": values[0],
            },
            batch_size,
        )
    if data.participation:
        entity_ids = dict(
            Organization.objects.order_by()
            .filter(kind=Organization.Kind.APM_ENTITY)
            .values_list("entity_id", "id")
        )
        report.counts["apm_participation"] = _upsert(
            ApmParticipation,
            data.participation,
            snapshot.participation,
            [],
            lambda key, values: {
                "entity_id": entity_ids[key[0]],
                "performance_year": key[1],
                "practice_id": practice_ids[key[2]],
                "clinician_id": clinician_ids[key[3]] if key[3] else None,
            },
            batch_size,
        )
    if data.virtual_group_tins:
        _write_virtual_groups(data, report, practice_ids, batch_size)
    return report


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
        changed.append(Organization(id=practice_ids[tin], virtual_group_id=virtual_group_id))
    Organization.objects.bulk_update(changed, ["virtual_group_id"], batch_size=batch_size)
    report.counts["virtual_groups"] = counts
    report.counts["virtual_group_tins"] = _upsert(
        VirtualGroupTin,
        dict.fromkeys(data.virtual_group_tins, ()),
        snapshot.virtual_group_tins,
        [],
        lambda key, values: {
            "virtual_group_id": practice_ids[key[0]],
            "performance_year": key[1],
            "practice_id": practice_ids[key[2]],
        },
        batch_size,
    )


def _upsert(model, rows, existing, fields, build, batch_size):
    """Create the rows whose key is new, update those whose values differ, count the rest.

    ``existing`` maps key -> (id, *values) as read before the import; ``build`` returns the
    field values of a new row."""
    counts = LoadCounts()
    to_create = []
    to_update = []
    for key, values in rows.items():
        current = existing.get(key)
        if current is None:
            to_create.append(model(**build(key, values)))
        elif tuple(current[1:]) != tuple(values):
            to_update.append(model(id=current[0], **dict(zip(fields, values, strict=True))))
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=batch_size // 2)
    counts.created = len(to_create)
    counts.updated = len(to_update)
    return counts
