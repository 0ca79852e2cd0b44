"""Check-in rules: judging a scan, recording every attempt, one first check-in per
delegate and place however many desks scan at once, undoing, offline queues merged."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Exists, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite

from confreg.badges.service import verify_token
from confreg.checkin.models import CheckIn
from confreg.database import commit_keeping_loaded, utcnow
from confreg.events.enrolment import is_eligible
from confreg.events.models import Enrolment, Event, ProgrammeSession
from confreg.extensions import db
from confreg.registration.models import Registration

#: What a desk may be told about a token the badge service refused.
_TOKEN_RESULTS = {
    "malformed": "invalid",
    "bad_signature": "invalid",
    "unknown": "invalid",
    "wrong_event": "wrong_event",
    "revoked": "revoked",
    "cancelled": "not_confirmed",
    "not_confirmed": "not_confirmed",
}
#: What a registration's public id looks like (registration.models.new_public_id).
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{16,22}")
#: A client clock this far ahead of the server's is not believed.
_CLOCK_SKEW = timedelta(minutes=2)


class ScanRejected(ValueError):
    """The request itself is unusable (not a judgement on a badge); `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Scan:
    """One check-in attempt as a desk sends it."""

    nonce: str
    #: The QR content, or None when the volunteer picked the delegate by name.
    token: str | None = None
    #: The delegate's public id, for a check-in from the search.
    public_id: str | None = None
    #: The session at whose door the desk stands; None is the entrance.
    session_id: int | None = None
    desk: str = ""
    #: When the desk scanned it; None is now. Offline queues send their own times.
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class Moment:
    """A recorded check-in, as an answer tells of it."""

    id: int
    scanned_at: datetime
    desk: str
    session_id: int | None

    @classmethod
    def of(cls, checkin: CheckIn) -> "Moment":
        return cls(checkin.id, checkin.scanned_at, checkin.desk, checkin.session_id)


@dataclass(frozen=True)
class Answer:
    result: str
    #: Why refused ("cancelled", "bad_signature"…), or the enrolment at a session's door.
    detail: str
    checkin: Moment
    registration: Registration | None = None
    #: For a repeat, the first check-in.
    first: Moment | None = None
    #: Set when the same nonce had been recorded already: nothing new was recorded.
    replayed: bool = False


# Built once: a scan is the hottest path there is, and building statements costs more
# than running them.
_INSERT = {
    name: dialect.insert(CheckIn.__table__).on_conflict_do_nothing().returning(CheckIn.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _unique_insert(values: dict) -> int | None:
    """Insert a check-in unless it breaks a unique rule (the nonce, or a second first
    check-in); returns its id, or None."""
    connection = db.session.connection()
    return connection.execute(_INSERT[connection.dialect.name], values).scalar()


def _first_checkin(registration_id: int, scope_key: int) -> CheckIn | None:
    return db.session.scalar(
        select(CheckIn).where(
            CheckIn.registration_id == registration_id,
            CheckIn.scope_key == scope_key,
            CheckIn.result == "ok",
            CheckIn.undone_at.is_(None),
        )
    )


def _replay(nonce: str) -> Answer | None:
    earlier = db.session.scalar(select(CheckIn).where(CheckIn.nonce == nonce))
    if earlier is None:
        return None
    registration = (
        db.session.get(Registration, earlier.registration_id) if earlier.registration_id else None
    )
    first = db.session.get(CheckIn, earlier.first_checkin_id) if earlier.first_checkin_id else None
    return Answer(
        earlier.result,
        earlier.detail,
        Moment.of(earlier),
        registration,
        Moment.of(first) if first else None,
        replayed=True,
    )


def _judge(event: Event, scan: Scan, session: ProgrammeSession | None):
    """(result, detail, registration) for the scan, before anything is recorded."""
    if scan.token is not None:
        check = verify_token(event, scan.token)
        if not check.accepted:
            return _TOKEN_RESULTS[check.refusal], check.refusal, check.registration
        registration = check.registration
    else:
        registration = None
        if _PUBLIC_ID.fullmatch(scan.public_id or ""):
            registration = db.session.scalar(
                select(Registration).where(
                    Registration.public_id == scan.public_id,
                    Registration.event_id == event.id,
                )
            )
        if registration is None:
            return "invalid", "unknown", None
        if registration.status != "confirmed":
            return "not_confirmed", registration.status, registration
    if session is None:
        return "ok", "", registration
    enrolment = db.session.scalar(
        select(Enrolment.status).where(
            Enrolment.registration_id == registration.id, Enrolment.session_id == session.id
        )
    )
    if enrolment == "enrolled":
        return "ok", "enrolled", registration
    if not is_eligible(registration, session):
        return "not_eligible", enrolment or "none", registration
    # Open to them but not seated (or still queueing): let in, and say so.
    return "ok", enrolment or "none", registration


def check_in(
    event: Event, scan: Scan, staff_user_id: int | None, earliest_wins: bool = False
) -> Answer:
    """Judge and record one scan. The same nonce again answers as the first time and
    records nothing; of simultaneous scans of one badge, exactly one is the first.
    With `earliest_wins` (an offline desk's queue), a scan made before the check-in that
    stands as first takes its place."""
    if not scan.nonce or len(scan.nonce) > 64:
        raise ScanRejected("nonce")
    session = None
    if scan.session_id is not None:
        session = db.session.get(ProgrammeSession, scan.session_id)
        if session is None or session.event_id != event.id:
            raise ScanRejected("scope")
    now = utcnow()
    scanned_at = min(scan.scanned_at or now, now + _CLOCK_SKEW)
    result, detail, registration = _judge(event, scan, session)
    values = dict(
        event_id=event.id,
        registration_id=registration.id if registration else None,
        session_id=session.id if session else None,
        scope_key=session.id if session else 0,
        scanned_at=scanned_at,
        recorded_at=now,
        desk=scan.desk[:64],
        staff_user_id=staff_user_id,
        nonce=scan.nonce,
        result=result,
        detail=detail or "",
        method="scan" if scan.token is not None else "search",
    )
    first = None
    if result == "ok":
        result, checkin_id, first = _record_accepted(values, earliest_wins)
    else:
        checkin_id = _unique_insert(values)
    if checkin_id is None:  # the nonce was recorded before: answer as then
        db.session.rollback()
        if (earlier := _replay(scan.nonce)) is None:
            raise ScanRejected("nonce")
        return earlier
    moment = Moment(checkin_id, scanned_at, values["desk"], values["session_id"])
    answer = Answer(result, values["detail"], moment, registration,
                    Moment.of(first) if first else None)  # fmt: skip
    commit_keeping_loaded()
    return answer


def _record_accepted(values: dict, earliest_wins: bool) -> tuple[str, int | None, CheckIn | None]:
    """Record an accepted scan as the first check-in of the delegate at that place, or
    as a repeat of the first: (result, check-in id or None when the nonce was recorded
    before, the first check-in for a repeat)."""
    place = (values["registration_id"], values["scope_key"])
    if earliest_wins:
        first = _first_checkin(*place)
        if first is not None and values["scanned_at"] < first.scanned_at:
            # The offline desk saw the delegate before the scan that stands as first.
            first.result = "already_checked_in"
            db.session.flush()
            if (checkin_id := _unique_insert(values)) is not None:
                first.first_checkin_id = checkin_id
            return "ok", checkin_id, None
    if (checkin_id := _unique_insert(values)) is not None:
        return "ok", checkin_id, None
    # Refused by the database: a desk checked the delegate in before (perhaps at the
    # same moment), or this very scan was recorded before.
    if (first := _first_checkin(*place)) is None:
        return "ok", None, None
    repeat = values | {"result": "already_checked_in", "first_checkin_id": first.id}
    return "already_checked_in", _unique_insert(repeat), first


class NotUndone(Exception):
    """Only an accepted check-in that is not undone yet can be undone."""


def undo_checkin(event: Event, checkin_id: int, staff_user_id: int | None) -> CheckIn:
    """Mark a check-in made by mistake as undone; it stays on record."""
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None or checkin.event_id != event.id:
        raise NotUndone
    done = db.session.execute(
        update(CheckIn)
        .where(CheckIn.id == checkin_id, CheckIn.result == "ok", CheckIn.undone_at.is_(None))
        .values(undone_at=utcnow(), undone_by_id=staff_user_id)
    ).rowcount
    if not done:
        db.session.rollback()
        raise NotUndone
    db.session.commit()
    db.session.refresh(checkin)
    return checkin


def sessions_of(event: Event, session_ids: set[int]) -> set[int]:
    """Which of these session ids are the event's."""
    return set(
        db.session.scalars(
            select(ProgrammeSession.id).where(
                ProgrammeSession.event_id == event.id, ProgrammeSession.id.in_(session_ids)
            )
        )
    )


#: An entrance arrival: the first check-in at the event's entrance, accepted, not undone.
_ENTRANCE_ARRIVAL = (CheckIn.scope_key == 0, CheckIn.result == "ok", CheckIn.undone_at.is_(None))


def entered(registration_id) -> Exists:
    """Whether the delegate entered the event; `registration_id` is an id or a column
    (in a query over registrations)."""
    return exists().where(CheckIn.registration_id == registration_id, *_ENTRANCE_ARRIVAL)


def has_checked_in(registration_id: int) -> bool:
    return db.session.scalar(select(entered(registration_id)))


def entrance_arrivals(event: Event):
    """(registration id, time, desk) of every entrance arrival."""
    return select(CheckIn.registration_id, CheckIn.scanned_at, CheckIn.desk).where(
        CheckIn.event_id == event.id, *_ENTRANCE_ARRIVAL
    )


def checked_in_ids(event: Event, among: list[int] | None = None) -> dict[int, datetime]:
    """Registration id -> first entrance check-in time, for the delegates checked in
    (only those `among` these ids, when given: a search shows twenty, not everyone)."""
    query = entrance_arrivals(event)
    if among is not None:
        query = query.where(CheckIn.registration_id.in_(among))
    return {row.registration_id: row.scanned_at for row in db.session.execute(query)}
