"""Travel and logistics: a delegate's arrival, departure, hotel and airport transfer, and
the lists by day that the hosts' transfer and catering teams plan with. Dates and times
are local to the event's city, as they are printed on tickets."""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select, union

from confreg import audit
from confreg.events.models import Event
from confreg.extensions import db
from confreg.registration.models import Registration
from confreg.registration.service import NotAllowed

#: Travel details a delegate gives, in the order the form shows them.
TRAVEL_FIELDS = (
    "arrival_on",
    "arrival_time",
    "arrival_flight",
    "departure_on",
    "departure_time",
    "departure_flight",
    "hotel",
    "wants_airport_transfer",
    "accompanying_persons",
)
#: How long before the event's first day delegates may arrive, and after its last leave.
TRAVEL_MARGIN = timedelta(days=30)
MAX_ACCOMPANYING_PERSONS = 10
HOTEL_MAX_LENGTH = 200
#: The airline's IATA (two characters) or ICAO (three letters) code, then the number and
#: an optional suffix: "AM 0402", "LH403", "U2 8123A".
_FLIGHT = re.compile(r"(?:[A-Z]{3}|[A-Z0-9]{2}) ?[0-9]{1,4}[A-Z]?")


class InvalidTravel(Exception):
    """Travel details that break the rules, as {field: reason code}."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def arrival_window(event: Event) -> tuple[date, date]:
    """The first and last day a delegate may arrive."""
    return event.starts_on - TRAVEL_MARGIN, event.ends_on


def departure_window(event: Event) -> tuple[date, date]:
    """The first and last day a delegate may leave."""
    return event.starts_on, event.ends_on + TRAVEL_MARGIN


def normalise_flight(text: str) -> str:
    """'am  0402 ' -> 'AM 0402': upper case, one space at most, as airlines print it."""
    return " ".join(text.split()).upper()


def update_travel(
    registration: Registration, values: dict[str, Any], actor: str, staff_user=None
) -> dict[str, list]:
    """Check and store the travel details, recording what changed; returns the changes.
    Raises InvalidTravel (nothing stored) or NotAllowed for a cancelled or rejected
    registration."""
    if registration.status in ("cancelled", "rejected"):
        raise NotAllowed
    checked = _checked_travel(registration.event, values)
    before = {name: getattr(registration, name) for name in TRAVEL_FIELDS}
    changes = audit.changed_values(before, checked)
    if changes:
        for name in changes:
            setattr(registration, name, checked[name])
        audit.record(registration, "updated", actor, staff_user, changes=changes)
        db.session.commit()
    return changes


def _checked_travel(event: Event, values: dict[str, Any]) -> dict[str, Any]:
    checked = {
        "arrival_on": values.get("arrival_on"),
        "arrival_time": values.get("arrival_time"),
        "arrival_flight": normalise_flight(values.get("arrival_flight") or ""),
        "departure_on": values.get("departure_on"),
        "departure_time": values.get("departure_time"),
        "departure_flight": normalise_flight(values.get("departure_flight") or ""),
        "hotel": (values.get("hotel") or "").strip(),
        "wants_airport_transfer": bool(values.get("wants_airport_transfer")),
        "accompanying_persons": values.get("accompanying_persons") or 0,
    }
    problems: dict[str, str] = {}
    for way in ("arrival", "departure"):
        on = checked[f"{way}_on"]
        first, last = arrival_window(event) if way == "arrival" else departure_window(event)
        if on is None and (checked[f"{way}_time"] or checked[f"{way}_flight"]):
            problems[f"{way}_on"] = f"{way}_date_missing"
        elif on is not None and not first <= on <= last:
            problems[f"{way}_on"] = f"{way}_outside_window"
        flight = checked[f"{way}_flight"]
        if flight and not _FLIGHT.fullmatch(flight):
            problems[f"{way}_flight"] = "flight_code"
    arrival, departure = checked["arrival_on"], checked["departure_on"]
    if arrival and departure and not problems.keys() & {"arrival_on", "departure_on"}:
        arrival_time, departure_time = checked["arrival_time"], checked["departure_time"]
        if departure < arrival:
            problems["departure_on"] = "departure_before_arrival"
        elif (
            departure == arrival
            and arrival_time
            and departure_time
            and departure_time < arrival_time
        ):
            problems["departure_time"] = "departure_before_arrival"
    if len(checked["hotel"]) > HOTEL_MAX_LENGTH:
        problems["hotel"] = "hotel_too_long"
    persons = checked["accompanying_persons"]
    if not isinstance(persons, int) or not 0 <= persons <= MAX_ACCOMPANYING_PERSONS:
        problems["accompanying_persons"] = "accompanying_persons_range"
    if checked["wants_airport_transfer"] and arrival is None and departure is None:
        problems["wants_airport_transfer"] = "transfer_without_dates"
    if problems:
        raise InvalidTravel(problems)
    return checked


# --- lists for the hosts -----------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """A delegate arriving or leaving on a day, with those travelling with them."""

    #: "arrival" or "departure".
    kind: str
    time: time | None
    flight: str
    registration: Registration

    @property
    def people(self) -> int:
        return 1 + self.registration.accompanying_persons


@dataclass(frozen=True)
class CateringDay:
    """Who eats on a day: confirmed delegates present, those travelling with them, and
    the delegates' dietary needs as (need as first written, number of delegates)."""

    day: date
    delegates: int
    accompanying: int
    dietary_needs: list[tuple[str, int]]

    @property
    def people(self) -> int:
        return self.delegates + self.accompanying


