"""Member cities of UNESCO's Global Network of Learning Cities, for suggestions, and
UNESCO's regional groups of countries, for statistics."""

import csv
from functools import cache
from pathlib import Path
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

_CSV = Path(__file__).parent / "data" / "gnlc_cities.csv"
#: UNESCO's regional groups of its member states (and a few territories, by geography).
_REGIONS_CSV = Path(__file__).parent / "data" / "unesco_regions.csv"


class MemberCity(NamedTuple):
    city: str
    country: str
    region: str


@cache
def member_cities() -> tuple[MemberCity, ...]:
    with _CSV.open(encoding="utf-8", newline="") as source:
        rows = csv.DictReader(source)
        return tuple(
            MemberCity(row["city"], row["country_iso2"], row["unesco_region"]) for row in rows
        )


#: UNESCO's regional groups as organisers read them.
REGION_LABELS = {
    "Africa": _l("Africa"),
    "Arab States": _l("Arab States"),
    "Asia and the Pacific": _l("Asia and the Pacific"),
    "Europe and North America": _l("Europe and North America"),
    "Latin America and the Caribbean": _l("Latin America and the Caribbean"),
}


@cache
def country_regions() -> dict[str, str]:
    """The UNESCO regional group of every country (ISO 3166-1 alpha-2) that is in one."""
    with _REGIONS_CSV.open(encoding="utf-8", newline="") as source:
        return {row["country_iso2"]: row["unesco_region"] for row in csv.DictReader(source)}
