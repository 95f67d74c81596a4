import pytest
from django.core.management import CommandError, call_command

from organizations.apm_models import apm_model_ran
from organizations.models import (
    ApmParticipation,
    Clinician,
    Enrolment,
    Organization,
    VirtualGroupTin,
)
from organizations.reference_files import ReferenceDataError
from organizations.services import import_reference_data

from .conftest import SAMPLE_DATA, append_row, edit_row, read_rows, write_rows

pytestmark = pytest.mark.django_db

SUNRISE_TIN = "123456789"
ADA_NPI = "1234567893"
SUNRISE_GROUP_NPI = "2234567891"


def database_state():
    """Every row of reference data, to compare before and after."""
    return (
        sorted(Organization.objects.values_list()),
        sorted(Clinician.objects.values_list()),
        sorted(Enrolment.objects.values_list()),
        sorted(ApmParticipation.objects.values_list(), key=str),
    )


def problems_of(directory):
    with pytest.raises(ReferenceDataError) as caught:
        import_reference_data(directory=directory)
    return [str(problem) for problem in caught.value.problems]


def assert_refused(directory, name, line, reason):
    """Assert the import refuses the row on ``line`` of ``name`` for ``reason``."""
    problems = problems_of(directory)
    prefix = f"{name}, line {line}: "
    assert any(p.startswith(prefix) and reason in p for p in problems), problems


def test_sample_set_loads_every_kind_of_record():
    report = import_reference_data(directory=SAMPLE_DATA)

    assert {kind: counts.created for kind, counts in report.counts.items()} == {
        "practices": 25,
        "registries": 2,
        "apm_entities": 9,
        "clinicians": 82,
        "enrolments": 98,
        "apm_participation": 171,
        "virtual_groups": 1,
        "virtual_group_tins": 20,
    }
    sunrise = Organization.objects.get(tin=SUNRISE_TIN)
    assert sunrise.legal_business_name == "Sunrise Family Medicine LLC"
    assert sunrise.group_npi == SUNRISE_GROUP_NPI
    (virtual_group,) = Organization.objects.filter(is_virtual_group=True)
    assert virtual_group.virtual_group_id == "VG-40127"
    tins_2025 = VirtualGroupTin.objects.filter(virtual_group=virtual_group, performance_year=2025)
    assert sorted(tins_2025.values_list("practice__tin", flat=True)) == [
        "272418370",
        "743009319",
        "843701736",
    ]
    assert min(virtual_group.virtual_group_tins.values_list("performance_year", flat=True)) == 2018
    assert set(
        Organization.objects.filter(kind="apm_entity").values_list("model_type", flat=True)
    ) == set(Organization.ModelType.values)
    assert Clinician.objects.get(npi=ADA_NPI).enrolments.count() == 2


def test_second_import_of_the_same_files_changes_nothing():
    import_reference_data(directory=SAMPLE_DATA)
    before = database_state()

    report = import_reference_data(directory=SAMPLE_DATA)

    assert not report.changed
    assert all(c.created == 0 and c.updated == 0 for c in report.counts.values())
    assert report.counts["clinicians"].unchanged == 82
    assert database_state() == before


def test_changed_row_is_updated_and_the_rest_reported_unchanged(sample_dir):
    import_reference_data(directory=sample_dir)
    edit_row(sample_dir, "clinicians.csv", 6, last_name="Byron")
    edit_row(sample_dir, "enrolments.csv", 6, ptan="ada99999")

    report = import_reference_data(directory=sample_dir)

    assert (report.counts["clinicians"].updated, report.counts["clinicians"].unchanged) == (1, 81)
    assert report.counts["enrolments"].updated == 1
    assert Clinician.objects.get(npi=ADA_NPI).last_name == "Byron"
    assert Enrolment.objects.get(clinician__npi=ADA_NPI, practice__tin=SUNRISE_TIN).ptan == (
        "ADA99999"
    )


def test_tin_written_with_a_dash_is_the_same_practice(sample_dir):
    import_reference_data(directory=sample_dir)
    edit_row(sample_dir, "practices.csv", 6, tin="12-3456789")

    report = import_reference_data(directory=sample_dir)

    assert not report.changed