def _expected(event: Event) -> tuple:
    """Who the hosts plan for: confirmed delegates whose data was not erased."""
    return (
        Registration.event_id == event.id,
        Registration.status == "confirmed",
        Registration.erased_at.is_(None),
    )


def _movements(event: Event, day: date, kind: str, transfer_only: bool) -> list[Movement]:
    on, at = getattr(Registration, f"{kind}_on"), getattr(Registration, f"{kind}_time")
    query = (
        select(Registration)
        .where(*_expected(event), on == day)
        .order_by(at.is_(None), at, Registration.id)  # unknown times last on every database
    )
    if transfer_only:
        query = query.where(Registration.wants_airport_transfer.is_(True))
    return [
        Movement(
            kind,
            getattr(registration, f"{kind}_time"),
            getattr(registration, f"{kind}_flight"),
            registration,
        )
        for registration in db.session.scalars(query)
    ]


def arrivals_on(event: Event, day: date) -> list[Movement]:
    """Confirmed delegates arriving on the day, by time (unknown times last)."""
    return _movements(event, day, "arrival", transfer_only=False)


def departures_on(event: Event, day: date) -> list[Movement]:
    """Confirmed delegates leaving on the day, by time (unknown times last)."""
    return _movements(event, day, "departure", transfer_only=False)


def transfers_on(event: Event, day: date) -> list[Movement]:
    """The transfer team's day: arrivals and departures of those who want a transfer."""
    movements = _movements(event, day, "arrival", transfer_only=True) + _movements(
        event, day, "departure", transfer_only=True
    )
    return sorted(movements, key=lambda m: (m.time is None, m.time or time()))


def travel_days(event: Event) -> list[date]:
    """The event's days and every day a confirmed delegate arrives or leaves."""
    travelling = union(
        select(Registration.arrival_on).where(*_expected(event)),
        select(Registration.departure_on).where(*_expected(event)),
    )
    days = {day for day in db.session.scalars(travelling) if day is not None}
    return sorted(days | set(event_days(event)))


def event_days(event: Event) -> list[date]:
    return [
        event.starts_on + timedelta(days=offset)
        for offset in range((event.ends_on - event.starts_on).days + 1)
    ]


def catering(event: Event, days: list[date]) -> list[CateringDay]:
    """For each day, the confirmed delegates whose stay covers it and those travelling
    with them. A stay runs from the arrival to the departure day; without an arrival
    date it starts on the event's first day, without a departure it ends on its last."""
    stays = db.session.execute(
        select(
            Registration.arrival_on,
            Registration.departure_on,
            Registration.accompanying_persons,
            Registration.dietary_needs,
        )
        .where(*_expected(event))
        .order_by(Registration.id)
    ).all()
    result = []
    for day in days:
        delegates = accompanying = 0
        needs: Counter[str] = Counter()
        spelling: dict[str, str] = {}
        for arrival_on, departure_on, persons, dietary_needs in stays:
            if not (arrival_on or event.starts_on) <= day <= (departure_on or event.ends_on):
                continue
            delegates += 1
            accompanying += persons
            if need := " ".join(dietary_needs.split()).rstrip("."):
                key = need.casefold()
                needs[key] += 1
                spelling.setdefault(key, need)
        summary = sorted(
            ((spelling[key], count) for key, count in needs.items()),
            key=lambda pair: (-pair[1], pair[0].casefold()),
        )
        result.append(CateringDay(day, delegates, accompanying, summary))
    return result
