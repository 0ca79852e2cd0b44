"""The organisers' programme: tracks, rooms and sessions, and what changing them means
for the delegates already signed up (refusals, warnings, e-mails)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from confreg import audit
from confreg.database import lock_event, lock_for_update, utcnow
from confreg.events import enrolment
from confreg.events.models import Enrolment, Event, ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.registration.notify import notify_delegate


class ProgrammeRefused(Exception):
    """Base of the reasons a change is refused; `code` is stable for APIs and logs."""

    code = "refused"


class CapacityBelowEnrolled(ProgrammeRefused):
    """Fewer seats than delegates already seated; nothing was changed."""

    code = "capacity_below_enrolled"

    def __init__(self, session: ProgrammeSession, enrolled: int):
        super().__init__(session.id, enrolled)
        self.session = session
        self.enrolled = enrolled


@dataclass(frozen=True)
class SessionDetails:
    """What the editor sets on a session; times are moments (aware, any zone)."""

    title: dict[str, str]
    description: dict[str, str]
    track_id: int | None
    room_id: int | None
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    eligible_categories: list[str] | None
    by_invitation: bool
    languages: list[str]
    interpreted_into: list[str]


@dataclass(frozen=True)
class ScheduleWarning:
    """Something the organiser should look at, which does not stop the change.

    `code` is "room_in_use" (then `other` is the session holding the room) or
    "outside_event_dates"."""

    code: str
    other: ProgrammeSession | None = None


@dataclass(frozen=True)
class ProgrammeOverview:
    tracks: list[Track]
    rooms: list[Room]
    #: Sessions grouped by their day in the event's zone, in order.
    days: list[tuple[date, list[ProgrammeSession]]]
    #: {session id: {"enrolled": n, "waitlisted": n}}, for sessions with anyone.
    counts: dict[int, dict[str, int]]


@dataclass(frozen=True)
class SessionChange:
    session: ProgrammeSession
    #: Whether the start or end changed (and the delegates were told).
    moved: bool
    #: Delegates told of the new time.
    told: int
    #: Delegates seated from the waiting list because there are more seats.
    promoted: int


def programme_overview(event: Event) -> ProgrammeOverview:
    """Everything the editor's overview shows, in four queries whatever its size."""
    tracks = db.session.scalars(
        select(Track).where(Track.event_id == event.id).order_by(Track.position, Track.id)
    ).all()
    rooms = db.session.scalars(
        select(Room).where(Room.event_id == event.id).order_by(Room.name, Room.id)
    ).all()
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()
    days: dict[date, list[ProgrammeSession]] = {}
    for session in sessions:
        days.setdefault(session.starts_at.astimezone(event.zone).date(), []).append(session)
    return ProgrammeOverview(list(tracks), list(rooms), list(days.items()), enrolment_counts(event))