@pytest.mark.parametrize(
    ("name", "row", "reason"),
    [
        ("practices.csv", {"tin": "12345678"}, "tin: Enter a TIN of 9 digits"),
        ("practices.csv", {"group_npi": "2234567890"}, "group_npi: This is not a valid NPI"),
        ("practices.csv", {"group_ptan": ""}, "group_npi and group_ptan: give both or neither"),
        ("practices.csv", {"state": "ZZ"}, "state: not a US state or territory code"),
        ("practices.csv", {"zip_code": "1234"}, "zip_code: write 5 digits or ZIP+4"),
        ("practices.csv", {"legal_business_name": ""}, "legal_business_name: is missing"),
        ("practices.csv", {"is_virtual_group": "maybe"}, "is_virtual_group: write true or false"),
        ("practices.csv", {"group_npi": ADA_NPI}, "is a clinician's individual NPI"),
        ("practices.csv", {"group_ptan": "ADA12345"}, "is a clinician's individual PTAN"),
        (
            "practices.csv",
            {"group_npi": "1357415565"},
            "is already the group NPI of TIN 53-5765954",
        ),
        ("clinicians.csv", {"npi": "1234567890"}, "npi: This is not a valid NPI"),
        ("clinicians.csv", {"last_name": ""}, "last_name: is missing"),
        ("enrolments.csv", {"ptan": "AB-12"}, "ptan: Enter a PTAN of 6 to 10 letters and digits"),
        (
            "enrolments.csv",
            {"ptan": "K48799"},
            "ptan: K48799 is already the PTAN of NPI 1509317800",
        ),
        ("enrolments.csv", {"ptan": "GRP12345"}, "ptan: GRP12345 is a group PTAN"),
        ("apm_entities.csv", {"model_type": "aco"}, "model_type: must be one of bpci_advanced"),
        ("apm_entities.csv", {"entity_id": "A"}, "entity_id: Enter an APM Entity ID"),
        ("apm_participation.csv", {"performance_year": "2010"}, "performance_year: write a year"),
        (
            "virtual_groups.csv",
            {"virtual_group_id": "VG-1234"},
            "virtual_group_id: Enter a virtual group ID of VG- and 5 digits",
        ),
        ("virtual_groups.csv", {"virtual_group_id": "12345"}, "virtual_group_id: Enter a"),
        (
            "virtual_groups.csv",
            {"performance_year": "2017"},
            "performance_year: CMS formed the first virtual groups in 2018; write a year from "
            "2018 (got '2017')",
        ),
        ("virtual_groups.csv", {"tin": "12345"}, "tin: Enter a TIN of 9 digits"),
        ("registries.csv", {"registry_kind": "ehr"}, "registry_kind: must be one of qcdr"),
        ("registries.csv", {"tin": "415027485"}, "tin: registry Q0001 already has TIN 41-5027485"),
    ],
)
def test_each_kind_of_bad_row_is_refused_with_file_line_and_reason(sample_dir, name, row, reason):
    defaults = {
        "practices.csv": {
            "tin": "111222333",
            "legal_business_name": "New Practice",
            "is_virtual_group": "false",
            "group_npi": "1000000004",
            "group_ptan": "NEW12345",
            "street_address": "1 Elm St",
            "city": "Reno",
            "state": "NV",
            "zip_code": "89501",
        },
        "clinicians.csv": {
            "npi": "1000000012",
            "first_name": "Jo",
            "last_name": "March",
            "specialty": "Cardiology",
        },
        "enrolments.csv": {"npi": "1509317800", "tin": "535765954", "ptan": "NEW00001"},
        "apm_entities.csv": {
            "entity_id": "A9999",
            "legal_business_name": "New ACO",
            "model_type": "ssp_aco",
            "is_single_tin": "false",
        },
        "apm_participation.csv": {
            "entity_id": "T43572",
            "tin": "447721181",
            "performance_year": "2021",
            "npi": "",
        },
        "virtual_groups.csv": {
            "virtual_group_id": "VG-40127",
            "virtual_group_tin": "999522632",
            "performance_year": "2025",
            "tin": "447721181",
        },
        "registries.csv": {
            "registry_id": "Q0099",
            "tin": "555666777",
            "legal_business_name": "New QCDR",
            "registry_kind": "qcdr",
        },
    }[name]
    line = append_row(sample_dir, name, **{**defaults, **row})

    assert_refused(sample_dir, name, line, reason)


