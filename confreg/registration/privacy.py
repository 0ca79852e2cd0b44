"""Privacy rules: everything held about one delegate as JSON, erasing a delegate while
keeping the counts, and passport details erased once the event's retention date passes."""

from datetime import date
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from confreg import audit
from confreg.audit import AuditEntry
from confreg.badges.models import RegistrationPhoto
from confreg.checkin.models import CheckIn
from confreg.database import utcnow
from confreg.events.models import Enrolment, Event, ProgrammeSession, SessionInvitation
from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.registration.models import Invitation, Registration

#: Registration columns left out of the export: row ids, and the badge's QR drawing,
#: which is only the badge token (exported) drawn as a picture.
_NOT_EXPORTED = frozenset({"id", "event_id", "badge_qr"})
#: What erasing leaves in each personal field of a registration.
_ERASED_VALUES: dict[str, Any] = {
    "given_name": "",
    "family_name": "",
    "latin_given_name": "",
    "latin_family_name": "",
    "organisation": "",
    "job_title": "",
    "city": "",
    "dietary_needs": "",
    "accessibility_needs": "",
    "status_reason": "",
    "needs_visa_letter": False,
    "passport_name": "",
    "nationality": "",
    "passport_number": "",
    "date_of_birth": None,
    "search_text": "",
    "badge_token": "",
    "badge_qr": "",
    "badge_printed_at": None,
    "arrival_on": None,
    "arrival_time": None,
    "arrival_flight": "",
    "departure_on": None,
    "departure_time": None,
    "departure_flight": "",
    "hotel": "",
    "wants_airport_transfer": False,
    "accompanying_persons": 0,
}
#: What the retention date leaves of the passport details.
_PASSPORT_ERASED = {
    "passport_name": "",
    "nationality": "",
    "passport_number": "",
    "date_of_birth": None,
}
#: Audit details that never hold personal values; erasing keeps them and drops the rest
#: (a rejection's reason, say). Changed fields keep their names, not their values.
_NEUTRAL_DETAILS = frozenset({"status", "session_id", "revision", "reference", "mailing_id"})
#: The domain of erased addresses: reserved (RFC 2606), so nothing can be delivered there.
ERASED_DOMAIN = "erased.invalid"


class AlreadyErased(Exception):
    """The delegate's personal data was erased before."""


class RetentionBeforeEventEnd(Exception):
    """Passport details must be kept at least until the event is over."""


# --- export -----------------------------------------------------------------------


def export_personal_data(registration: Registration, staff_user) -> dict[str, Any]:
    """personal_data(), the export recorded in the delegate's history."""
    data = personal_data(registration)
    audit.record(registration, "data_exported", "staff", staff_user)
    db.session.commit()
    return data


def personal_data(registration: Registration) -> dict[str, Any]:
    """Everything held about the delegate, in JSON-serialisable form: the registration,
    sessions, check-ins, history, e-mails, photo (whether held and its size), invitation."""
    event = registration.event
    addresses = _addresses(registration)
    fields = {
        column.key: audit.json_value(getattr(registration, column.key))
        for column in Registration.__table__.columns
        if column.key not in _NOT_EXPORTED
    }
    return {
        "exported_at": utcnow().isoformat(),
        "event": {"slug": event.slug, "name": event.title},
        "registration": fields,
        "sessions": _sessions(registration),
        "session_invitations": _session_invitations(registration),
        "checkins": _checkins(registration),
        "history": [
            {
                "at": entry.created_at.isoformat(),
                "action": entry.action,
                "actor": entry.actor,
                "details": entry.details,
            }
            for entry in audit.history(registration.id)
        ],
        "emails": [
            {
                "to": message.recipient,
                "subject": message.subject,
                "body": message.body,
                "status": message.status,
                "created_at": message.created_at.isoformat(),
                "sent_at": audit.json_value(message.sent_at),
            }
            for message in db.session.scalars(
                _messages_to(registration, addresses).order_by(OutboxMessage.id)
            )
        ],
        "photo": _photo(registration),
        "invitation": _invitation(registration, addresses),
    }


