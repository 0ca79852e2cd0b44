"""Signing up for programme sessions: eligibility, no double booking, seats that are
never over-filled, and a first-come waiting list."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from confreg import audit
from confreg.database import lock_for_update, utcnow
from confreg.events.models import Enrolment, ProgrammeSession, SessionInvitation
from confreg.extensions import db
from confreg.names import fold
from confreg.registration.models import Registration
from confreg.registration.notify import notify_delegate


class EnrolmentRefused(Exception):
    """Base of the reasons a sign-up is refused; `code` is stable for APIs and logs."""

    code = "refused"


class NotConfirmed(EnrolmentRefused):
    code = "not_confirmed"


class NotEligible(EnrolmentRefused):
    code = "not_eligible"


class Overlaps(EnrolmentRefused):
    code = "overlaps"

    def __init__(self, other: ProgrammeSession):
        super().__init__(other.id)
        self.other = other


class NotEnrolled(EnrolmentRefused):
    code = "not_enrolled"


@dataclass(frozen=True)
class SessionChoice:
    """A session as a delegate sees it when choosing."""

    session: ProgrammeSession
    seats_left: int | None
    #: The delegate's "enrolled" or "waitlisted", or None.
    status: str | None
    waitlist_position: int | None


def is_eligible(registration: Registration, session: ProgrammeSession) -> bool:
    categories = session.eligible_categories
    if categories is not None and registration.category not in categories:
        return False
    if not session.by_invitation:
        return True
    invitation = db.session.scalar(
        select(SessionInvitation.id).where(
            SessionInvitation.session_id == session.id,
            SessionInvitation.registration_id == registration.id,
        )
    )
    return invitation is not None


def enrol(
    registration: Registration,
    session: ProgrammeSession,
    now: datetime | None = None,
    staff_user=None,
) -> Enrolment:
    """Give the delegate a seat, or a place on the waiting list when the session is full.
    Signing up again for the same session changes nothing. An organiser (`staff_user`)
    may seat a delegate whatever the session's eligibility, never past its seats."""
    lock_for_update(ProgrammeSession, session.id)
    now = now or utcnow()  # after the lock: the queue's order is the order of acceptance
    db.session.refresh(registration)
    enrolment = _enrolment(registration.id, session.id)
    if enrolment is None:
        try:
            _check_may_sign_up(registration, session, by_organiser=staff_user is not None)
        except EnrolmentRefused:
            db.session.rollback()
            raise
        status = "enrolled" if _has_free_seat(session) else "waitlisted"
        enrolment = Enrolment(
            session_id=session.id,
            registration_id=registration.id,
            status=status,
            status_changed_at=now,
        )
        db.session.add(enrolment)
        actor = "staff" if staff_user is not None else "delegate"
        audit.record(registration, f"session_{status}", actor, staff_user, session_id=session.id)
    db.session.commit()
    return enrolment


def take_up_wishes(registration: Registration) -> list[Enrolment]:
    """Sign a newly confirmed delegate up for the sessions chosen while registering;
    those no longer open to them (or clashing) are passed over."""
    wishes = list(registration.session_wishes or [])
    if registration.status != "confirmed" or not wishes:
        return []
    registration.session_wishes = []
    db.session.commit()
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.id.in_(wishes), ProgrammeSession.event_id == registration.event_id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()
    taken = []
    for session in sessions:
        try:
            taken.append(enrol(registration, session))
        except EnrolmentRefused:
            continue
    return taken


def sessions_open_to_choose(event_id: int) -> list[ProgrammeSession]:
    """What the registration form offers: every session but those by invitation."""
    return list(
        db.session.scalars(
            select(ProgrammeSession)
            .where(ProgrammeSession.event_id == event_id, ProgrammeSession.by_invitation.is_(False))
            .options(selectinload(ProgrammeSession.event))
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )


def _check_may_sign_up(
    registration: Registration, session: ProgrammeSession, by_organiser: bool = False
) -> None:
    if registration.status != "confirmed":
        raise NotConfirmed
    if not by_organiser and not is_eligible(registration, session):
        raise NotEligible
    if clash := _clashing_session(registration, session):
        raise Overlaps(clash)


def leave(
    registration: Registration,
    session: ProgrammeSession,
    now: datetime | None = None,
    staff_user=None,
) -> None:
    """Give up a seat or a place in the queue (or an organiser takes it away); a freed
    seat goes to the next in line."""
    lock_for_update(ProgrammeSession, session.id)
    now = now or utcnow()
    enrolment = _enrolment(registration.id, session.id)
    if enrolment is None:
        db.session.rollback()
        raise NotEnrolled
    _remove(enrolment, now, "staff" if staff_user is not None else "delegate", staff_user)
    db.session.commit()


def roster(session: ProgrammeSession) -> list[Enrolment]:
    """Who is in a session: seated delegates by name, then the waiting list in order."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session.id)
        .options(selectinload(Enrolment.registration))
        .order_by(Enrolment.status_changed_at, Enrolment.id)
    ).all()
    seated = sorted(
        (e for e in enrolments if e.status == "enrolled"),
        key=lambda e: fold(e.registration.latin_name or e.registration.full_name),
    )
    return seated + [e for e in enrolments if e.status == "waitlisted"]


def invite(session: ProgrammeSession, registration: Registration) -> None:
    if (
        db.session.scalar(
            select(SessionInvitation.id).where(
                SessionInvitation.session_id == session.id,
                SessionInvitation.registration_id == registration.id,
            )
        )
        is None
    ):
        db.session.add(SessionInvitation(session_id=session.id, registration_id=registration.id))
        db.session.commit()


def invited(session: ProgrammeSession) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .join(SessionInvitation, SessionInvitation.registration_id == Registration.id)
            .where(SessionInvitation.session_id == session.id)
            .order_by(Registration.family_name, Registration.given_name)
        )
    )


def uninvite(session: ProgrammeSession, registration: Registration) -> None:
    """Take the invitation back; a seat already given stays until removed by hand."""
    invitation = db.session.scalar(
        select(SessionInvitation).where(
            SessionInvitation.session_id == session.id,
            SessionInvitation.registration_id == registration.id,
        )
    )
    if invitation is not None:
        db.session.delete(invitation)
        db.session.commit()


def release_sessions(registration: Registration, now: datetime) -> None:
    """Free every seat of a registration that was cancelled or rejected, in the caller's
    transaction; each freed seat goes to the next in line."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.registration_id == registration.id)
        .order_by(Enrolment.session_id)
    ).all()
    for enrolment in enrolments:
        lock_for_update(ProgrammeSession, enrolment.session_id)
        _remove(enrolment, now, "system")


