"""The registration rules of each performance year (window, who may register, size rules)
and the CAHPS for MIPS vendors, read from ``data/`` with their sources. No database."""

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
WEB_INTERFACE = "web_interface"
CAHPS = "cahps"


@dataclass(frozen=True)
class Offer:
    """One kind of registration in one year: who may register and the minimum size."""

    organization_kinds: tuple
    apm_models: tuple | None
    min_clinicians: int


@dataclass(frozen=True)
class RegistrationYear:
    year: int
    opens: datetime.date
    closes: datetime.date
    offers: dict  # {WEB_INTERFACE or CAHPS: Offer}; a kind not offered that year is absent

    def window_open(self, on):
        return self.opens <= on <= self.closes


@cache
def registration_years():
    raw = json.loads((DATA_DIR / "registration_years.json").read_text())["years"]
    years = {}
    for key, entry in raw.items():
        offers = {}
        for kind in (WEB_INTERFACE, CAHPS):
            offer = entry.get(kind)
            if offer:
                offers[kind] = Offer(
                    organization_kinds=tuple(offer["organization_kinds"]),
                    apm_models=tuple(offer["apm_models"]) if offer.get("apm_models") else None,
                    min_clinicians=int(offer["min_clinicians"]),
                )
        years[int(key)] = RegistrationYear(
            year=int(key),
            opens=datetime.date.fromisoformat(entry["registration_opens"]),
            closes=datetime.date.fromisoformat(entry["registration_closes"]),
            offers=offers,
        )
    return years


def registration_year(year):
    """Return the rules of ``year``, or None for a year without data."""
    return registration_years().get(year)


@cache
def cahps_vendors():
    """Return {vendor id: name} of the CAHPS for MIPS survey vendors, in list order."""
    raw = json.loads((DATA_DIR / "cahps_vendors.json").read_text())["vendors"]
    return {v["id"]: v["name"] for v in raw}