def _sessions(registration: Registration) -> list[dict[str, Any]]:
    enrolments = db.session.scalars(
        select(Enrolment)
        .join(ProgrammeSession)
        .where(Enrolment.registration_id == registration.id)
        .options(selectinload(Enrolment.session))
        .order_by(ProgrammeSession.starts_at, Enrolment.id)
    )
    return [
        {
            "session": enrolment.session.display_title,
            "starts_at": enrolment.session.starts_at.isoformat(),
            "status": enrolment.status,
            "since": enrolment.status_changed_at.isoformat(),
        }
        for enrolment in enrolments
    ]


def _session_invitations(registration: Registration) -> list[str]:
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .join(SessionInvitation)
        .where(SessionInvitation.registration_id == registration.id)
        .order_by(ProgrammeSession.starts_at)
    )
    return [session.display_title for session in sessions]


def _checkins(registration: Registration) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(CheckIn, ProgrammeSession)
        .outerjoin(ProgrammeSession, CheckIn.session_id == ProgrammeSession.id)
        .where(CheckIn.registration_id == registration.id)
        .order_by(CheckIn.scanned_at, CheckIn.id)
    )
    return [
        {
            "at": checkin.scanned_at.isoformat(),
            "place": session.display_title if session is not None else "entrance",
            "desk": checkin.desk,
            "result": checkin.result,
            "method": checkin.method,
            "undone_at": audit.json_value(checkin.undone_at),
        }
        for checkin, session in rows
    ]


def _photo(registration: Registration) -> dict[str, Any]:
    row = db.session.execute(
        select(
            RegistrationPhoto.width,
            RegistrationPhoto.height,
            RegistrationPhoto.uploaded_at,
            func.length(RegistrationPhoto.jpeg),
        ).where(RegistrationPhoto.registration_id == registration.id)
    ).first()
    if row is None:
        return {"held": False}
    width, height, uploaded_at, size = row
    return {
        "held": True,
        "width": width,
        "height": height,
        "bytes": size,
        "uploaded_at": uploaded_at.isoformat(),
    }


def _invitation(registration: Registration, addresses: set[str]) -> dict[str, Any] | None:
    invitation = db.session.scalar(
        _invitation_of(registration, addresses).order_by(Invitation.id).limit(1)
    )
    if invitation is None:
        return None
    return {
        "email": invitation.email,
        "given_name": invitation.given_name,
        "family_name": invitation.family_name,
        "category": invitation.category,
        "locale": invitation.locale,
        "created_at": invitation.created_at.isoformat(),
    }


# --- erasure ----------------------------------------------------------------------


def erased_email(registration: Registration) -> str:
    """An address unique to the registration (so that unique indexes hold) that no mail
    can reach."""
    return f"erased-{registration.public_id}@{ERASED_DOMAIN}"


def erase(registration: Registration, staff_user) -> None:
    """Remove the delegate's personal data everywhere it is held: the registration's
    personal fields, photo, badge (old badges are refused), invitation, e-mails to them
    and the values in their history. Status, category, country, dates, sessions and
    check-ins stay, so that every count stays right. AlreadyErased the second time."""
    addresses = _addresses(registration)
    now = utcnow()
    # Claimed in one statement, so that two organisers erasing at once erase once.
    claimed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.erased_at.is_(None))
        .values(erased_at=now, badge_revision=Registration.badge_revision + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise AlreadyErased
    db.session.refresh(registration)
    for name, value in _ERASED_VALUES.items():
        setattr(registration, name, value)
    registration.email = erased_email(registration)
    registration.email_key = registration.email.lower()
    db.session.execute(
        delete(RegistrationPhoto).where(RegistrationPhoto.registration_id == registration.id)
    )
    for invitation in db.session.scalars(_invitation_of(registration, addresses)):
        invitation.email, invitation.email_key = registration.email, registration.email_key
        invitation.given_name = invitation.family_name = ""
    _erase_messages(registration, addresses)
    for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.registration_id == registration.id)
    ):
        entry.details = _neutral_details(entry.details or {})
    audit.record(registration, "erased", "staff", staff_user, at=now)
    db.session.commit()