def test_the_appended_rows_of_the_refusal_test_are_valid_on_their_own(sample_dir):
    append_row(
        sample_dir,
        "practices.csv",
        tin="111222333",
        legal_business_name="New Practice",
        is_virtual_group="false",
        group_npi="1000000004",
        group_ptan="NEW12345",
        street_address="1 Elm St",
        city="Reno",
        state="NV",
        zip_code="89501",
    )
    append_row(sample_dir, "enrolments.csv", npi="1509317800", tin="535765954", ptan="NEW00001")

    report = import_reference_data(directory=sample_dir)

    assert report.counts["practices"].created == 26


@pytest.mark.parametrize(
    ("name", "row", "reason"),
    [
        (
            "enrolments.csv",
            {"npi": "1000000012", "tin": "535765954", "ptan": "NEW00001"},
            "npi: no clinician has NPI 1000000012",
        ),
        (
            "enrolments.csv",
            {"npi": ADA_NPI, "tin": "111222333", "ptan": "NEW00001"},
            "tin: no practice has TIN 111222333",
        ),
        (
            "apm_participation.csv",
            {"entity_id": "Z9999", "tin": SUNRISE_TIN, "performance_year": "2025"},
            "entity_id: no APM entity has ID Z9999",
        ),
        (
            "apm_participation.csv",
            {
                "entity_id": "T43572",
                "tin": "535765954",
                "performance_year": "2021",
                "npi": "1509317800",
            },
            "npi: no clinician with NPI 1509317800 bills under TIN 53-5765954",
        ),
        (
            "apm_participation.csv",
            {"entity_id": "A5745", "tin": SUNRISE_TIN, "performance_year": "2025"},
            "A5745 is a single-TIN entity but has 2 TINs in 2025",
        ),
        (
            "apm_participation.csv",
            {
                "entity_id": "T43572",
                "tin": SUNRISE_TIN,
                "performance_year": "2021",
                "npi": ADA_NPI,
            },
            "TIN 12-3456789 does not take part in T43572 in 2021",
        ),
        (
            "apm_participation.csv",
            {"entity_id": "T43572", "tin": SUNRISE_TIN, "performance_year": "2025"},
            "performance_year: T43572 is a Comprehensive Primary Care Plus entity, a model that "
            "ran 2017-2021, not in 2025",
        ),
        (
            "apm_participation.csv",
            {"entity_id": "BPCIA-1115", "tin": SUNRISE_TIN, "performance_year": "2017"},
            "performance_year: BPCIA-1115 is a BPCI Advanced entity, a model that ran "
            "2018-2025, not in 2017",
        ),
        (
            "virtual_groups.csv",
            {
                "virtual_group_id": "VG-40127",
                "virtual_group_tin": SUNRISE_TIN,
                "performance_year": "2025",
                "tin": "447721181",
            },
            "virtual_group_tin: TIN 12-3456789 is not a virtual group",
        ),
        (
            "virtual_groups.csv",
            {
                "virtual_group_id": "VG-40127",
                "virtual_group_tin": "999522632",
                "performance_year": "2025",
                "tin": "999522632",
            },
            "tin: TIN 99-9522632 is a virtual group; practice TINs form one",
        ),
        (
            "virtual_groups.csv",
            {
                "virtual_group_id": "VG-99999",
                "virtual_group_tin": "999522632",
                "performance_year": "2025",
                "tin": SUNRISE_TIN,
            },
            "virtual_group_id: TIN 99-9522632 is virtual group VG-40127 on line 2",
        ),
        (
            "virtual_groups.csv",
            {
                "virtual_group_id": "VG-40127",
                "virtual_group_tin": "999522632",
                "performance_year": "2025",
                "tin": "111222333",
            },
            "tin: no practice has TIN 111222333",
        ),
        (
            "clinicians.csv",
            {"npi": SUNRISE_GROUP_NPI, "first_name": "A", "last_name": "B", "specialty": "C"},
            f"npi: {SUNRISE_GROUP_NPI} is the group NPI of TIN 12-3456789",
        ),
    ],
)
def test_rows_referring_to_missing_or_conflicting_records_are_refused(
    sample_dir, name, row, reason
):
    line = append_row(sample_dir, name, **row)

    assert_refused(sample_dir, name, line, reason)