def waitlist_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != "waitlisted":
        return None
    return _queue_ahead(enrolment) + 1


def session_choices(registration: Registration) -> list[SessionChoice]:
    """The event's sessions this delegate may sign up for, with seats left and their own
    status; a handful of queries whatever the size of the programme."""
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == registration.event_id)
        .options(selectinload(ProgrammeSession.room), selectinload(ProgrammeSession.track))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()
    enrolled = dict(
        db.session.execute(
            select(Enrolment.session_id, func.count())
            .join(ProgrammeSession)
            .where(
                ProgrammeSession.event_id == registration.event_id, Enrolment.status == "enrolled"
            )
            .group_by(Enrolment.session_id)
        ).all()
    )
    mine = {
        enrolment.session_id: enrolment
        for enrolment in db.session.scalars(
            select(Enrolment).where(Enrolment.registration_id == registration.id)
        )
    }
    invited = set(
        db.session.scalars(
            select(SessionInvitation.session_id).where(
                SessionInvitation.registration_id == registration.id
            )
        )
    )
    choices = []
    for session in sessions:
        if (
            session.eligible_categories is not None
            and registration.category not in session.eligible_categories
        ):
            continue
        if session.by_invitation and session.id not in invited:
            continue
        seats = session.seats
        own = mine.get(session.id)
        choices.append(
            SessionChoice(
                session=session,
                seats_left=None if seats is None else max(0, seats - enrolled.get(session.id, 0)),
                status=own.status if own else None,
                waitlist_position=waitlist_position(own) if own else None,
            )
        )
    return choices


# --- helpers -----------------------------------------------------------------------


def _enrolment(registration_id: int, session_id: int) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.registration_id == registration_id, Enrolment.session_id == session_id
        )
    )


def _enrolled_count(session: ProgrammeSession) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Enrolment)
        .where(Enrolment.session_id == session.id, Enrolment.status == "enrolled")
    )


def _has_free_seat(session: ProgrammeSession) -> bool:
    return session.seats is None or _enrolled_count(session) < session.seats


def _clashing_session(
    registration: Registration, session: ProgrammeSession
) -> ProgrammeSession | None:
    return db.session.scalar(
        select(ProgrammeSession)
        .join(Enrolment, Enrolment.session_id == ProgrammeSession.id)
        .where(
            Enrolment.registration_id == registration.id,
            ProgrammeSession.id != session.id,
            ProgrammeSession.starts_at < session.ends_at,
            session.starts_at < ProgrammeSession.ends_at,
        )
        .limit(1)
    )


def _queue_ahead(enrolment: Enrolment) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Enrolment)
        .where(
            Enrolment.session_id == enrolment.session_id,
            Enrolment.status == "waitlisted",
            or_(
                Enrolment.status_changed_at < enrolment.status_changed_at,
                and_(
                    Enrolment.status_changed_at == enrolment.status_changed_at,
                    Enrolment.id < enrolment.id,
                ),
            ),
        )
    )


def _remove(enrolment: Enrolment, now: datetime, actor: str, staff_user=None) -> None:
    registration, session = enrolment.registration, enrolment.session
    held_seat = enrolment.status == "enrolled"
    db.session.delete(enrolment)
    audit.record(registration, "session_left", actor, staff_user, session_id=session.id)
    db.session.flush()
    if held_seat:
        promote_next(session, now)


def promote_next(session: ProgrammeSession, now: datetime) -> None:
    """Seat the first delegates in the queue who may still take the seat; the caller
    holds the session's lock."""
    queue = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session.id, Enrolment.status == "waitlisted")
        .options(selectinload(Enrolment.registration))
        .order_by(Enrolment.status_changed_at, Enrolment.id)
    )
    for candidate in queue:
        if not _has_free_seat(session):
            return
        registration = candidate.registration
        if registration.status != "confirmed" or not is_eligible(registration, session):
            continue
        if _clashing_enrolled_session(registration, session):
            continue
        candidate.status, candidate.status_changed_at = "enrolled", now
        db.session.flush()
        audit.record(registration, "session_promoted", "system", session_id=session.id)
        notify_delegate(registration, "session_promoted", session=session)


def _clashing_enrolled_session(registration: Registration, session: ProgrammeSession) -> bool:
    return (
        db.session.scalar(
            select(Enrolment.id)
            .join(ProgrammeSession, Enrolment.session_id == ProgrammeSession.id)
            .where(
                Enrolment.registration_id == registration.id,
                Enrolment.status == "enrolled",
                ProgrammeSession.id != session.id,
                ProgrammeSession.starts_at < session.ends_at,
                session.starts_at < ProgrammeSession.ends_at,
            )
            .limit(1)
        )
        is not None
    )
