"""Read and check the CSV files of CMS reference data (layout in docs/reference-data.md).

``read_reference_files(directory)`` parses every file, checks every row on its own and
against the other rows and what the database already holds, and returns a
``ReferenceSet`` ready for ``services.import_reference_data``; if any row is bad it raises
``ReferenceDataError`` listing every bad row (file, line, reason). It never writes.
"""

import csv
import re
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from django.core.exceptions import ValidationError

from qpp_portal.geography import ZIP_CODE_PATTERN, USState

from . import validators
from .apm_models import apm_model_ran, apm_model_years_text
from .models import (
    FIRST_PERFORMANCE_YEAR,
    LAST_PERFORMANCE_YEAR,
    VIRTUAL_GROUPS_FROM,
    ApmParticipation,
    Clinician,
    Enrolment,
    Organization,
    VirtualGroupTin,
)

PRACTICES = "practices.csv"
CLINICIANS = "clinicians.csv"
ENROLMENTS = "enrolments.csv"
APM_ENTITIES = "apm_entities.csv"
APM_PARTICIPATION = "apm_participation.csv"
VIRTUAL_GROUPS = "virtual_groups.csv"
REGISTRIES = "registries.csv"

# File name -> columns, in the order the generator writes them. The importer accepts the
# columns in any order but refuses missing or unknown ones.
COLUMNS = {
    PRACTICES: [
        "tin",
        "legal_business_name",
        "is_virtual_group",
        "group_npi",
        "group_ptan",
        "street_address",
        "city",
        "state",
        "zip_code",
    ],
    CLINICIANS: ["npi", "first_name", "last_name", "specialty"],
    ENROLMENTS: ["npi", "tin", "ptan"],
    APM_ENTITIES: ["entity_id", "legal_business_name", "model_type", "is_single_tin"],
    APM_PARTICIPATION: ["entity_id", "tin", "performance_year", "npi"],
    VIRTUAL_GROUPS: ["virtual_group_id", "virtual_group_tin", "performance_year", "tin"],
    REGISTRIES: ["registry_id", "tin", "legal_business_name", "registry_kind"],
}
TRUE_WORDS = {"true", "yes", "1"}
FALSE_WORDS = {"false", "no", "0", ""}
STATES = set(USState.values)
ZIP_CODE = re.compile(ZIP_CODE_PATTERN)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self):
        return f"{self.file}, line {self.line}: {self.reason}"


class ReferenceDataError(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems):
        self.problems = sorted(problems, key=_problem_order)
        super().__init__(f"{len(self.problems)} problem(s) in the reference data")


def _problem_order(problem):
    files = list(COLUMNS)
    position = files.index(problem.file) if problem.file in files else len(files)
    return (position, problem.file, problem.line, problem.reason)


class RowError(Exception):
    """A row is bad; ``key`` is its natural key when that much of it could be read."""

    def __init__(self, reasons, key=None):
        super().__init__(reasons)
        self.reasons = reasons
        self.key = key


@dataclass
class ReferenceSet:
    """Parsed rows keyed by natural key (values are tuples in model field order), the
    line each came from, and a snapshot of what the database held when they were read."""

    practices: dict = field(default_factory=dict)
    clinicians: dict = field(default_factory=dict)
    enrolments: dict = field(default_factory=dict)
    apm_entities: dict = field(default_factory=dict)
    participation: dict = field(default_factory=dict)
    virtual_group_tins: dict = field(default_factory=dict)
    registries: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)
    files: list = field(default_factory=list)
    rejected: dict = field(default_factory=dict)
    snapshot: "Snapshot | None" = None


# Field order of each kind's tuple: its file's columns after the natural key.
PRACTICE_FIELDS = COLUMNS[PRACTICES][1:]
CLINICIAN_FIELDS = COLUMNS[CLINICIANS][1:]
ENROLMENT_FIELDS = COLUMNS[ENROLMENTS][2:]
APM_ENTITY_FIELDS = COLUMNS[APM_ENTITIES][1:]
REGISTRY_FIELDS = COLUMNS[REGISTRIES][1:]


