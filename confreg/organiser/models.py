import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
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
    #: Random key of the form that sent it, so that a form sent again sends nothing more.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: How many delegates it was queued for.
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    #: The organiser who sent it.
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff_user = relationship("StaffUser")


class DelegateImport(db.Model):
    """A delegate list an organiser uploaded, kept between the column-mapping, preview
    and import steps (so that any app server can take the next step), then as a record."""

    __tablename__ = "delegate_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random id of the import in URLs.
    public_id: Mapped[str] = mapped_column(
        String(22), unique=True, default=lambda: secrets.token_urlsafe(12)
    )
    #: The event the delegates are for.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The file as uploaded, and its name.
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: Text encoding chosen for a CSV file ("" for XLSX).
    encoding: Mapped[str] = mapped_column(String(20), default="")
    #: Column of the file for each field, as {field: column heading}.
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: "register" (registrations made) or "invite" (invitations e-mailed).
    mode: Mapped[str] = mapped_column(String(10), default="register")
    #: The organiser who uploaded it.
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the rows were imported, and how many; none until then.
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported_rows: Mapped[int] = mapped_column(Integer, default=0)

    staff_user = relationship("StaffUser")
