"""The programme for other tools: iCalendar (RFC 5545) for calendars, JSON for data."""

from datetime import UTC, date, datetime

from flask_babel import force_locale
from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from confreg.database import utcnow
from confreg.events.models import Enrolment, Event, ProgrammeSession
from confreg.extensions import db
from confreg.i18n import localised
from confreg.registration.models import Registration

#: A seat is a firm date in a calendar; a place in a queue is a maybe.
_CALENDAR_STATUS = {"enrolled": "CONFIRMED", "waitlisted": "TENTATIVE"}


def programme_sessions(event: Event) -> list[ProgrammeSession]:
    """Every session with its track and room, in one go."""
    return list(
        db.session.scalars(
            select(ProgrammeSession)
            .where(ProgrammeSession.event_id == event.id)
            .options(selectinload(ProgrammeSession.track), selectinload(ProgrammeSession.room))
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )


def agenda_enrolments(registration: Registration) -> list[Enrolment]:
    """The delegate's seats and places in queues, with each session's track and room."""
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.registration_id == registration.id)
            .options(
                selectinload(Enrolment.session).selectinload(ProgrammeSession.track),
                selectinload(Enrolment.session).selectinload(ProgrammeSession.room),
            )
        )
    )


def programme_calendar(event: Event, sessions: list[ProgrammeSession], locale: str) -> bytes:
    calendar = _calendar(event, event.title_in(locale))
    for session in sessions:
        calendar.add_component(_calendar_event(event, session, locale))
    return calendar.to_ical()


def agenda_calendar(registration: Registration, enrolments: list[Enrolment], locale: str) -> bytes:
    event = registration.event
    calendar = _calendar(event, event.title_in(locale))
    for enrolment in sorted(enrolments, key=lambda e: e.session.starts_at):
        entry = _calendar_event(event, enrolment.session, locale)
        entry.add("status", _CALENDAR_STATUS[enrolment.status])
        calendar.add_component(entry)
    return calendar.to_ical()


def programme_json(event: Event, sessions: list[ProgrammeSession]) -> dict:
    """Everything about the programme, every language included, times in the event's
    zone and in UTC."""
    tracks = {session.track.id: session.track for session in sessions if session.track}
    rooms = {session.room.id: session.room for session in sessions if session.room}
    return {
        "event": {
            "slug": event.slug,
            "name": event.name,
            "timezone": event.timezone,
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
        },
        "tracks": [
            {"id": t.id, "kind": t.kind, "name": t.name, "colour": t.colour}
            for t in sorted(tracks.values(), key=lambda t: t.position)
        ],
        "rooms": [
            {"id": r.id, "name": r.name, "capacity": r.capacity}
            for r in sorted(rooms.values(), key=lambda r: r.name)
        ],
        "sessions": [
            {
                "id": s.id,
                "track_id": s.track_id,
                "room_id": s.room_id,
                "title": s.title,
                "description": s.description,
                "starts_at": s.starts_at.astimezone(event.zone).isoformat(),
                "ends_at": s.ends_at.astimezone(event.zone).isoformat(),
                "starts_at_utc": _utc(s.starts_at),
                "ends_at_utc": _utc(s.ends_at),
                "seats": s.seats,
                "languages": s.languages,
                "interpreted_into": s.interpreted_into,
                "eligibility": _eligibility(s),
            }
            for s in sessions
        ],
    }


def _calendar(event: Event, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//confreg//programme//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", event.timezone)
    # The zone's rules from the zone database, for the years around the event only: a
    # calendar need not know the zone by name, and the file stays short.
    zone = Timezone.from_tzid(
        event.timezone,
        first_date=date(event.starts_on.year - 1, 1, 1),
        last_date=date(event.ends_on.year + 2, 1, 1),
    )
    calendar.add_component(zone)
    return calendar


def _calendar_event(event: Event, session: ProgrammeSession, locale: str) -> CalendarEvent:
    with force_locale(locale):
        title = localised(session.title, event.default_locale)
        description = localised(session.description, event.default_locale)
        track = session.track.title if session.track else ""
    entry = CalendarEvent()
    entry.add("uid", f"session-{session.id}@{event.slug}.confreg")
    entry.add("dtstamp", utcnow())
    entry.add("dtstart", session.starts_at.astimezone(event.zone))
    entry.add("dtend", session.ends_at.astimezone(event.zone))
    entry.add("summary", title)
    if description:
        entry.add("description", description)
    if session.room is not None:
        entry.add("location", session.room.name)
    if track:
        entry.add("categories", [track])
    entry.add("sequence", session.sequence)
    entry.add("last-modified", session.updated_at)
    return entry


def _eligibility(session: ProgrammeSession) -> dict:
    if session.by_invitation:
        return {"by_invitation": True}
    if session.eligible_categories is not None:
        return {"categories": session.eligible_categories}
    return {"open": True}


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