def read_reference_files(directory):
    """Parse and check the reference files in ``directory``; raise ``ReferenceDataError``
    listing every bad row, or return the ``ReferenceSet`` to load."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ReferenceDataError([Problem(str(directory), 0, "is not a directory")])
    present = [name for name in COLUMNS if (directory / name).is_file()]
    if not present:
        raise ReferenceDataError(
            [Problem(str(directory), 0, f"holds none of {', '.join(COLUMNS)}")]
        )
    problems = []
    data = ReferenceSet(files=present)
    parsers = {
        PRACTICES: (_parse_practice, data.practices),
        CLINICIANS: (_parse_clinician, data.clinicians),
        ENROLMENTS: (_parse_enrolment, data.enrolments),
        APM_ENTITIES: (_parse_apm_entity, data.apm_entities),
        APM_PARTICIPATION: (_parse_participation, data.participation),
        VIRTUAL_GROUPS: (_parse_virtual_group_tin, data.virtual_group_tins),
        REGISTRIES: (_parse_registry, data.registries),
    }
    row = _Row()
    for name in present:
        parse, rows = parsers[name]
        lines = data.lines.setdefault(name, {})
        for line, values in _read_rows(directory / name, name, problems):
            try:
                key, parsed = parse(row, values)
            except RowError as error:
                problems.extend(Problem(name, line, reason) for reason in error.reasons)
                # Rows referring to this one are not reported as well: one mistake, one line.
                if error.key is not None:
                    data.rejected.setdefault(name, set()).add(error.key)
                continue
            if key in rows:
                problems.append(
                    Problem(name, line, f"repeats the row on line {lines[key]} ({_key(key)})")
                )
                continue
            rows[key] = parsed
            lines[key] = line
    data.snapshot = _snapshot()
    problems.extend(_cross_check(data, data.snapshot))
    if problems:
        raise ReferenceDataError(problems)
    return data


def _read_rows(path, name, problems):
    """Yield (line, values) for each non-blank row, its values trimmed and in the order of
    ``COLUMNS[name]``; record header and shape problems."""
    expected = COLUMNS[name]
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                problems.append(Problem(name, 1, "is empty; it needs a header row"))
                return
            header = [column.strip() for column in header]
            missing = [column for column in expected if column not in header]
            unknown = [column for column in header if column not in expected]
            if missing or unknown:
                reason = "the header row must name the columns " + ", ".join(expected)
                if missing:
                    reason += f"; missing: {', '.join(missing)}"
                if unknown:
                    reason += f"; unknown: {', '.join(unknown)}"
                problems.append(Problem(name, 1, reason))
                return
            width = len(header)
            reorder = None if header == expected else itemgetter(*map(header.index, expected))
            # The hot loop of a large import (millions of rows): kept to plain operations.
            for values in reader:
                values = [value.strip() for value in values]
                if not any(values):
                    continue
                if len(values) != width:
                    problems.append(
                        Problem(
                            name,
                            reader.line_num,
                            f"has {len(values)} fields; the header names {width}",
                        )
                    )
                    continue
                yield reader.line_num, (reorder(values) if reorder else values)
    except UnicodeDecodeError:
        problems.append(Problem(name, 0, "is not UTF-8 text"))
    except csv.Error as error:
        problems.append(Problem(name, 0, f"is not valid CSV ({error})"))


class _Row:
    """Check the fields of one row after another, collecting every reason a row is bad.

    One is made per import: it remembers the TINs and NPIs already found valid, as each
    is written again in enrolments and participation rows and checking an NPI's check digit
    is the slowest part of reading millions of rows."""

    def __init__(self):
        self.reasons = []
        self.valid = {validators.validate_tin: set(), validators.validate_npi: set()}

    def identifier(self, column, value, normalize, validate, label, required=True):
        known = self.valid.get(validate)
        if known is not None and value in known:
            return value
        normalized = normalize(value)
        if not normalized:
            if required:
                self.reasons.append(f"{column}: the {label} is missing")
            return None
        try:
            validate(normalized)
        except ValidationError as error:
            self.reasons.append(f"{column}: {error.messages[0]} (got {value!r})")
            return None
        if known is not None:
            known.add(normalized)
        return normalized

    def tin(self, column, value):
        return self.identifier(
            column, value, validators.normalize_tin, validators.validate_tin, "TIN"
        )

    def npi(self, column, value, required=True):
        return self.identifier(
            column, value, validators.normalize_npi, validators.validate_npi, "NPI", required
        )

    def ptan(self, column, value, required=True):
        return self.identifier(
            column, value, validators.normalize_ptan, validators.validate_ptan, "PTAN", required
        )

    def text(self, column, value, max_length):
        value = " ".join(value.split())
        if not value:
            self.reasons.append(f"{column}: is missing")
        elif len(value) > max_length:
            self.reasons.append(f"{column}: is longer than {max_length} characters")
        return value

    def boolean(self, column, value):
        lowered = value.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        self.reasons.append(f"{column}: write true or false (got {value!r})")
        return False

    def choice(self, column, value, choices):
        lowered = value.lower()
        if lowered not in choices.values:
            self.reasons.append(
                f"{column}: must be one of {', '.join(choices.values)} (got {value!r})"
            )
        return lowered

    def performance_year(self, value, first, why=""):
        if not (value.isascii() and value.isdigit()) or not (
            first <= int(value) <= LAST_PERFORMANCE_YEAR
        ):
            self.reasons.append(
                f"performance_year: {why}write a year from {first} (got {value!r})"
            )
            return None
        return int(value)

    def done(self, key):
        """Raise ``RowError`` if the row is bad, and start on the next row."""
        if self.reasons:
            reasons, self.reasons = self.reasons, []
            parts = key if isinstance(key, tuple) else (key,)
            readable = all(part is not None for part in parts)
            raise RowError(reasons, key if readable else None)


# Each parser takes the _Row and a row's values in its file's COLUMNS order; it returns
# (natural key, values in model field order) or raises RowError.


def _parse_practice(row, values):
    tin, name, is_virtual_group, group_npi, group_ptan, street, city, state, zip_code = values
    tin = row.tin("tin", tin)
    parsed = (
        row.text("legal_business_name", name, 200),
        row.boolean("is_virtual_group", is_virtual_group),
        row.npi("group_npi", group_npi, required=False),
        row.ptan("group_ptan", group_ptan, required=False),
        row.text("street_address", street, 200),
        row.text("city", city, 100),
        state.upper(),
        zip_code,
    )
    if bool(group_npi) != bool(group_ptan):
        row.reasons.append("group_npi and group_ptan: give both or neither")
    if parsed[6] not in STATES:
        row.reasons.append(f"state: not a US state or territory code (got {state!r})")
    if not ZIP_CODE.match(zip_code):
        row.reasons.append(f"zip_code: write 5 digits or ZIP+4 (got {zip_code!r})")
    row.done(tin)
    return tin, parsed


def _parse_clinician(row, values):
    npi, first_name, last_name, specialty = values
    npi = row.npi("npi", npi)
    parsed = (
        row.text("first_name", first_name, 100),
        row.text("last_name", last_name, 100),
        row.text("specialty", specialty, 100),
    )
    row.done(npi)
    return npi, parsed


def _parse_enrolment(row, values):
    npi, tin, ptan = values
    key = (row.npi("npi", npi), row.tin("tin", tin))
    ptan = row.ptan("ptan", ptan)
    row.done(key)
    return key, (ptan,)


def _parse_apm_entity(row, values):
    entity_id, name, model_type, is_single_tin = values
    entity_id = row.identifier(
        "entity_id",
        entity_id,
        validators.normalize_identifier,
        validators.validate_apm_entity_id,
        "APM Entity ID",
    )
    parsed = (
        row.text("legal_business_name", name, 200),
        row.choice("model_type", model_type, Organization.ModelType),
        row.boolean("is_single_tin", is_single_tin),
    )
    row.done(entity_id)
    return entity_id, parsed


def _parse_participation(row, values):
    entity_id, tin, year, npi = values
    entity_id = row.identifier(
        "entity_id",
        entity_id,
        validators.normalize_identifier,
        validators.validate_apm_entity_id,
        "APM Entity ID",
    )
    tin = row.tin("tin", tin)
    year = row.performance_year(year, FIRST_PERFORMANCE_YEAR)
    npi = row.npi("npi", npi, required=False)
    row.done(None)
    return (entity_id, year, tin, npi or ""), ()


def _parse_virtual_group_tin(row, values):
    virtual_group_id, virtual_group_tin, year, tin = values
    virtual_group_id = row.identifier(
        "virtual_group_id",
        virtual_group_id,
        validators.normalize_identifier,
        validators.validate_virtual_group_id,
        "virtual group ID",
    )
    virtual_group_tin = row.tin("virtual_group_tin", virtual_group_tin)
    year = row.performance_year(
        year,
        VIRTUAL_GROUPS_FROM,
        f"CMS formed the first virtual groups in {VIRTUAL_GROUPS_FROM}; ",
    )
    tin = row.tin("tin", tin)
    row.done(None)
    return (virtual_group_tin, year, tin), (virtual_group_id,)


def _parse_registry(row, values):
    registry_id, tin, name, registry_kind = values
    registry_id = row.identifier(
        "registry_id",
        registry_id,
        validators.normalize_identifier,
        validators.validate_registry_id,
        "registry ID",
    )
    parsed = (
        row.tin("tin", tin),
        row.text("legal_business_name", name, 200),
        row.choice("registry_kind", registry_kind, Organization.RegistryKind),
    )
    row.done(registry_id)
    return registry_id, parsed


def _key(key):
    if isinstance(key, tuple):
        return ", ".join(str(part) for part in key if part != "")
    return str(key)


@dataclass
class Snapshot:
    """What the database holds, keyed like a ReferenceSet (values lead with the row id)."""

    practices: dict
    clinicians: dict
    enrolments: dict
    apm_entities: dict
    participation: dict
    registries: dict
    virtual_group_tins: dict = field(default_factory=dict)
    # Virtual group TIN -> (id, virtual group ID or None).
    virtual_group_ids: dict = field(default_factory=dict)


def _snapshot():
    """Read every natural key and value the import compares against, in a few queries."""
    organizations = Organization.objects.order_by()
    practices = {
        row[0]: row[1:]
        for row in organizations.filter(kind=Organization.Kind.PRACTICE).values_list(
            "tin", "id", *PRACTICE_FIELDS
        )
    }
    apm_entities = {
        row[0]: row[1:]
        for row in organizations.filter(kind=Organization.Kind.APM_ENTITY).values_list(
            "entity_id", "id", *APM_ENTITY_FIELDS
        )
    }
    registries = {
        row[0]: row[1:]
        for row in organizations.filter(kind=Organization.Kind.REGISTRY).values_list(
            "registry_id", "id", *REGISTRY_FIELDS
        )
    }
    clinicians = {
        row[0]: row[1:]
        for row in Clinician.objects.order_by().values_list("npi", "id", *CLINICIAN_FIELDS)
    }
    enrolments = {
        (npi, tin): (pk, ptan)
        for npi, tin, pk, ptan in Enrolment.objects.order_by().values_list(
            "clinician__npi", "practice__tin", "id", "ptan"
        )
    }
    participation = {
        (entity_id, year, tin, npi or ""): (pk,)
        for entity_id, year, tin, npi, pk in ApmParticipation.objects.order_by().values_list(
            "entity__entity_id", "performance_year", "practice__tin", "clinician__npi", "id"
        )
    }
    virtual_group_tins = {
        (vg_tin, year, tin): (pk,)
        for vg_tin, year, tin, pk in VirtualGroupTin.objects.order_by().values_list(
            "virtual_group__tin", "performance_year", "practice__tin", "id"
        )
    }
    virtual_group_ids = {
        tin: (pk, virtual_group_id)
        for tin, pk, virtual_group_id in organizations.filter(
            kind=Organization.Kind.PRACTICE, is_virtual_group=True
        ).values_list("tin", "id", "virtual_group_id")
    }
    return Snapshot(
        practices,
        clinicians,
        enrolments,
        apm_entities,
        participation,
        registries,
        virtual_group_tins,
        virtual_group_ids,
    )


def _merge(existing, incoming):
    """Return key -> values of the database with the file's rows laid over it."""
    merged = {key: values[1:] for key, values in existing.items()}
    merged.update(incoming)
    return merged


