"""Figures for the organisers' dashboard. Each is counted by the database in one grouped
query, so that the page costs the same few queries at ten or ten thousand registrations;
they come back as codes and numbers, which the page labels in the reader's language."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from confreg.checkin.board import Tally
from confreg.checkin.models import CheckIn
from confreg.checkin.service import entrance_arrivals
from confreg.cities import country_regions
from confreg.events.models import UNESCO_REGIONS, Event, ProgrammeSession
from confreg.events.programme import enrolment_counts
from confreg.extensions import db
from confreg.organiser.service import status_counts, undelivered_mail_count
from confreg.registration.models import ACTIVE_STATUSES, Registration

#: How many countries the dashboard names; the rest are counted together.
TOP_COUNTRIES = 10
#: How many sessions the dashboard shows, the fullest first.
TOP_SESSIONS = 10


@dataclass(frozen=True)
class DayCount:
    day: date
    new: int
    total: int


@dataclass(frozen=True)
class ActiveRegistrations:
    """Pending, confirmed and waitlisted registrations: those who are or may be coming."""

    #: (category, registrations), most first.
    categories: list[tuple[str, int]]
    #: Country code -> registrations.
    countries: dict[str, int]
    #: Those who asked for a visa letter not approved yet.
    visa_letters_pending: int


@dataclass(frozen=True)
class SessionFill:
    session: ProgrammeSession
    enrolled: int
    seats: int
    waitlisted: int

    @property
    def share(self) -> float:
        return self.enrolled / self.seats if self.seats else 1.0


@dataclass(frozen=True)
class Arrivals:
    #: Confirmed delegates expected, and those who came in at the entrance.
    tally: Tally
    #: (day in the event's zone, first entrance check-ins that day), oldest first.
    per_day: list[tuple[date, int]]


@dataclass(frozen=True)
class Dashboard:
    statuses: dict[str, int]
    per_day: list[DayCount]
    categories: list[tuple[str, int]]
    #: The countries with most delegates, and how many come from all the others.
    countries: list[tuple[str, int]]
    other_countries: int
    #: UNESCO region (None: not known) and delegates, in UNESCO's order.
    regions: list[tuple[str | None, int]]
    visa_letters_pending: int
    sessions: list[SessionFill]
    #: None until the first delegate has checked in.
    arrivals: Arrivals | None
    undelivered_mail: int


def dashboard(event: Event, today: date) -> Dashboard:
    """Every figure of the dashboard; `today` (in the event's zone) ends the timeline."""
    statuses = status_counts(event)
    active = active_registrations(event)
    top, others = top_countries(active.countries)
    return Dashboard(
        statuses=statuses,
        per_day=registrations_per_day(event, until=today),
        categories=active.categories,
        countries=top,
        other_countries=others,
        regions=region_counts(active.countries),
        visa_letters_pending=active.visa_letters_pending,
        sessions=sessions_filling_up(event),
        arrivals=arrivals(event, expected=statuses["confirmed"]),
        undelivered_mail=undelivered_mail_count(event),
    )


def registrations_per_day(event: Event, until: date | None = None) -> list[DayCount]:
    """Registrations received (whatever became of them) per day in the event's zone,
    from the first day to the last (or `until`, if later), days without any included."""
    counts = _count_per_local_day(event, Registration.created_at, Registration.event_id == event.id)
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if until is not None and until > last:
        last = until
    days, total, day = [], 0, first
    while day <= last:
        total += counts.get(day, 0)
        days.append(DayCount(day, counts.get(day, 0), total))
        day += timedelta(days=1)
    return days


def active_registrations(event: Event) -> ActiveRegistrations:
    """The active registrations by category and by country, and the visa letters they
    wait for, counted in one pass over them."""
    letter_pending = and_(
        Registration.needs_visa_letter.is_(True), Registration.visa_letter_approved_at.is_(None)
    )
    rows = db.session.execute(
        select(
            Registration.category,
            Registration.country,
            func.count(),
            func.sum(case((letter_pending, 1), else_=0)),
        )
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES))
        .group_by(Registration.category, Registration.country)
    ).all()
    categories, countries = Counter(), Counter()
    for category, country, count, _letters in rows:
        categories[category] += count
        countries[country] += count
    return ActiveRegistrations(
        categories=_most_first(categories.items()),
        countries=dict(countries),
        visa_letters_pending=sum(letters for *_group, letters in rows),
    )