def enrolment_counts(event: Event) -> dict[int, dict[str, int]]:
    rows = db.session.execute(
        select(Enrolment.session_id, Enrolment.status, func.count())
        .join(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .group_by(Enrolment.session_id, Enrolment.status)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for session_id, status, count in rows:
        counts.setdefault(session_id, {})[status] = count
    return counts


# --- tracks --------------------------------------------------------------------------


def create_track(event: Event, kind: str, name: dict[str, str], colour: str) -> Track:
    lock_event(event.id)  # two organisers adding tracks at once get distinct positions
    last = db.session.scalar(select(func.max(Track.position)).where(Track.event_id == event.id))
    track = Track(
        event_id=event.id,
        kind=kind,
        name=name,
        colour=colour,
        position=0 if last is None else last + 1,
    )
    db.session.add(track)
    db.session.commit()
    return track


def update_track(track: Track, kind: str, name: dict[str, str], colour: str) -> None:
    track.kind, track.name, track.colour = kind, name, colour
    db.session.commit()


def delete_track(track: Track) -> None:
    """Its sessions stay in the programme, without a track."""
    event_id = track.event_id
    lock_event(event_id)
    db.session.delete(track)
    db.session.flush()
    _renumber_tracks(event_id)
    db.session.commit()


def move_track(track: Track, steps: int) -> None:
    """Move the track `steps` places later in the list (earlier when negative); at the
    ends of the list it stays where it is."""
    lock_event(track.event_id)
    tracks = _renumber_tracks(track.event_id)
    index = tracks.index(track)
    target = min(max(index + steps, 0), len(tracks) - 1)
    tracks.insert(target, tracks.pop(index))
    for position, each in enumerate(tracks):
        each.position = position
    db.session.commit()


def _renumber_tracks(event_id: int) -> list[Track]:
    """The event's tracks in order, numbered 0, 1, 2… without gaps."""
    tracks = list(
        db.session.scalars(
            select(Track).where(Track.event_id == event_id).order_by(Track.position, Track.id)
        )
    )
    for position, track in enumerate(tracks):
        track.position = position
    return tracks


# --- rooms ---------------------------------------------------------------------------


def create_room(event: Event, name: str, capacity: int) -> Room:
    room = Room(event_id=event.id, name=name, capacity=capacity)
    db.session.add(room)
    db.session.commit()
    return room


def update_room(room: Room, name: str, capacity: int) -> None:
    """Refuses (CapacityBelowEnrolled) a capacity below the delegates seated in a
    session that takes its seats from the room."""
    relying = db.session.scalars(
        select(ProgrammeSession.id)
        .where(ProgrammeSession.room_id == room.id, ProgrammeSession.capacity.is_(None))
        .order_by(ProgrammeSession.id)
    ).all()
    for session_id in relying:
        lock_for_update(ProgrammeSession, session_id)
    grown = capacity > room.capacity
    for session_id in relying:
        session = db.session.get(ProgrammeSession, session_id)
        enrolled = _enrolled_count(session_id)
        if enrolled > capacity:
            db.session.rollback()
            raise CapacityBelowEnrolled(session, enrolled)
    room.name, room.capacity = name, capacity
    db.session.flush()
    if grown:
        for session_id in relying:
            _seat_waiting(db.session.get(ProgrammeSession, session_id))
    db.session.commit()


def delete_room(room: Room) -> None:
    """Its sessions stay in the programme, without a room (and without the room's
    seat limit)."""
    db.session.delete(room)
    db.session.commit()


# --- sessions ------------------------------------------------------------------------


def create_session(event: Event, details: SessionDetails) -> ProgrammeSession:
    session = ProgrammeSession(event_id=event.id)
    _apply(session, details)
    db.session.add(session)
    db.session.commit()
    return session


def update_session(session: ProgrammeSession, details: SessionDetails) -> SessionChange:
    """Change the session. Refuses (CapacityBelowEnrolled, nothing changed) fewer seats
    than delegates seated. A new start or end is told to every delegate seated or
    waiting, in their own language; more seats go to the waiting list."""
    lock_for_update(ProgrammeSession, session.id)
    db.session.refresh(session)
    enrolled = _enrolled_count(session.id)
    seats = details.capacity
    if seats is None and details.room_id is not None:
        seats = db.session.get(Room, details.room_id).capacity
    if seats is not None and seats < enrolled:
        db.session.rollback()
        raise CapacityBelowEnrolled(session, enrolled)
    before = _calendar_fields(session)
    moved = (session.starts_at, session.ends_at) != (details.starts_at, details.ends_at)
    _apply(session, details)
    db.session.flush()
    db.session.expire(session, ["track", "room"])  # follow the new ids
    if _calendar_fields(session) != before:
        session.sequence += 1
    told = _tell_moved(session) if moved else 0
    promoted = _seat_waiting(session)
    db.session.commit()
    return SessionChange(session, moved, told, promoted)


def session_delegates(session: ProgrammeSession) -> dict[str, int]:
    """How many delegates are seated in the session, and how many are waiting."""
    counts = dict.fromkeys(("enrolled", "waitlisted"), 0)
    counts.update(
        db.session.execute(
            select(Enrolment.status, func.count())
            .where(Enrolment.session_id == session.id)
            .group_by(Enrolment.status)
        ).all()
    )
    return counts


def delete_session(session: ProgrammeSession, staff_user=None) -> int:
    """Take the session out of the programme; every delegate seated or waiting is told,
    in their own language. Returns how many were told."""
    lock_for_update(ProgrammeSession, session.id)
    enrolments = enrolment.roster(session)
    for each in enrolments:
        registration = each.registration
        audit.record(registration, "session_left", "staff", staff_user, session_id=session.id)
        notify_delegate(registration, "session_cancelled", session=session)
        db.session.delete(each)
    db.session.delete(session)
    db.session.commit()
    return len(enrolments)


def schedule_warnings(session: ProgrammeSession) -> list[ScheduleWarning]:
    """What looks wrong with the session's time and place, without forbidding it."""
    warnings = []
    if session.room_id is not None:
        others = db.session.scalars(
            select(ProgrammeSession)
            .where(
                ProgrammeSession.room_id == session.room_id,
                ProgrammeSession.id != session.id,
                ProgrammeSession.starts_at < session.ends_at,
                session.starts_at < ProgrammeSession.ends_at,
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
        warnings.extend(ScheduleWarning("room_in_use", other) for other in others)
    event = session.event
    first_day = session.starts_at.astimezone(event.zone).date()
    last_day = session.ends_at.astimezone(event.zone).date()
    if first_day < event.starts_on or last_day > event.ends_on:
        warnings.append(ScheduleWarning("outside_event_dates"))
    return warnings


def _apply(session: ProgrammeSession, details: SessionDetails) -> None:
    session.title = details.title
    session.description = details.description
    session.track_id = details.track_id
    session.room_id = details.room_id
    session.starts_at = details.starts_at
    session.ends_at = details.ends_at
    session.capacity = details.capacity
    session.eligible_categories = details.eligible_categories
    session.by_invitation = details.by_invitation
    session.languages = details.languages
    session.interpreted_into = details.interpreted_into


def _calendar_fields(session: ProgrammeSession) -> tuple:
    """What a calendar entry shows (summary, description, place, times)."""
    return (
        session.title,
        session.description,
        session.room_id,
        session.starts_at,
        session.ends_at,
    )


def _tell_moved(session: ProgrammeSession) -> int:
    enrolments = enrolment.roster(session)
    for each in enrolments:
        registration = each.registration
        notify_delegate(registration, "session_moved", session=session)
    return len(enrolments)


def _seat_waiting(session: ProgrammeSession) -> int:
    """Give the seats a change has added to the first in the queue; the caller holds the
    session's lock. Returns how many were seated."""
    waiting_before = _waitlisted_count(session.id)
    if waiting_before == 0:
        return 0
    enrolment.promote_next(session, utcnow())
    return waiting_before - _waitlisted_count(session.id)


def _enrolled_count(session_id: int) -> int:
    return _count(session_id, "enrolled")


def _waitlisted_count(session_id: int) -> int:
    return _count(session_id, "waitlisted")


def _count(session_id: int, status: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Enrolment)
        .where(Enrolment.session_id == session_id, Enrolment.status == status)
    )
