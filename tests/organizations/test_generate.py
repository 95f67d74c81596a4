import csv
import time

import pytest
from django.core.management import call_command

from organizations import validators
from organizations.apm_models import apm_model_ran
from organizations.models import VIRTUAL_GROUPS_FROM, Organization
from organizations.reference_files import COLUMNS
from organizations.services import import_reference_data
from organizations.synthetic import write_synthetic_reference_files
from qpp_portal.geography import USState


def read(directory, name):
    with (directory / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_writes_the_same_files(tmp_path):
    write_synthetic_reference_files(directory=tmp_path / "a", practices=200, seed=5)
    write_synthetic_reference_files(directory=tmp_path / "b", practices=200, seed=5)
    write_synthetic_reference_files(directory=tmp_path / "c", practices=200, seed=6)

    for name in COLUMNS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "practices.csv").read_bytes() != (
        tmp_path / "c" / "practices.csv"
    ).read_bytes()


def test_generated_identifiers_pass_the_validators(tmp_path):
    write_synthetic_reference_files(directory=tmp_path, practices=300, seed=3)

    for row in read(tmp_path, "practices.csv"):
        validators.validate_tin(row["tin"])
        if row["group_npi"]:
            validators.validate_npi(row["group_npi"])
            validators.validate_ptan(row["group_ptan"])
    for row in read(tmp_path, "clinicians.csv"):
        validators.validate_npi(row["npi"])
    for row in read(tmp_path, "enrolments.csv"):
        validators.validate_ptan(row["ptan"])
    for row in read(tmp_path, "apm_entities.csv"):
        validators.validate_apm_entity_id(row["entity_id"])
    for row in read(tmp_path, "registries.csv"):
        validators.validate_registry_id(row["registry_id"])
        validators.validate_tin(row["tin"])


def test_generated_set_covers_every_state_model_type_and_registry_kind(tmp_path):
    write_synthetic_reference_files(directory=tmp_path, practices=300, seed=3)

    practices = read(tmp_path, "practices.csv")
    entities = read(tmp_path, "apm_entities.csv")
    assert {row["state"] for row in practices} == set(USState.values)
    assert any(row["is_virtual_group"] == "true" for row in practices)
    assert {row["model_type"] for row in entities} == set(Organization.ModelType.values)
    assert {"true", "false"} <= {row["is_single_tin"] for row in entities}
    assert {row["registry_kind"] for row in read(tmp_path, "registries.csv")} == set(
        Organization.RegistryKind.values
    )
    enrolments = read(tmp_path, "enrolments.csv")
    npis = [row["npi"] for row in enrolments]
    assert len(set(npis)) < len(npis), "some clinicians bill under several TINs"


@pytest.mark.django_db
def test_generated_set_round_trips_through_the_importer(tmp_path):
    counts = write_synthetic_reference_files(directory=tmp_path, practices=300, seed=11)

    report = import_reference_data(directory=tmp_path)

    assert report.counts["practices"].created == counts["practices.csv"] == 300
    assert report.counts["clinicians"].created == counts["clinicians.csv"]
    assert report.counts["enrolments"].created == counts["enrolments.csv"]
    assert report.counts["apm_participation"].created == counts["apm_participation.csv"]
    assert report.counts["virtual_group_tins"].created == counts["virtual_groups.csv"] > 0
    assert not import_reference_data(directory=tmp_path).changed


def test_generator_is_fast(tmp_path):
    started = time.perf_counter()
    write_synthetic_reference_files(directory=tmp_path, practices=10_000, seed=1)

    # 100,000 practices take under 10 s; keep a wide margin for slow CI machines.
    assert time.perf_counter() - started < 8


def test_generate_command_writes_the_files(tmp_path, capsys):
    call_command(
        "generate_reference_data", "--practices", "20", "--out", str(tmp_path), "--seed", "2"
    )

    assert "practices.csv: 20 rows" in capsys.readouterr().out
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(COLUMNS)


def test_generated_apm_participation_is_only_in_years_the_models_ran(tmp_path):
    write_synthetic_reference_files(directory=tmp_path, practices=3000, seed=5)

    model_of = {row["entity_id"]: row["model_type"] for row in read(tmp_path, "apm_entities.csv")}
    years = {
        (model_of[row["entity_id"]], int(row["performance_year"]))
        for row in read(tmp_path, "apm_participation.csv")
    }
    assert {model for model, _year in years} == set(Organization.ModelType.values)
    assert all(apm_model_ran(model, year) for model, year in years), sorted(years)
    # Ended models have data in their last years, not in the latest year.
    assert ("cpc_plus", 2021) in years and ("cpc_plus", 2025) not in years
    assert ("ssp_aco", 2025) in years


def test_generated_virtual_groups_have_an_identifier_and_several_small_tins_a_year(tmp_path):
    write_synthetic_reference_files(directory=tmp_path, practices=2000, seed=8)

    practices = {row["tin"]: row for row in read(tmp_path, "practices.csv")}
    size = {}
    for row in read(tmp_path, "enrolments.csv"):
        size[row["tin"]] = size.get(row["tin"], 0) + 1
    rows = read(tmp_path, "virtual_groups.csv")
    assert rows
    identifier_of = {}
    per_group_year = {}
    joined = set()
    for row in rows:
        validators.validate_virtual_group_id(row["virtual_group_id"])
        assert (
            identifier_of.setdefault(row["virtual_group_tin"], row["virtual_group_id"])
            == (row["virtual_group_id"])
        )
        assert practices[row["virtual_group_tin"]]["is_virtual_group"] == "true"
        assert practices[row["tin"]]["is_virtual_group"] == "false"
        assert size[row["tin"]] <= 10
        year = int(row["performance_year"])
        assert VIRTUAL_GROUPS_FROM <= year <= 2025
        assert (year, row["tin"]) not in joined, "a TIN joins one virtual group a year"
        joined.add((year, row["tin"]))
        per_group_year.setdefault((row["virtual_group_id"], year), []).append(row["tin"])
    assert len(set(identifier_of.values())) == len(identifier_of)
    assert all(len(tins) >= 2 for tins in per_group_year.values())
