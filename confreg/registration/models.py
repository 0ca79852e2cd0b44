import secrets
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confreg.database import UTCDateTime, utcnow
from confreg.events.models import Event
from confreg.extensions import db
from confreg.names import full_name, search_key

#: Delegate categories a delegate can choose, as stable codes with their labels.
CATEGORIES = {
    "mayor": _l("Mayor"),
    "deputy_mayor": _l("Deputy mayor"),
    "city_official": _l("City official"),
    "expert_speaker": _l("Expert or speaker"),
    "international_organisation": _l("International organisation"),
    "ngo": _l("NGO"),
    "private_sector": _l("Private sector"),
    "press": _l("Press"),
    "unesco_staff": _l("UNESCO staff"),
    "other": _l("Other"),
}

STATUSES = {
    "pending": _l("Pending approval"),
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("On the waiting list"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"),
}
#: Statuses that hold or wait for a place; an e-mail address has one such per event.
ACTIVE_STATUSES = ("pending", "confirmed", "waitlisted")


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        Index(
            "uq_registrations_active_email",
            "event_id",
            "email_key",
            unique=True,
            sqlite_where=text("status IN ('pending', 'confirmed', 'waitlisted')"),
            postgresql_where=text("status IN ('pending', 'confirmed', 'waitlisted')"),
        ),
        Index("ix_registrations_event_status", "event_id", "status", "status_changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random id for URLs and QR codes; the row id is never shown.
    public_id: Mapped[str] = mapped_column(String(22), unique=True, default=new_public_id)
    #: The event registered for.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: Random key of the form that created it, so that a resent form creates nothing.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: One of STATUSES.
    status: Mapped[str] = mapped_column(String(16))
    #: When the status last changed; orders the waiting list.
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Why an organiser rejected the registration, as told to the delegate.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    #: Names as written in the delegate's own script; a single name is a given name.
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), default="")
    #: Latin-letter transliteration, when the names are in another script.
    latin_given_name: Mapped[str] = mapped_column(String(100), default="")
    latin_family_name: Mapped[str] = mapped_column(String(100), default="")
    #: Address as typed, and its lower-case form that makes it unique per event.
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    #: One of CATEGORIES.
    category: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    #: City the delegate represents or comes from.
    city: Mapped[str] = mapped_column(String(100), default="")
    #: ISO 3166-1 alpha-2.
    country: Mapped[str] = mapped_column(String(2))
    #: Locale code for e-mails and documents.
    preferred_locale: Mapped[str] = mapped_column(String(10))
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    #: Visa invitation letter: whether wanted, and the passport details it cites.
    needs_visa_letter: Mapped[bool] = mapped_column(Boolean, default=False)
    passport_name: Mapped[str] = mapped_column(String(200), default="")
    nationality: Mapped[str] = mapped_column(String(2), default="")
    passport_number: Mapped[str] = mapped_column(String(20), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    #: When the delegate accepted the privacy notice.
    privacy_consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Folded names, organisation and e-mail, for search in any script (names.search_key).
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: Programme sessions chosen while registering, taken up once confirmed.
    session_wishes: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: Goes up when a badge is re-issued; older badges are refused.
    badge_revision: Mapped[int] = mapped_column(Integer, default=1)
    #: The current badge's token and its QR code as badges.qr.qr_drawing makes it, kept
    #: because computing the code is the slowest part of printing a badge.
    badge_token: Mapped[str] = mapped_column(String(160), default="")
    badge_qr: Mapped[str] = mapped_column(Text, default="", deferred=True)
    #: When the current badge revision was last printed.
    badge_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The visa letter's public reference, given when an organiser approves the letter.
    visa_letter_reference: Mapped[str | None] = mapped_column(String(24), unique=True)
    visa_letter_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Travel, as the hosts plan transfers, rooms and meals: local date, time and flight
    #: of arrival and departure, hotel, whether an airport transfer is wanted, and how
    #: many people travel with the delegate.
    arrival_on: Mapped[date | None] = mapped_column(Date)
    arrival_time: Mapped[time | None] = mapped_column(Time)
    arrival_flight: Mapped[str] = mapped_column(String(20), default="")
    departure_on: Mapped[date | None] = mapped_column(Date)
    departure_time: Mapped[time | None] = mapped_column(Time)
    departure_flight: Mapped[str] = mapped_column(String(20), default="")
    hotel: Mapped[str] = mapped_column(String(200), default="")
    wants_airport_transfer: Mapped[bool] = mapped_column(Boolean, default=False)
    accompanying_persons: Mapped[int] = mapped_column(Integer, default=0)
    #: When the delegate's personal data was erased; the row stays for the counts.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a manage link was last e-mailed, to answer repeated requests calmly.
    manage_link_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()

    @property
    def full_name(self) -> str:
        return full_name(self.given_name, self.family_name)

    @property
    def latin_name(self) -> str:
        return full_name(self.latin_given_name, self.latin_family_name)

    @property
    def category_label(self) -> str:
        return str(CATEGORIES.get(self.category, self.category))

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    def refresh_search_text(self) -> None:
        self.search_text = search_key(
            self.full_name, self.latin_name, self.email, self.organisation, self.city
        )


class Invitation(db.Model):
    """A personal invitation to register: its link fills in the e-mail and locks it."""

    __tablename__ = "invitations"
    __table_args__ = (
        db.UniqueConstraint("event_id", "email_key", name="uq_invitations_event_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event invited to.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: Secret of the personal link.
    token: Mapped[str] = mapped_column(
        String(43), unique=True, default=lambda: secrets.token_urlsafe(32)
    )
    #: Address invited, and its lower-case form (one invitation per address and event).
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    #: Names and category to fill in, as the organiser knows them.
    given_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(32), default="")
    #: Locale code the invitation is written in.
    locale: Mapped[str] = mapped_column(String(10))
    #: The staff user who invited.
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    #: The registration made through the link, once there is one.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration | None] = relationship()

    @property
    def taken(self) -> bool:
        """Whether a registration made with it still holds or waits for a place; once
        that one is cancelled or rejected, the link works again."""
        return self.registration is not None and self.registration.status in ACTIVE_STATUSES
