"""The rules of registration: statuses, capacity, waiting list, self-service links."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from confreg import audit
from confreg.badges.service import prepare_badge
from confreg.database import lock_event, utcnow
from confreg.events.enrolment import release_sessions, take_up_wishes
from confreg.events.models import Event
from confreg.extensions import db
from confreg.registration.models import ACTIVE_STATUSES, Invitation, Registration
from confreg.registration.notify import notify_delegate

#: Details a delegate gives and may later change, in the order forms show them.
DETAIL_FIELDS = (
    "given_name",
    "family_name",
    "latin_given_name",
    "latin_family_name",
    "email",
    "category",
    "organisation",
    "job_title",
    "city",
    "country",
    "preferred_locale",
    "dietary_needs",
    "accessibility_needs",
    "needs_visa_letter",
    "passport_name",
    "nationality",
    "passport_number",
    "date_of_birth",
)
_VISA_FIELDS = ("passport_name", "nationality", "passport_number", "date_of_birth")


class RegistrationClosed(Exception):
    pass


class EmailTaken(Exception):
    """Another active registration at the event uses this address."""


class NotAllowed(Exception):
    """The registration's status does not allow this change."""


class NotEnoughPlaces(Exception):
    """Confirming these delegates would take more places than the event has left."""

    def __init__(self, places_left: int):
        super().__init__(places_left)
        self.places_left = places_left


class CapacityBelowConfirmed(Exception):
    """More delegates are confirmed than the capacity asked for."""

    def __init__(self, confirmed: int):
        super().__init__(confirmed)
        self.confirmed = confirmed


@dataclass(frozen=True)
class Submission:
    """What a submitted registration form led to."""

    registration: Registration | None
    #: False when the form had been submitted before, or the address was registered.
    created: bool


# --- links -------------------------------------------------------------------------


def send_manage_link(event: Event, email: str, now: datetime | None = None) -> None:
    """E-mail the personal link of the address's registration, if there is one; say
    nothing either way, so that nobody learns who is registered."""
    now = now or utcnow()
    registration = db.session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.email_key == email.strip().lower())
        .order_by(Registration.status.in_(ACTIVE_STATUSES).desc(), Registration.created_at.desc())
        .limit(1)
    )
    if registration is not None:
        _mail_manage_link(registration, now)
    db.session.commit()


def _mail_manage_link(registration: Registration, now: datetime) -> None:
    pause = timedelta(seconds=current_app.config["MANAGE_LINK_RESEND_SECONDS"])
    if registration.manage_link_sent_at and now - registration.manage_link_sent_at < pause:
        return
    registration.manage_link_sent_at = now
    notify_delegate(registration, "manage_link")
    audit.record(registration, "manage_link_sent", "system")


# --- capacity ----------------------------------------------------------------------


def confirmed_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
    )


def _has_free_place(event: Event) -> bool:
    return event.capacity is None or confirmed_count(event) < event.capacity


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != "waitlisted":
        return None
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == "waitlisted",
            (Registration.status_changed_at < registration.status_changed_at)
            | (
                (Registration.status_changed_at == registration.status_changed_at)
                & (Registration.id < registration.id)
            ),
        )
    )
    return ahead + 1


def _set_status(registration: Registration, status: str, now: datetime) -> None:
    registration.status = status
    registration.status_changed_at = now


def _after_confirmation(registration: Registration) -> None:
    """Work for a newly confirmed delegate that is done after the event lock is released:
    the sessions chosen while registering, and the badge's QR code (slow to compute,
    so that printing thousands of badges at once need not wait for it)."""
    if registration.status != "confirmed":
        return
    if prepare_badge(registration):
        db.session.commit()
    take_up_wishes(registration)


def promote_from_waitlist(event: Event, now: datetime) -> list[Registration]:
    """Give free places to the waiting list in order. The caller holds the event lock."""
    free = None if event.capacity is None else event.capacity - confirmed_count(event)
    if free is not None and free <= 0:
        return []
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(Registration.status_changed_at, Registration.id)
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        _set_status(registration, "confirmed", now)
        audit.record(registration, "promoted", "system")
        notify_delegate(registration, "promoted")
    return promoted


