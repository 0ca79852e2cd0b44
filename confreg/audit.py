"""The history of every change to a registration: who, when, what."""

from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from confreg.database import UTCDateTime, utcnow
from confreg.extensions import db

ACTIONS = {
    "registered": _l("Registered"),
    "updated": _l("Details changed"),
    "cancelled": _l("Cancelled"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "waitlisted": _l("Moved to the waiting list"),
    "promoted": _l("Given a place from the waiting list"),
    "manage_link_sent": _l("Personal link e-mailed"),
    "session_enrolled": _l("Signed up for a session"),
    "session_waitlisted": _l("Joined a session's waiting list"),
    "session_promoted": _l("Given a seat in a session"),
    "session_left": _l("Left a session"),
    "badge_reissued": _l("Badge re-issued"),
    "badges_printed": _l("Badge printed"),
    "photo_uploaded": _l("Photo uploaded"),
    "photo_removed": _l("Photo removed"),
    "visa_letter_approved": _l("Visa letter approved"),
    "imported": _l("Imported from a file"),
    "message_sent": _l("Message sent"),
    "data_exported": _l("Personal data exported"),
    "erased": _l("Personal data erased"),
    "passport_erased": _l("Passport details erased"),
    # Changes to the event rather than to one delegate; `subject` says what changed.
    "settings_changed": _l("Event settings changed"),
    "track_added": _l("Track added"),
    "track_changed": _l("Track changed"),
    "track_removed": _l("Track removed"),
    "room_added": _l("Room added"),
    "room_changed": _l("Room changed"),
    "room_removed": _l("Room removed"),
    "session_added": _l("Session added"),
    "session_changed": _l("Session changed"),
    "session_removed": _l("Session removed"),
    "invitations_sent": _l("Invitations sent"),
    "mailing_sent": _l("Message sent to delegates"),
    "list_exported": _l("Delegate list exported"),
}
ACTORS = {"delegate": _l("Delegate"), "staff": _l("Staff"), "system": _l("System")}
#: Fields whose values are kept out of the history, which only says they changed.
CONFIDENTIAL_FIELDS = frozenset({"passport_number", "date_of_birth", "passport_name"})


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event the change belongs to.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: The registration changed, or none for a change to the event itself.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    #: What else was changed when it is not a registration ("settings", a session title…).
    subject: Mapped[str] = mapped_column(String(200), default="")
    #: Who made it: "delegate", "staff" or "system" (one of ACTORS).
    actor: Mapped[str] = mapped_column(String(10))
    #: The staff user, when the actor is staff.
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    #: What happened, one of ACTIONS.
    action: Mapped[str] = mapped_column(String(32))
    #: Changed fields as {field: [old, new]}, and a reason where one was given.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: When it happened.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff_user = relationship("StaffUser")
    registration = relationship("Registration")

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))

    @property
    def actor_label(self) -> str:
        if self.staff_user is not None:
            return self.staff_user.email
        return str(ACTORS.get(self.actor, self.actor))


def record(
    registration,
    action: str,
    actor: str,
    staff_user=None,
    at: datetime | None = None,
    **details: Any,
) -> None:
    """Add an audit entry to the current transaction."""
    db.session.add(
        AuditEntry(
            event_id=registration.event_id,
            registration_id=registration.id,
            actor=actor,
            staff_user_id=staff_user.id if staff_user is not None else None,
            action=action,
            details=details,
            created_at=at or utcnow(),
        )
    )


def record_event_change(event, action: str, staff_user, subject: str = "", **details: Any) -> None:
    """Add an audit entry for a change to the event itself to the current transaction;
    `changes` in `details` is {field: [old, new]} as `changed_values` makes it."""
    db.session.add(
        AuditEntry(
            event_id=event.id,
            registration_id=None,
            actor="staff",
            staff_user_id=staff_user.id if staff_user is not None else None,
            action=action,
            subject=subject,
            details=details,
        )
    )


def changed_values(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value differs, in JSON-safe form;
    confidential fields only say that they changed."""
    return {
        name: ["…", "…"]
        if name in CONFIDENTIAL_FIELDS
        else [json_value(before.get(name)), json_value(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def json_value(value: Any) -> Any:
    """A value as JSON holds it: days and times in ISO form, other objects as text."""
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)


def history(registration_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.registration_id == registration_id)
            .options(selectinload(AuditEntry.staff_user))
            .order_by(AuditEntry.created_at, AuditEntry.id)
        )
    )
