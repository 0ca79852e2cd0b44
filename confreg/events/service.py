from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import abort, g
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from confreg.database import lock_event
from confreg.events.models import Enrolment, Event, ProgrammeSession
from confreg.extensions import db


def event_or_404(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    g.event = event
    return event


def upcoming_events() -> list[Event]:
    return list(db.session.scalars(select(Event).order_by(Event.starts_on.desc())))


@dataclass(frozen=True)
class TimetableEntry:
    session: ProgrammeSession
    #: Seats not yet taken; None when the session has no limit.
    seats_left: int | None


@dataclass(frozen=True)
class TimeSlot:
    """Sessions starting at the same moment: they run side by side."""

    starts_at: datetime
    entries: list[TimetableEntry]


def timetable(event: Event, track_id: int | None = None) -> list[tuple[date, list[TimeSlot]]]:
    """The programme day by day (in the event's zone), parallel sessions side by side,
    with seats left; the same few queries whatever the size of the programme."""
    query = (
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .options(selectinload(ProgrammeSession.track), selectinload(ProgrammeSession.room))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.track_id, ProgrammeSession.id)
    )
    if track_id is not None:
        query = query.where(ProgrammeSession.track_id == track_id)
    sessions = db.session.scalars(query).all()
    taken = dict(
        db.session.execute(
            select(Enrolment.session_id, func.count())
            .join(ProgrammeSession)
            .where(ProgrammeSession.event_id == event.id, Enrolment.status == "enrolled")
            .group_by(Enrolment.session_id)
        ).all()
    )
    days: dict[date, list[TimeSlot]] = {}
    for session in sessions:
        seats = session.seats
        entry = TimetableEntry(
            session, None if seats is None else max(0, seats - taken.get(session.id, 0))
        )
        slots = days.setdefault(session.starts_at.astimezone(event.zone).date(), [])
        if slots and slots[-1].starts_at == session.starts_at:
            slots[-1].entries.append(entry)
        else:
            slots.append(TimeSlot(session.starts_at, [entry]))
    return list(days.items())


def move_event(event: Event, starts_on: date, ends_on: date, move_programme: bool) -> int:
    """Give the event new dates; with `move_programme`, every session moves by the same
    number of days at the same wall-clock time in the event's zone. Every delegate still
    registered is told, in their own language. Returns how many were told."""
    from confreg.registration.models import ACTIVE_STATUSES, Registration
    from confreg.registration.notify import notify_delegate

    lock_event(event.id)
    shift = starts_on - event.starts_on
    event.starts_on, event.ends_on = starts_on, ends_on
    if move_programme and shift:
        sessions = db.session.scalars(
            select(ProgrammeSession).where(ProgrammeSession.event_id == event.id)
        )
        for session in sessions:
            session.starts_at = _same_time_days_later(session.starts_at, shift.days, event)
            session.ends_at = _same_time_days_later(session.ends_at, shift.days, event)
            session.sequence += 1
    delegates = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES)
        )
    ).all()
    for registration in delegates:
        notify_delegate(registration, "event_moved")
    db.session.commit()
    return len(delegates)


def _same_time_days_later(moment: datetime, days: int, event: Event) -> datetime:
    """The same wall-clock time at the venue, `days` later (daylight saving may differ)."""
    local = moment.astimezone(event.zone).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=event.zone).astimezone(UTC)
