"""The PostgreSQL way of loading reference data (COPY, indexes made again after a large
first load) loads exactly what the ORM way loads, and keeps the import's rules."""

import pytest
from django.db import connection

from organizations import services
from organizations.models import (
    ApmParticipation,
    Clinician,
    Enrolment,
    Organization,
    VirtualGroupTin,
)
from organizations.reference_files import ReferenceDataError

from .conftest import SAMPLE_DATA, edit_row

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


def records():
    """Every record by natural keys and values, without ids (they differ between loads)."""
    return (
        sorted(
            Organization.objects.values_list(
                "kind",
                "tin",
                "entity_id",
                "registry_id",
                "legal_business_name",
                "is_virtual_group",
                "virtual_group_id",
                "group_npi",
                "group_ptan",
                "street_address",
                "city",
                "state",
                "zip_code",
                "model_type",
                "is_single_tin",
                "registry_kind",
            ),
            key=str,
        ),
        sorted(Clinician.objects.values_list("npi", "first_name", "last_name", "specialty")),
        sorted(Enrolment.objects.values_list("clinician__npi", "practice__tin", "ptan")),
        sorted(
            ApmParticipation.objects.values_list(
                "entity__entity_id", "performance_year", "practice__tin", "clinician__npi"
            ),
            key=str,
        ),
        sorted(
            VirtualGroupTin.objects.values_list(
                "virtual_group__tin", "performance_year", "practice__tin"
            )
        ),
    )


def schema():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'organizations%%' "
            "UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text LIKE 'organizations%%' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def empty_tables():
    Organization.objects.all().delete()
    Clinician.objects.all().delete()
    # The deletes' deferred foreign-key checks would otherwise block the next ALTER TABLE.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def load_without_copy(monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(services, "_copy_available", lambda: False)
        return services.import_reference_data(directory=SAMPLE_DATA)


@pytest.fixture
def rebuild_for_any_size(monkeypatch):
    monkeypatch.setattr(services, "REBUILD_INDEXES_FROM", 1)


def test_copy_loads_the_same_records_as_the_orm(monkeypatch):
    by_orm = load_without_copy(monkeypatch)
    expected = records()
    empty_tables()

    by_copy = services.import_reference_data(directory=SAMPLE_DATA)

    assert records() == expected
    assert by_copy.counts == by_orm.counts


def test_a_large_first_load_rebuilds_every_index_and_constraint(monkeypatch, rebuild_for_any_size):
    before = schema()
    load_without_copy(monkeypatch)
    expected = records()
    empty_tables()

    services.import_reference_data(directory=SAMPLE_DATA)

    assert records() == expected
    assert schema() == before


def test_reimport_after_a_large_first_load_changes_nothing(rebuild_for_any_size):
    services.import_reference_data(directory=SAMPLE_DATA)
    loaded = records()

    report = services.import_reference_data(directory=SAMPLE_DATA)

    assert not report.changed
    assert report.counts["enrolments"].unchanged == 98
    assert records() == loaded


def test_a_bad_row_loads_nothing_even_on_the_large_first_load_path(
    sample_dir, rebuild_for_any_size
):
    before = schema()
    edit_row(sample_dir, "enrolments.csv", 5, ptan="!")

    with pytest.raises(ReferenceDataError):
        services.import_reference_data(directory=sample_dir)

    assert not Organization.objects.exists()
    assert not Clinician.objects.exists()
    assert schema() == before


def test_changed_rows_are_updated_through_a_staging_table(sample_dir):
    services.import_reference_data(directory=sample_dir)
    edit_row(sample_dir, "practices.csv", 2, legal_business_name="Sunrise Renamed LLC")
    edit_row(sample_dir, "clinicians.csv", 6, last_name="Byron")

    report = services.import_reference_data(directory=sample_dir)

    assert report.counts["practices"].updated == 1
    assert report.counts["clinicians"].updated == 1
    assert Organization.objects.filter(legal_business_name="Sunrise Renamed LLC").exists()
    assert Clinician.objects.filter(last_name="Byron").count() == 1


@pytest.mark.parametrize("rebuild_from", [1, 10**9], ids=["indexes rebuilt", "indexes kept"])
def test_a_conflict_met_while_copying_is_reported_and_loads_nothing(monkeypatch, rebuild_from):
    monkeypatch.setattr(services, "REBUILD_INDEXES_FROM", rebuild_from)
    before = schema()
    # Another import committing the same TIN after this one read the database.
    real_copy = services._copy

    def copy_after_a_rival(table, columns, rows, extra=()):
        if table == Organization._meta.db_table and rows and rows[0][0] == "practice":
            real_copy(table, columns, rows[:1], extra)
        real_copy(table, columns, rows, extra)

    monkeypatch.setattr(services, "_copy", copy_after_a_rival)

    with pytest.raises(ReferenceDataError) as caught:
        services.import_reference_data(directory=SAMPLE_DATA)

    assert "the database refused the data" in str(caught.value.problems[0])
    assert not Organization.objects.exists()
    assert schema() == before


def test_a_renamed_practice_is_searched_by_its_new_name_upper_cased_by_the_database(sample_dir):
    services.import_reference_data(directory=sample_dir)
    edit_row(sample_dir, "practices.csv", 2, legal_business_name="Sunrise Renamed LLC")

    services.import_reference_data(directory=sample_dir)

    assert Organization.objects.filter(search_name="SUNRISE RENAMED LLC").exists()


@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction, as the command
def test_the_import_command_vacuums_and_analyzes_what_it_loaded():
    from django.core.management import call_command

    def last_vacuumed():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = %s",
                [Organization._meta.db_table],
            )
            return cursor.fetchone()

    before = last_vacuumed()

    call_command("import_reference_data", str(SAMPLE_DATA))

    vacuumed, analyzed = last_vacuumed()
    assert vacuumed is not None and analyzed is not None
    assert (vacuumed, analyzed) != before