# --- delegate actions --------------------------------------------------------------


def register(
    event: Event,
    details: dict[str, Any],
    submission_key: str,
    now: datetime | None = None,
    session_wishes: list[int] | None = None,
    actor: str = "delegate",
    staff_user=None,
) -> Submission:
    """Create the registration a form describes, once, whatever the number of times the
    form is sent. An address already registered gets its personal link again instead.
    Staff (a walk-in at the desk) may register outside the registration window."""
    lock_event(event.id)
    now = now or utcnow()  # after the lock: the waiting list's order is the order of acceptance
    earlier = db.session.scalar(
        select(Registration).where(Registration.submission_key == submission_key)
    )
    if earlier is not None:
        db.session.commit()
        return Submission(earlier, created=False)
    if actor == "delegate" and not event.registration_is_open(now):
        db.session.rollback()
        raise RegistrationClosed
    existing = _active_registration_with_email(event, details["email"])
    if existing is not None:
        _mail_manage_link(existing, now)
        db.session.commit()
        return Submission(None, created=False)

    registration = Registration(
        event=event,
        submission_key=submission_key,
        privacy_consent_at=now,
        created_at=now,
        session_wishes=list(session_wishes or []),
    )
    _apply_details(registration, details)
    if event.requires_approval:
        status = "pending"
    else:
        status = "confirmed" if _has_free_place(event) else "waitlisted"
    _set_status(registration, status, now)
    db.session.add(registration)
    db.session.flush()
    audit.record(registration, "registered", actor, staff_user, status=status)
    _accept_invitations(event, [registration])
    registration.manage_link_sent_at = now
    notify_delegate(registration, "registered")
    db.session.commit()
    _after_confirmation(registration)
    return Submission(registration, created=True)


def import_registrations(
    event: Event, rows: list[dict[str, Any]], staff_user, filename: str, now: datetime
) -> list[Registration]:
    """Confirmed registrations for the delegates of an organiser's file, with the audit
    entry and e-mailed personal link of an online registration. The caller holds the
    event lock, has checked that no address is registered yet, and commits: all or none.
    Badges are prepared when first printed, which keeps a long import quick."""
    if event.capacity is not None:
        places_left = max(event.capacity - confirmed_count(event), 0)
        if len(rows) > places_left:
            raise NotEnoughPlaces(places_left)
    registrations = []
    for details in rows:
        registration = Registration(event=event, privacy_consent_at=now, created_at=now)
        _apply_details(registration, details)
        _set_status(registration, "confirmed", now)
        registration.manage_link_sent_at = now
        db.session.add(registration)
        registrations.append(registration)
    db.session.flush()
    _accept_invitations(event, registrations)
    for registration in registrations:
        audit.record(registration, "imported", "staff", staff_user, at=now, file=filename)
        notify_delegate(registration, "registered")
    return registrations


def invitation_for_token(event: Event, token: str) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(Invitation.event_id == event.id, Invitation.token == token)
    )


def update_details(
    registration: Registration, details: dict[str, Any], actor: str = "delegate", staff_user=None
) -> dict[str, list]:
    """Apply changed details and record them; returns what changed."""
    if registration.status in ("cancelled", "rejected"):
        raise NotAllowed
    new_email = details["email"].strip().lower()
    if new_email != registration.email_key:
        other = _active_registration_with_email(registration.event, new_email)
        if other is not None and other.id != registration.id:
            raise EmailTaken
    changes = _apply_details(registration, details)
    if changes:
        audit.record(registration, "updated", actor, staff_user, changes=changes)
    try:
        db.session.commit()
    except IntegrityError as error:  # the same address taken at the same moment
        db.session.rollback()
        raise EmailTaken from error
    return changes


def cancel(registration: Registration, actor: str = "delegate", staff_user=None) -> None:
    lock_event(registration.event_id)
    now = utcnow()
    db.session.refresh(registration)
    if registration.status not in ACTIVE_STATUSES:
        db.session.rollback()
        raise NotAllowed
    held_place = registration.status == "confirmed"
    _set_status(registration, "cancelled", now)
    audit.record(registration, "cancelled", actor, staff_user)
    notify_delegate(registration, "cancelled")
    release_sessions(registration, now)
    promoted = promote_from_waitlist(registration.event, now) if held_place else []
    db.session.commit()
    for delegate in promoted:
        _after_confirmation(delegate)


