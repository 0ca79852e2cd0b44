from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from confreg.database import UTCDateTime, utcnow
from confreg.events.models import Event
from confreg.extensions import db

ROLES = {"organiser": _l("Organiser"), "desk": _l("Desk volunteer")}


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Log-in name, stored in lower case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Salted hash (werkzeug's scrypt); the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: A disabled account cannot log in.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    roles: Mapped[list["EventRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, event_id: int, role: str) -> bool:
        return any(r.event_id == event_id and r.role == role for r in self.roles)


class EventRole(db.Model):
    __tablename__ = "event_roles"
    __table_args__ = (UniqueConstraint("user_id", "event_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The staff user who holds the role.
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    #: The event it applies to.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: One of ROLES.
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[StaffUser] = relationship(back_populates="roles")
    event: Mapped[Event] = relationship()

    @property
    def role_label(self) -> str:
        return str(ROLES[self.role])


class ApiToken(db.Model):
    """A bearer token with which a scanner acts as its staff user on the API."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The staff user the token acts as.
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    #: SHA-256 of the token, hex; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: What the operator called it ("scanner 3"), to tell tokens apart when revoking.
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A revoked token is refused.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[StaffUser] = relationship()


class LoginFailure(db.Model):
    """Failed log-ins per address typed, known account or not, so that a lock-out
    reveals nothing about which addresses have accounts."""

    __tablename__ = "login_failures"

    #: The address as typed, in lower case.
    email_key: Mapped[str] = mapped_column(String(254), primary_key=True)
    #: Failures in a row within LOCK_WINDOW of each other.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: No log-in for this address until then, even with the right password.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
