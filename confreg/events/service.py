from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, g
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

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


def programme_by_day(event: Event) -> list[tuple[date, list[ProgrammeSession]]]:
    """Sessions grouped by their day in the event's zone, in order; one query."""
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .options(selectinload(ProgrammeSession.track), selectinload(ProgrammeSession.room))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    )
    days: dict[date, list[ProgrammeSession]] = {}
    for session in sessions:
        days.setdefault(session.starts_at.astimezone(event.zone).date(), []).append(session)
    return list(days.items())


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