def top_countries(counts: dict[str, int], top: int = TOP_COUNTRIES) -> tuple[list, int]:
    """The `top` countries with most registrations, and the number from all others."""
    ranked = _most_first(counts.items())
    return ranked[:top], sum(count for _country, count in ranked[top:])


def region_counts(counts: dict[str, int]) -> list[tuple[str | None, int]]:
    """(UNESCO region, registrations) from country counts, in UNESCO's order, regions
    without anyone left out; None gathers the countries whose region is not known."""
    regions = country_regions()
    per_region = Counter()
    for country, count in counts.items():
        region = regions.get(country)
        per_region[region if region in UNESCO_REGIONS else None] += count
    order = [*UNESCO_REGIONS, None]
    return [(region, per_region[region]) for region in order if per_region[region]]


def sessions_filling_up(event: Event, top: int = TOP_SESSIONS) -> list[SessionFill]:
    """The sessions with a limited number of seats, the fullest first (then the longest
    waiting list), with their enrolled and waitlisted delegates."""
    counts = enrolment_counts(event)
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .options(joinedload(ProgrammeSession.room))
        .where(ProgrammeSession.event_id == event.id)
    ).all()
    fills = [
        SessionFill(
            session,
            counts.get(session.id, {}).get("enrolled", 0),
            session.seats,
            counts.get(session.id, {}).get("waitlisted", 0),
        )
        for session in sessions
        if session.seats is not None
    ]
    fills.sort(
        key=lambda fill: (-fill.share, -fill.waitlisted, fill.session.starts_at, fill.session.id)
    )
    return fills[:top]


def arrivals(event: Event, expected: int) -> Arrivals | None:
    """Entrance arrivals per day against the `expected` confirmed delegates; None
    before anyone has checked in."""
    confirmed = select(Registration.id).where(
        Registration.event_id == event.id, Registration.status == "confirmed"
    )  # as the arrivals board counts them: a delegate cancelled since is not expected
    conditions = and_(entrance_arrivals(event).whereclause, CheckIn.registration_id.in_(confirmed))
    per_day = _count_per_local_day(event, CheckIn.scanned_at, conditions)
    if not per_day:
        return None
    return Arrivals(Tally("", expected, sum(per_day.values())), sorted(per_day.items()))


def _most_first(pairs) -> list[tuple[str, int]]:
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def _count_per_local_day(event: Event, moment, condition) -> dict[date, int]:
    """Rows matching `condition` per day of their `moment` column in the event's zone,
    counted by the database."""
    if db.session.get_bind().dialect.name == "postgresql":
        day = func.date(func.timezone(event.timezone, moment))
    else:
        # SQLite knows no time zones: the moment is shifted by the zone's offset, which
        # changes only at the transitions between the first and the last moment.
        first, last = db.session.execute(
            select(func.min(moment), func.max(moment)).where(condition)
        ).one()
        if first is None:
            return {}
        day = func.date(moment, _sqlite_offset(moment, _offset_periods(event.zone, first, last)))
    # Grouped over a subquery: PostgreSQL would not see the zone given twice as one
    # expression.
    days = select(day.label("day")).where(condition).subquery()
    rows = db.session.execute(select(days.c.day, func.count()).group_by(days.c.day))
    return {_as_date(local_day): count for local_day, count in rows}


def _sqlite_offset(moment, periods: list[tuple[datetime, int]]):
    """SQLite's date modifier ('+120 minutes') for the UTC offset in force at `moment`."""
    modifiers = [f"{minutes:+d} minutes" for _start, minutes in periods]
    if len(periods) == 1:
        return modifiers[0]
    return case(
        *(
            (moment < start, modifier)
            for (start, _), modifier in zip(periods[1:], modifiers[:-1], strict=True)
        ),
        else_=modifiers[-1],
    )


def _offset_periods(zone: ZoneInfo, first: datetime, last: datetime) -> list[tuple[datetime, int]]:
    """(UTC moment from which, offset in minutes) of each stretch of one UTC offset
    from `first` to `last`, found day by day and then to the microsecond."""

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)

    periods = [(first, offset(first))]
    moment = first
    while moment < last:
        step = min(moment + timedelta(days=1), last)
        if offset(step) != periods[-1][1]:
            before, after = moment, step
            while after - before > timedelta(microseconds=1):
                middle = before + (after - before) / 2
                before, after = (
                    (middle, after) if offset(middle) == periods[-1][1] else (before, middle)
                )
            periods.append((after, offset(after)))
        moment = step
    return periods


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