def _cross_check(data, snapshot):
    """Return the problems found by comparing rows with each other and with the database."""
    problems = []
    lines = data.lines
    practices = _merge(snapshot.practices, data.practices)
    clinicians = _merge(snapshot.clinicians, data.clinicians)
    enrolments = _merge(snapshot.enrolments, data.enrolments)
    entities = _merge(snapshot.apm_entities, data.apm_entities)
    participation = _merge(snapshot.participation, data.participation)
    registries = _merge(snapshot.registries, data.registries)

    rejected = data.rejected
    known_practices = practices.keys() | rejected.get(PRACTICES, set())
    known_clinicians = clinicians.keys() | rejected.get(CLINICIANS, set())
    known_enrolments = enrolments.keys() | rejected.get(ENROLMENTS, set())
    known_entities = entities.keys() | rejected.get(APM_ENTITIES, set())

    group_npis = _owners(practices, 2)
    group_ptans = _owners(practices, 3)
    individual_ptans = _owners(enrolments, 0)

    for tin, values in data.practices.items():
        line = lines[PRACTICES][tin]
        group_npi, group_ptan = values[2], values[3]
        if group_npi:
            others = [other for other in group_npis[group_npi] if other != tin]
            if others:
                problems.append(
                    Problem(
                        PRACTICES,
                        line,
                        f"group_npi: {group_npi} is already the group NPI of TIN "
                        f"{_tin_text(others[0])}",
                    )
                )
            if group_npi in clinicians:
                problems.append(
                    Problem(
                        PRACTICES,
                        line,
                        f"group_npi: {group_npi} is a clinician's individual NPI",
                    )
                )
        if group_ptan:
            others = [other for other in group_ptans[group_ptan] if other != tin]
            if others:
                problems.append(
                    Problem(
                        PRACTICES,
                        line,
                        f"group_ptan: {group_ptan} is already the group PTAN of TIN "
                        f"{_tin_text(others[0])}",
                    )
                )
            if group_ptan in individual_ptans:
                problems.append(
                    Problem(
                        PRACTICES,
                        line,
                        f"group_ptan: {group_ptan} is a clinician's individual PTAN",
                    )
                )

    for npi in data.clinicians:
        if npi in group_npis:
            problems.append(
                Problem(
                    CLINICIANS,
                    lines[CLINICIANS][npi],
                    f"npi: {npi} is the group NPI of TIN {_tin_text(group_npis[npi][0])}; a "
                    "clinician needs an individual NPI",
                )
            )

    for (npi, tin), (ptan,) in data.enrolments.items():
        line = lines[ENROLMENTS][(npi, tin)]
        if npi not in known_clinicians:
            problems.append(Problem(ENROLMENTS, line, f"npi: no clinician has NPI {npi}"))
        if npi in group_npis:
            problems.append(Problem(ENROLMENTS, line, f"npi: {npi} is a group NPI"))
        if tin not in known_practices:
            problems.append(Problem(ENROLMENTS, line, f"tin: no practice has TIN {tin}"))
        others = [other for other in individual_ptans[ptan] if other != (npi, tin)]
        if others:
            problems.append(
                Problem(
                    ENROLMENTS,
                    line,
                    f"ptan: {ptan} is already the PTAN of NPI {others[0][0]} under TIN "
                    f"{_tin_text(others[0][1])}",
                )
            )
        if ptan in group_ptans:
            problems.append(Problem(ENROLMENTS, line, f"ptan: {ptan} is a group PTAN"))

    tins_per_entity_year = {}
    for entity_id, year, tin, npi in participation:
        if not npi:
            tins_per_entity_year.setdefault((entity_id, year), []).append(tin)
    for key in data.participation:
        entity_id, year, tin, npi = key
        line = lines[APM_PARTICIPATION][key]
        entity = entities.get(entity_id)
        if entity_id not in known_entities:
            problems.append(
                Problem(APM_PARTICIPATION, line, f"entity_id: no APM entity has ID {entity_id}")
            )
        if tin not in known_practices:
            problems.append(Problem(APM_PARTICIPATION, line, f"tin: no practice has TIN {tin}"))
        if npi and (npi, tin) not in known_enrolments:
            problems.append(
                Problem(
                    APM_PARTICIPATION,
                    line,
                    f"npi: no clinician with NPI {npi} bills under TIN {_tin_text(tin)}",
                )
            )
        if npi and (entity_id, year, tin, "") not in participation:
            problems.append(
                Problem(
                    APM_PARTICIPATION,
                    line,
                    f"TIN {_tin_text(tin)} does not take part in {entity_id} in {year}; add a "
                    "row for the TIN with no NPI",
                )
            )
        if entity is not None and not apm_model_ran(entity[1], year):
            problems.append(
                Problem(
                    APM_PARTICIPATION,
                    line,
                    f"performance_year: {entity_id} is a "
                    f"{Organization.ModelType(entity[1]).label} entity, a model that ran "
                    f"{apm_model_years_text(entity[1])}, not in {year}",
                )
            )
        is_single_tin = entity is not None and entity[2]
        if not npi and is_single_tin and len(tins_per_entity_year[(entity_id, year)]) > 1:
            problems.append(
                Problem(
                    APM_PARTICIPATION,
                    line,
                    f"{entity_id} is a single-TIN entity but has "
                    f"{len(tins_per_entity_year[(entity_id, year)])} TINs in {year}",
                )
            )

    problems.extend(_check_virtual_groups(data, snapshot, practices, known_practices))

    registry_tins = _owners(registries, 0)
    for registry_id, values in data.registries.items():
        others = [other for other in registry_tins[values[0]] if other != registry_id]
        if others:
            problems.append(
                Problem(
                    REGISTRIES,
                    lines[REGISTRIES][registry_id],
                    f"tin: registry {others[0]} already has TIN {_tin_text(values[0])}",
                )
            )
    return problems


