from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from confreg.database import UTCDateTime, utcnow
from confreg.extensions import db


class EventSigningKey(db.Model):
    """The Ed25519 key that signs an event's badge tokens. The private part never
    leaves the server; the public part is published for scanners."""

    __tablename__ = "event_signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event whose badges it signs; one key per event.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    #: Four random bytes, hex, carried in every token to name the key (and so the event).
    key_id: Mapped[str] = mapped_column(String(8), unique=True)
    #: Raw 32-byte private and public keys.
    private_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegistrationPhoto(db.Model):
    """A delegate's passport-style photo, decoded and re-encoded by the app."""

    __tablename__ = "registration_photos"

    #: The registration it belongs to; one photo each.
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    #: JPEG bytes written by the app, never the uploaded file.
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    #: Pixel size of the stored JPEG.
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
