from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

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
    __table_args__ = (Index("ix_checkins_registration_scope", "registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event whose desk recorded it.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The delegate, when the badge or search named one.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE")
    )
    #: The programme session at whose door it happened; None is the event's entrance.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_sessions.id", ondelete="CASCADE")
    )
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
    #: When it was undone as a mistake; undone check-ins stay on record.
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
