from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confreg.database import UTCDateTime, utcnow
from confreg.extensions import db

#: Stable result codes of a check-in attempt; refused attempts are stored too.
RESULTS = (
    "ok",
    "already_checked_in",
    "invalid",
    "revoked",
    "wrong_event",
    "not_confirmed",
    "not_eligible",
)


class CheckIn(db.Model):
    """One scan or search check-in at a desk, accepted or refused; an undo marks it."""

    __tablename__ = "checkins"
    __table_args__ = (
        # The database itself lets one check-in per delegate and place stand as the
        # first: simultaneous scans at several desks cannot both win.
        Index(
            "uq_checkins_first",
            "registration_id",
            "scope_key",
            unique=True,
            sqlite_where=text("result = 'ok' AND undone_at IS NULL"),
            postgresql_where=text("result = 'ok' AND undone_at IS NULL"),
        ),
        Index("ix_checkins_event_scanned", "event_id", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event whose desk recorded it.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: The delegate, when the badge or search named one.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE")
    )
    #: The programme session at whose door it happened; None is the event's entrance.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_sessions.id", ondelete="CASCADE")
    )
    #: The session's id, or 0 at the entrance: the place a first check-in is unique in.
    scope_key: Mapped[int] = mapped_column(Integer, default=0)
    #: When the desk scanned it (the client's clock for queued offline scans).
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the server recorded it.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The desk's own label ("Hall A, desk 2").
    desk: Mapped[str] = mapped_column(String(64), default="")
    #: The volunteer logged in at the desk.
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    #: The client's id for this attempt: a retried request is not counted twice.
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    #: One of RESULTS.
    result: Mapped[str] = mapped_column(String(24))
    #: Finer reason of a refusal ("cancelled", "bad_signature"…), or the delegate's
    #: enrolment at a session's door ("enrolled", "waitlisted", "none").
    detail: Mapped[str] = mapped_column(String(24), default="")
    #: "scan" (a badge) or "search" (picked by name at the desk).
    method: Mapped[str] = mapped_column(String(8), default="scan")
    #: For a repeated check-in, the first one.
    first_checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL")
    )
    #: When it was undone as a mistake, and by whom; undone check-ins stay on record.
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    event = relationship("Event")
    registration = relationship("Registration")
