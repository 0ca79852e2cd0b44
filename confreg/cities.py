"""Member cities of UNESCO's Global Network of Learning Cities, for suggestions."""

import csv
from functools import cache
from pathlib import Path
from typing import NamedTuple

_CSV = Path(__file__).parent / "data" / "gnlc_cities.csv"


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
