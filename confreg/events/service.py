from datetime import date

from flask import abort, g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from confreg.events.models import Event, ProgrammeSession
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
