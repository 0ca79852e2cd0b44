"""Exports of delegates, their session seats and their check-ins, with the columns an
organiser chooses, as CSV or XLSX, read from the database in batches so that memory
stays flat however many rows there are. Passport details go out only when chosen."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from confreg.checkin.models import CheckIn
from confreg.cities import country_regions
from confreg.events.models import Enrolment, Event, ProgrammeSession
from confreg.extensions import db
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.registration.models import Registration

#: Rows fetched from the database at a time.
BATCH = 500
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    label: Any
    #: The cell's value from the row: a Registration, or a tuple whose last item is one.
    value: Callable[[Any], Any]
    #: Ticked when the page opens.
    default: bool = True


def _delegate(getter: Callable[[Registration], Any]) -> Callable[[Any], Any]:
    return lambda row: getter(row if isinstance(row, Registration) else row[-1])


_DELEGATE_COLUMNS: dict[str, Column] = {
    "public_id": Column(_l("Delegate id"), _delegate(lambda r: r.public_id)),
    "given_name": Column(_l("Given name"), _delegate(lambda r: r.given_name)),
    "family_name": Column(_l("Family name"), _delegate(lambda r: r.family_name)),
    "latin_name": Column(_l("Name in Latin letters"), _delegate(lambda r: r.latin_name)),
    "email": Column(_l("E-mail address"), _delegate(lambda r: r.email)),
    "category": Column(_l("Category"), _delegate(lambda r: r.category_label)),
    "status": Column(_l("Status"), _delegate(lambda r: r.status_label)),
    "organisation": Column(_l("Organisation"), _delegate(lambda r: r.organisation)),
    "job_title": Column(_l("Job title"), _delegate(lambda r: r.job_title), False),
    "city": Column(_l("City"), _delegate(lambda r: r.city)),
    "country": Column(_l("Country"), _delegate(lambda r: r.country)),
    "region": Column(
        _l("Region"), _delegate(lambda r: country_regions().get(r.country, "")), False
    ),
    "preferred_locale": Column(_l("Language"), _delegate(lambda r: r.preferred_locale), False),
    "dietary_needs": Column(_l("Dietary needs"), _delegate(lambda r: r.dietary_needs), False),
    "accessibility_needs": Column(
        _l("Accessibility needs"), _delegate(lambda r: r.accessibility_needs), False
    ),
    "needs_visa_letter": Column(
        _l("Visa letter wanted"), _delegate(lambda r: r.needs_visa_letter), False
    ),
    "visa_letter_reference": Column(
        _l("Visa letter reference"), _delegate(lambda r: r.visa_letter_reference), False
    ),
    "badge_printed_at": Column(_l("Badge printed"), _delegate(lambda r: r.badge_printed_at), False),
    "arrival": Column(
        _l("Arrival"), _delegate(lambda r: _day_and_time(r.arrival_on, r.arrival_time)), False
    ),
    "arrival_flight": Column(_l("Arrival flight"), _delegate(lambda r: r.arrival_flight), False),
    "departure": Column(
        _l("Departure"), _delegate(lambda r: _day_and_time(r.departure_on, r.departure_time)), False
    ),
    "departure_flight": Column(
        _l("Departure flight"), _delegate(lambda r: r.departure_flight), False
    ),
    "hotel": Column(_l("Hotel"), _delegate(lambda r: r.hotel), False),
    "wants_airport_transfer": Column(
        _l("Airport transfer"), _delegate(lambda r: r.wants_airport_transfer), False
    ),
    "accompanying_persons": Column(
        _l("Accompanying persons"), _delegate(lambda r: r.accompanying_persons), False
    ),
    "created_at": Column(_l("Registered"), _delegate(lambda r: r.created_at)),
    "passport_name": Column(_l("Name in passport"), _delegate(lambda r: r.passport_name), False),
    "nationality": Column(_l("Nationality"), _delegate(lambda r: r.nationality), False),
    "passport_number": Column(_l("Passport number"), _delegate(lambda r: r.passport_number), False),
    "date_of_birth": Column(_l("Date of birth"), _delegate(lambda r: r.date_of_birth), False),
}
#: The passport columns, set apart on the page and never ticked by default.
PASSPORT_COLUMNS = ("passport_name", "nationality", "passport_number", "date_of_birth")

_SESSION_COLUMNS: dict[str, Column] = {
    "session": Column(_l("Session"), lambda row: row[1].display_title),
    "session_starts_at": Column(_l("Starts"), lambda row: row[1].starts_at),
    "seat": Column(
        _l("Seat or waiting list"),
        lambda row: _l("Seated") if row[0].status == "enrolled" else _l("On the waiting list"),
    ),
}

_CHECKIN_COLUMNS: dict[str, Column] = {
    "scanned_at": Column(_l("When"), lambda row: row[0].scanned_at),
    "where": Column(
        _l("Where"), lambda row: row[1].display_title if row[1] else _l("Event entrance")
    ),
    "result": Column(_l("Result"), lambda row: row[0].result),
    "desk": Column(_l("Desk"), lambda row: row[0].desk),
    "undone_at": Column(_l("Undone"), lambda row: row[0].undone_at),
}

#: What can be exported, each with its own columns and those of the delegate.
KINDS = {
    "delegates": (_l("Delegates"), _DELEGATE_COLUMNS),
    "enrolments": (_l("Session seats and waiting lists"), _SESSION_COLUMNS | _DELEGATE_COLUMNS),
    "checkins": (_l("Check-ins"), _CHECKIN_COLUMNS | _DELEGATE_COLUMNS),
}


def columns(kind: str) -> dict[str, Column]:
    return KINDS[kind][1]


def default_columns(kind: str) -> list[str]:
    return [name for name, column in columns(kind).items() if column.default]


def rows_query(event: Event, kind: str, delegate_filter: DelegateFilter) -> Select:
    conditions = delegate_filter.conditions(event)
    if kind == "delegates":
        query = select(Registration).order_by(Registration.created_at, Registration.id)
    elif kind == "enrolments":
        query = (
            select(Enrolment, ProgrammeSession, Registration)
            .join(ProgrammeSession, Enrolment.session_id == ProgrammeSession.id)
            .join(Registration, Enrolment.registration_id == Registration.id)
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id, Enrolment.status,
                      Enrolment.status_changed_at, Enrolment.id)
        )  # fmt: skip
    else:
        session = aliased(ProgrammeSession)
        query = (
            select(CheckIn, session, Registration)
            .join(Registration, CheckIn.registration_id == Registration.id)
            .outerjoin(session, CheckIn.session_id == session.id)
            .where(CheckIn.event_id == event.id)
            .order_by(CheckIn.scanned_at, CheckIn.id)
        )
    return query.where(*conditions).execution_options(yield_per=BATCH)


def export_rows(
    event: Event, kind: str, chosen: list[str], delegate_filter: DelegateFilter
) -> Iterator[list[Any]]:
    """The chosen columns of every row, in batches; times in the event's zone."""
    available = columns(kind)
    getters = [available[name].value for name in chosen]
    zone = ZoneInfo(event.timezone)
    result = db.session.execute(rows_query(event, kind, delegate_filter))
    for row in result.scalars() if kind == "delegates" else result:
        yield [_local(getter(row), zone) for getter in getters]


def header(kind: str, chosen: list[str]) -> list[str]:
    available = columns(kind)
    return [str(available[name].label) for name in chosen]


def csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def _local(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None, microsecond=0)
    if value is not None and not isinstance(value, (str, int, float, bool, date, time)):
        return str(value)  # lazy translations
    return value


def _day_and_time(day: date | None, at: time | None) -> str:
    if day is None:
        return ""
    return f"{day.isoformat()} {at.strftime('%H:%M')}" if at else day.isoformat()
