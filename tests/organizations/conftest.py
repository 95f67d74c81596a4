import csv
import shutil
from pathlib import Path

import pytest

import organizations

SAMPLE_DATA = Path(organizations.__file__).parent / "sample_data"


@pytest.fixture
def sample_dir(tmp_path):
    """A writable copy of organizations/sample_data."""
    directory = tmp_path / "reference"
    shutil.copytree(SAMPLE_DATA, directory)
    return directory


@pytest.fixture
def sample_data(db):
    """The sample reference data, loaded."""
    from organizations.services import import_reference_data

    return import_reference_data(directory=SAMPLE_DATA)


def read_rows(directory, name):
    with (Path(directory) / name).open(newline="") as handle:
        return list(csv.reader(handle))


def write_rows(directory, name, rows):
    with (Path(directory) / name).open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def append_row(directory, name, **values):
    """Append a row (missing columns blank) and return its line number."""
    rows = read_rows(directory, name)
    rows.append([str(values.get(column, "")) for column in rows[0]])
    write_rows(directory, name, rows)
    return len(rows)


def edit_row(directory, name, line, **values):
    """Change some columns of the row on ``line`` (the header is line 1)."""
    rows = read_rows(directory, name)
    header = rows[0]
    for column, value in values.items():
        rows[line - 1][header.index(column)] = str(value)
    write_rows(directory, name, rows)