def test_a_repeated_row_is_refused_naming_the_first(sample_dir):
    rows = read_rows(sample_dir, "clinicians.csv")
    line = append_row(sample_dir, "clinicians.csv", **dict(zip(rows[0], rows[5], strict=True)))

    assert problems_of(sample_dir) == [
        f"clinicians.csv, line {line}: repeats the row on line 6 ({ADA_NPI})"
    ]


def test_a_header_with_missing_or_unknown_columns_is_refused(sample_dir):
    rows = read_rows(sample_dir, "registries.csv")
    rows[0] = ["registry_id", "tin", "name", "registry_kind"]
    write_rows(sample_dir, "registries.csv", rows)

    [problem] = problems_of(sample_dir)

    assert problem.startswith("registries.csv, line 1: the header row must name the columns")
    assert "missing: legal_business_name; unknown: name" in problem


def test_a_row_with_the_wrong_number_of_fields_is_refused(sample_dir):
    with (sample_dir / "clinicians.csv").open("a") as handle:
        handle.write("1000000012,Jo,March\n")

    assert problems_of(sample_dir) == ["clinicians.csv, line 84: has 3 fields; the header names 4"]


def test_several_bad_rows_are_all_listed_with_file_and_line(sample_dir):
    edit_row(sample_dir, "practices.csv", 3, tin="1234")
    edit_row(sample_dir, "practices.csv", 9, zip_code="ABCDE")
    edit_row(sample_dir, "clinicians.csv", 10, npi="1234567890")
    edit_row(sample_dir, "registries.csv", 2, registry_kind="")

    problems = problems_of(sample_dir)

    lines = [problem.split(":")[0] for problem in problems]
    assert "practices.csv, line 3" in lines
    assert "practices.csv, line 9" in lines
    assert "clinicians.csv, line 10" in lines
    assert "registries.csv, line 2" in lines
    # The bad TIN and NPI leave their enrolments pointing at nothing: listed too.
    assert any(line.startswith("enrolments.csv") for line in lines)


def test_nothing_is_loaded_when_one_row_is_bad(sample_dir):
    edit_row(sample_dir, "registries.csv", 3, tin="12")

    with pytest.raises(ReferenceDataError):
        import_reference_data(directory=sample_dir)

    assert Organization.objects.count() == 0
    assert Clinician.objects.count() == 0
    assert Enrolment.objects.count() == 0


def test_database_is_unchanged_when_a_bad_set_is_imported_over_a_good_one(sample_dir):
    import_reference_data(directory=SAMPLE_DATA)
    before = database_state()
    edit_row(sample_dir, "clinicians.csv", 6, last_name="Changed")
    append_row(sample_dir, "practices.csv", tin="111222333", legal_business_name="New")
    edit_row(sample_dir, "registries.csv", 2, tin="not a tin")

    with pytest.raises(ReferenceDataError):
        import_reference_data(directory=sample_dir)

    assert database_state() == before


def test_files_can_be_loaded_one_at_a_time_against_what_is_loaded(sample_dir, tmp_path):
    import_reference_data(directory=SAMPLE_DATA)
    only = tmp_path / "only-enrolments"
    only.mkdir()
    rows = read_rows(sample_dir, "enrolments.csv")
    write_rows(only, "enrolments.csv", [rows[0], ["1509317800", "535765954", "NEW00001"]])

    report = import_reference_data(directory=only)

    assert list(report.counts) == [
        "practices",
        "registries",
        "apm_entities",
        "clinicians",
        "enrolments",
    ]
    assert report.counts["enrolments"].created == 1


def test_a_directory_without_reference_files_is_refused(tmp_path):
    assert problems_of(tmp_path) == [
        f"{tmp_path}, line 0: holds none of practices.csv, clinicians.csv, enrolments.csv, apm_entities.csv, apm_participation.csv, virtual_groups.csv, registries.csv"
    ]


