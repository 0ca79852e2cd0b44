from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confreg.database import UTCDateTime, utcnow
from confreg.extensions import db


class Mailing(db.Model):
    """An e-mail an organiser wrote to a chosen set of delegates, one outbox message each."""

    __tablename__ = "mailings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event whose delegates it went to.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Subject and body per locale code, with {placeholders}; others use the default locale's.
    subject: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[dict[str, str]] = mapped_column(JSON)
    #: The delegate-list filters that chose the recipients, as given.
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: How many delegates it was queued for.
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    #: The organiser who sent it.
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff_user = relationship("StaffUser")