# --- organiser actions -------------------------------------------------------------


def approve(registration: Registration, staff_user) -> None:
    now = _lock_pending(registration)
    status = "confirmed" if _has_free_place(registration.event) else "waitlisted"
    _set_status(registration, status, now)
    audit.record(registration, "approved", "staff", staff_user, status=status)
    notify_delegate(registration, "approved")
    db.session.commit()
    _after_confirmation(registration)


def move_to_waitlist(registration: Registration, staff_user) -> None:
    """Decide on a pending registration by putting it at the end of the waiting list,
    whether or not places are free: the organiser keeps them for others."""
    now = _lock_pending(registration)
    _set_status(registration, "waitlisted", now)
    audit.record(registration, "waitlisted", "staff", staff_user)
    notify_delegate(registration, "waitlisted")
    db.session.commit()


def _lock_pending(registration: Registration) -> datetime:
    """Take the event's lock and read the registration afresh; NotAllowed unless it
    still waits for a decision. Returns the moment of the decision."""
    lock_event(registration.event_id)
    now = utcnow()
    db.session.refresh(registration)
    if registration.status != "pending":
        db.session.rollback()
        raise NotAllowed
    return now


def reject(registration: Registration, reason: str, staff_user) -> None:
    lock_event(registration.event_id)
    now = utcnow()
    db.session.refresh(registration)
    if registration.status not in ACTIVE_STATUSES:
        db.session.rollback()
        raise NotAllowed
    held_place = registration.status == "confirmed"
    _set_status(registration, "rejected", now)
    registration.status_reason = reason
    audit.record(registration, "rejected", "staff", staff_user, reason=reason)
    notify_delegate(registration, "rejected", reason=reason)
    release_sessions(registration, now)
    promoted = promote_from_waitlist(registration.event, now) if held_place else []
    db.session.commit()
    for delegate in promoted:
        _after_confirmation(delegate)


def update_event_settings(event: Event, settings: dict[str, Any]) -> list[Registration]:
    """Change capacity, approval and the registration window; a larger capacity gives
    places to the waiting list at once. Returns the delegates promoted."""
    lock_event(event.id)
    db.session.refresh(event)
    capacity = settings.get("capacity", event.capacity)
    if capacity is not None and (confirmed := confirmed_count(event)) > capacity:
        db.session.rollback()
        raise CapacityBelowConfirmed(confirmed)
    for name, value in settings.items():
        setattr(event, name, value)
    promoted = promote_from_waitlist(event, utcnow())
    db.session.commit()
    for delegate in promoted:
        _after_confirmation(delegate)
    return promoted


# --- helpers -----------------------------------------------------------------------


def _active_registration_with_email(event: Event, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.email_key == email.strip().lower(),
            Registration.status.in_(ACTIVE_STATUSES),
        )
    )


def _accept_invitations(event: Event, registrations: list[Registration]) -> None:
    """Mark the addresses' invitations as taken up, whichever way the delegates registered."""
    by_address = {registration.email_key: registration for registration in registrations}
    addresses = list(by_address)
    for start in range(0, len(addresses), 500):  # within every database's parameter limit
        invitations = db.session.scalars(
            select(Invitation).where(
                Invitation.event_id == event.id,
                Invitation.email_key.in_(addresses[start : start + 500]),
            )
        )
        for invitation in invitations:
            if not invitation.taken:  # a cancelled registration's invitation is taken anew
                invitation.registration = by_address[invitation.email_key]


def _apply_details(registration: Registration, details: dict[str, Any]) -> dict[str, list]:
    values = {name: details[name] for name in DETAIL_FIELDS}
    if not values["needs_visa_letter"]:
        values.update(passport_name="", nationality="", passport_number="", date_of_birth=None)
    before = {name: getattr(registration, name) for name in values}
    for name, value in values.items():
        if before[name] != value:
            setattr(registration, name, value)
    registration.email_key = registration.email.strip().lower()
    registration.refresh_search_text()
    return audit.changed_values(before, values) if registration.id is not None else {}