def _erase_messages(registration: Registration, addresses: set[str]) -> None:
    """Unsent messages are dropped; sent and failed ones stay, emptied, for the counts."""
    ids = db.session.scalars(
        _messages_to(registration, addresses).with_only_columns(OutboxMessage.id)
    ).all()
    if not ids:
        return
    db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "pending")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(recipient=registration.email, subject="", body="", last_error="")
        .execution_options(synchronize_session=False)
    )


def _neutral_details(details: dict[str, Any]) -> dict[str, Any]:
    kept = {name: value for name, value in details.items() if name in _NEUTRAL_DETAILS}
    if isinstance(details.get("changes"), dict):
        kept["changes"] = {name: ["…", "…"] for name in details["changes"]}
    return kept


def _addresses(registration: Registration) -> set[str]:
    """Every address the delegate registered with: the current one, and those they
    changed from unless another registration of the event uses that one now."""
    earlier: set[str] = set()
    for details in db.session.scalars(
        select(AuditEntry.details).where(AuditEntry.registration_id == registration.id)
    ):
        change = (details or {}).get("changes", {}).get("email")
        if isinstance(change, list):
            earlier.update(str(value).strip().lower() for value in change if value)
    earlier.discard(registration.email_key)
    taken = db.session.scalars(
        select(Registration.email_key).where(
            Registration.event_id == registration.event_id,
            Registration.id != registration.id,
            Registration.email_key.in_(earlier),
        )
    )
    return {registration.email_key} | (earlier - set(taken))


def _messages_to(registration: Registration, addresses: set[str]):
    return select(OutboxMessage).where(
        OutboxMessage.event_id == registration.event_id,
        func.lower(OutboxMessage.recipient).in_(addresses),
    )


def _invitation_of(registration: Registration, addresses: set[str]):
    return select(Invitation).where(
        Invitation.event_id == registration.event_id,
        or_(Invitation.registration_id == registration.id, Invitation.email_key.in_(addresses)),
    )


# --- passport retention -----------------------------------------------------------


def holds_passport_details():
    """The condition of a registration that still holds some passport detail."""
    return or_(
        Registration.passport_name != "",
        Registration.passport_number != "",
        Registration.nationality != "",
        Registration.date_of_birth.is_not(None),
    )


def passport_holder_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event.id, holds_passport_details())
    )


def set_passport_retention(event: Event, until: date | None, staff_user) -> None:
    """Set the day after which the event's passport details are erased; None keeps them
    until an organiser erases delegates. RetentionBeforeEventEnd when before the end."""
    if until is not None and until < event.ends_on:
        raise RetentionBeforeEventEnd
    changes = audit.changed_values(
        {"passport_retention_until": event.passport_retention_until},
        {"passport_retention_until": until},
    )
    if changes:
        event.passport_retention_until = until
        audit.record_event_change(
            event, "settings_changed", staff_user, subject="privacy", changes=changes
        )
    db.session.commit()


def erase_expired_passports(today: date) -> int:
    """Clear the passport details of every registration of the events whose retention
    date (and last day) is before `today`; returns how many were cleared. Running it
    again clears nothing more."""
    registrations = db.session.scalars(
        select(Registration)
        .join(Event, Registration.event_id == Event.id)
        .where(
            Event.passport_retention_until < today,
            Event.ends_on < today,
            holds_passport_details(),
        )
        .order_by(Registration.id)
    ).all()
    for registration in registrations:
        for name, value in _PASSPORT_ERASED.items():
            setattr(registration, name, value)
        audit.record(registration, "passport_erased", "system")
    db.session.commit()
    return len(registrations)