def test_command_reports_counts_and_is_idempotent(capsys):
    call_command("import_reference_data", str(SAMPLE_DATA))
    first = capsys.readouterr().out
    call_command("import_reference_data", str(SAMPLE_DATA))
    second = capsys.readouterr().out

    assert "practices: 25 created, 0 updated, 0 unchanged" in first
    assert "practices: 0 created, 0 updated, 25 unchanged" in second
    assert "Reference data already up to date." in second


def test_command_fails_listing_every_bad_row_and_loads_nothing(sample_dir):
    edit_row(sample_dir, "practices.csv", 4, state="XX")
    edit_row(sample_dir, "clinicians.csv", 7, specialty="")

    with pytest.raises(CommandError) as caught:
        call_command("import_reference_data", str(sample_dir))

    message = str(caught.value)
    assert "2 problem(s) found; nothing was loaded." in message
    assert "practices.csv, line 4: state: not a US state or territory code (got 'XX')" in message
    assert "clinicians.csv, line 7: specialty: is missing" in message
    assert Organization.objects.count() == 0


def test_the_sample_apm_participation_is_only_in_years_the_models_ran():
    entities = {row[0]: row[2] for row in read_rows(SAMPLE_DATA, "apm_entities.csv")[1:]}
    years = {(row[0], int(row[2])) for row in read_rows(SAMPLE_DATA, "apm_participation.csv")[1:]}

    assert all(apm_model_ran(entities[entity_id], year) for entity_id, year in years), years


def test_a_tin_joins_one_virtual_group_a_year_and_an_identifier_names_one(sample_dir):
    append_row(
        sample_dir,
        "practices.csv",
        tin="111222333",
        legal_business_name="Second Virtual Group",
        is_virtual_group="true",
        street_address="1 Elm St",
        city="Reno",
        state="NV",
        zip_code="89501",
    )
    same_tin = append_row(
        sample_dir,
        "virtual_groups.csv",
        virtual_group_id="VG-00002",
        virtual_group_tin="111222333",
        performance_year="2025",
        tin="843701736",
    )
    assert_refused(
        sample_dir,
        "virtual_groups.csv",
        same_tin,
        "tin: TIN 84-3701736 already forms the virtual group with TIN 99-9522632 in 2025",
    )

    edit_row(sample_dir, "virtual_groups.csv", same_tin, virtual_group_id="VG-40127")
    edit_row(sample_dir, "virtual_groups.csv", same_tin, performance_year="2017")
    assert_refused(sample_dir, "virtual_groups.csv", same_tin, "performance_year: CMS formed")

    edit_row(sample_dir, "virtual_groups.csv", same_tin, performance_year="2024", tin=SUNRISE_TIN)
    assert_refused(
        sample_dir,
        "virtual_groups.csv",
        same_tin,
        "virtual_group_id: VG-40127 is already the identifier of the virtual group with TIN "
        "99-9522632",
    )

    edit_row(sample_dir, "virtual_groups.csv", same_tin, virtual_group_id="VG-00002")
    report = import_reference_data(directory=sample_dir)
    assert report.counts["virtual_groups"].created == 2
    assert Organization.objects.get(tin="111222333").virtual_group_id == "VG-00002"


def test_a_virtual_group_identifier_already_in_the_database_is_refused_to_another(sample_dir):
    import_reference_data(directory=sample_dir)
    line = append_row(
        sample_dir,
        "practices.csv",
        tin="111222333",
        legal_business_name="Second Virtual Group",
        is_virtual_group="true",
        street_address="1 Elm St",
        city="Reno",
        state="NV",
        zip_code="89501",
    )
    assert line
    write_rows(
        sample_dir,
        "virtual_groups.csv",
        [
            ["virtual_group_id", "virtual_group_tin", "performance_year", "tin"],
            ["VG-40127", "111222333", "2025", SUNRISE_TIN],
        ],
    )

    assert_refused(
        sample_dir, "virtual_groups.csv", 2, "VG-40127 is already the identifier of the virtual"
    )
