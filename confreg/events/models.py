from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confreg.database import UTCDateTime, utcnow
from confreg.extensions import db
from confreg.i18n import localised

#: Track kinds, as stable codes; the programme issue gives them their editor.
TRACK_KINDS = ("plenary", "regional", "thematic", "mayors_forum", "study_visit", "side_event")
#: UNESCO's five regional groups, in the order UNESCO lists them.
UNESCO_REGIONS = (
    "Africa",
    "Arab States",
    "Asia and the Pacific",
    "Europe and North America",
    "Latin America and the Caribbean",
)


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short name in URLs, e.g. ``iclc-2015``.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: The event's name per locale code.
    name: Mapped[dict[str, str]] = mapped_column(JSON)
    #: Where it takes place, as organisers write it.
    venue: Mapped[str] = mapped_column(String(200), default="")
    #: Host city, in its usual English or official name.
    city: Mapped[str] = mapped_column(String(100))
    #: Host country, ISO 3166-1 alpha-2.
    country: Mapped[str] = mapped_column(String(2))
    #: IANA time zone in which all times of the event are shown.
    timezone: Mapped[str] = mapped_column(String(64))
    #: First and last day, in the event's own time zone.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: Locale for visitors whose language the event does not offer.
    default_locale: Mapped[str] = mapped_column(String(10), default="en")
    #: Where delegates and the press write to the organisers.
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    #: Registration is open between these moments; None means no limit on that side.
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Confirmed delegates at most; later ones are waitlisted. None: no limit.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: Whether an organiser approves each registration before it is confirmed.
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Bumped to take SQLite's write lock first thing in a transaction (see database.py).
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    #: How badges are printed, one of badges.layouts.LAYOUTS.
    badge_layout: Mapped[str] = mapped_column(String(16), default="a6")
    #: Help shown at the top of the registration form, per locale code.
    registration_help: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: The organisers' note added to every registration e-mail, per locale code.
    confirmation_note: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Whether desk volunteers may register walk-in delegates at the desk.
    desk_walk_ins: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Badge band colour per delegate category, as ``#rrggbb``; others use the default.
    badge_colours: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Whether the delegate's photo, when there is one, is printed on the badge.
    badge_shows_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Visa letter body per locale code, with {placeholders}; empty uses the built-in text.
    visa_letter_text: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Who signs visa letters, and their title.
    visa_letter_signatory: Mapped[str] = mapped_column(String(200), default="")
    visa_letter_signatory_title: Mapped[str] = mapped_column(String(200), default="")
    #: The day after which passport details are erased (`flask confreg erase-passports`).
    passport_retention_until: Mapped[date | None] = mapped_column(Date)
    #: When the event was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tracks: Mapped[list["Track"]] = relationship(
        back_populates="event", order_by="Track.position", cascade="all, delete-orphan"
    )
    rooms: Mapped[list["Room"]] = relationship(
        back_populates="event", order_by="Room.name", cascade="all, delete-orphan"
    )

    @property
    def title(self) -> str:
        return localised(self.name, self.default_locale)

    def title_in(self, locale: str) -> str:
        for code in (locale, self.default_locale):
            if self.name.get(code):
                return self.name[code]
        return self.title

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def registration_is_open(self, now: datetime) -> bool:
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)


class Track(db.Model):
    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event the track belongs to.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: One of TRACK_KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    #: Track name per locale code.
    name: Mapped[dict[str, str]] = mapped_column(JSON)
    #: Colour in the timetable, as ``#rrggbb``.
    colour: Mapped[str] = mapped_column(String(7), default="#5b6770")
    #: Place in the programme's list of tracks.
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="tracks")

    @property
    def title(self) -> str:
        return localised(self.name, self.event.default_locale)


class Room(db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event whose venue has the room.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Name as shown on signs at the venue.
    name: Mapped[str] = mapped_column(String(100))
    #: Seats; the default capacity of sessions held there.
    capacity: Mapped[int] = mapped_column(Integer)

    event: Mapped[Event] = relationship(back_populates="rooms")


class ProgrammeSession(db.Model):
    __tablename__ = "programme_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event whose programme holds the session.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The track it belongs to, if any.
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    #: Where it takes place, if decided.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    #: Title and description per locale code.
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Start and end, stored in UTC.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Seats; None takes the room's capacity.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: Delegate categories admitted; None admits every confirmed delegate.
    eligible_categories: Mapped[list[str] | None] = mapped_column(JSON)
    #: Only delegates on the session's invitation list may sign up.
    by_invitation: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Locale codes of the languages spoken, and those interpreted into.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreted_into: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Bumped to take SQLite's write lock first thing in a transaction (see database.py).
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    #: Goes up at every change a calendar must pick up (iCalendar's SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: When the session was last changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    track: Mapped[Track | None] = relationship()
    room: Mapped[Room | None] = relationship()

    @property
    def display_title(self) -> str:
        return localised(self.title, self.event.default_locale)

    @property
    def seats(self) -> int | None:
        """Seats on offer: the session's own number, else the room's; None is no limit."""
        if self.capacity is not None:
            return self.capacity
        return self.room.capacity if self.room is not None else None

    def overlaps(self, other: "ProgrammeSession") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


class Enrolment(db.Model):
    """A delegate's place in a programme session, or their place in its queue."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("registration_id", "session_id"),
        Index("ix_enrolments_queue", "session_id", "status", "status_changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The session signed up for.
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_sessions.id", ondelete="CASCADE"))
    #: The delegate's registration.
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    #: "enrolled" (holds a seat) or "waitlisted" (queues for one).
    status: Mapped[str] = mapped_column(String(12))
    #: When the status last changed; orders the waiting list, first come first served.
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[ProgrammeSession] = relationship()
    registration = relationship("Registration")


class SessionInvitation(db.Model):
    """A delegate invited to a session that is open by invitation only."""

    __tablename__ = "session_invitations"
    __table_args__ = (UniqueConstraint("session_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The session invited to.
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_sessions.id", ondelete="CASCADE"))
    #: The invited delegate's registration.
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
