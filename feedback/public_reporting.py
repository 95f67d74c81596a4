"""The Care Compare preview window of each performance year, read from
``data/public_reporting.json`` (with its source). Nothing here touches the database."""

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import program

DATA_FILE = Path(__file__).resolve().parent / "data" / "public_reporting.json"


@dataclass(frozen=True)
class PreviewWindow:
    year: int
    opens: datetime.date
    closes: datetime.date

    def is_open(self, on=None):
        on = on or program.today()
        return self.opens <= on <= self.closes


@cache
def preview_windows():
    """Return {year: PreviewWindow} for every year in the data file."""
    raw = json.loads(DATA_FILE.read_text())["years"]
    return {
        int(year): PreviewWindow(
            year=int(year),
            opens=datetime.date.fromisoformat(entry["preview_opens"]),
            closes=datetime.date.fromisoformat(entry["preview_closes"]),
        )
        for year, entry in raw.items()
    }


def preview_window(year):
    """Return the window of ``year``, or None if the year has none."""
    try:
        return preview_windows().get(int(year))
    except (TypeError, ValueError):
        return None


def preview_years(on=None):
    """Return the years whose preview has opened by ``on`` (today), newest first."""
    on = on or program.today()
    return sorted((y for y, w in preview_windows().items() if w.opens <= on), reverse=True)