def _check_virtual_groups(data, snapshot, practices, known_practices):
    """Return the problems of virtual_groups.csv: each row names a virtual group (by its TIN
    in practices.csv and its identifier) and a practice TIN forming it in a year."""
    problems = []
    lines = data.lines.get(VIRTUAL_GROUPS, {})
    # Identifier -> virtual group TIN and back, from the database and then the file.
    owner_of_id = {vg_id: tin for tin, (_pk, vg_id) in snapshot.virtual_group_ids.items() if vg_id}
    id_in_file = {}
    for key, (vg_id,) in data.virtual_group_tins.items():
        vg_tin = key[0]
        if id_in_file.setdefault(vg_tin, (vg_id, lines[key]))[0] != vg_id:
            first_id, first_line = id_in_file[vg_tin]
            problems.append(
                Problem(
                    VIRTUAL_GROUPS,
                    lines[key],
                    f"virtual_group_id: TIN {_tin_text(vg_tin)} is virtual group {first_id} on "
                    f"line {first_line}; a virtual group has one identifier",
                )
            )
    for vg_tin, (vg_id, line) in id_in_file.items():
        owner = owner_of_id.get(vg_id)
        if owner is not None and owner != vg_tin:
            problems.append(
                Problem(
                    VIRTUAL_GROUPS,
                    line,
                    f"virtual_group_id: {vg_id} is already the identifier of the virtual "
                    f"group with TIN {_tin_text(owner)}",
                )
            )
        owner_of_id[vg_id] = vg_tin
    # (year, TIN) -> the virtual group it forms: the database's first, then the file's in order.
    group_of = {}
    for vg_tin, year, tin in [*snapshot.virtual_group_tins, *data.virtual_group_tins]:
        group_of.setdefault((year, tin), vg_tin)
    for key in data.virtual_group_tins:
        vg_tin, year, tin = key
        line = lines[key]
        if vg_tin not in known_practices:
            problems.append(
                Problem(VIRTUAL_GROUPS, line, f"virtual_group_tin: no practice has TIN {vg_tin}")
            )
        elif vg_tin in practices and not practices[vg_tin][1]:
            problems.append(
                Problem(
                    VIRTUAL_GROUPS,
                    line,
                    f"virtual_group_tin: TIN {_tin_text(vg_tin)} is not a virtual group "
                    "(is_virtual_group in practices.csv)",
                )
            )
        if tin not in known_practices:
            problems.append(Problem(VIRTUAL_GROUPS, line, f"tin: no practice has TIN {tin}"))
        elif tin in practices and practices[tin][1]:
            problems.append(
                Problem(
                    VIRTUAL_GROUPS,
                    line,
                    f"tin: TIN {_tin_text(tin)} is a virtual group; practice TINs form one",
                )
            )
        if group_of[(year, tin)] != vg_tin:
            problems.append(
                Problem(
                    VIRTUAL_GROUPS,
                    line,
                    f"tin: TIN {_tin_text(tin)} already forms the virtual group with TIN "
                    f"{_tin_text(group_of[(year, tin)])} in {year}; a TIN joins one a year",
                )
            )
    return problems


def _owners(rows, position):
    """Return value -> [keys] for the value at ``position`` of each row (blank ones skipped)."""
    owners = {}
    for key, values in rows.items():
        value = values[position]
        if value:
            owners.setdefault(value, []).append(key)
    return owners


def _tin_text(tin):
    # Import reports go to the operator who holds the files, so TINs are shown in full there
    # (written the usual way) to let them find the row; web pages mask them.
    return f"{tin[:2]}-{tin[2:]}"
