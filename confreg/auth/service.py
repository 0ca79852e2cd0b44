import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from confreg.auth.models import ROLES, ApiToken, EventRole, LoginFailure, StaffUser
from confreg.database import utcnow
from confreg.events.models import Event
from confreg.extensions import db

MIN_PASSWORD_LENGTH = 10


@cache
def _dummy_hash() -> str:
    # Checked when the e-mail is unknown, so that a failed log-in takes as long
    # whether or not the account exists.
    return generate_password_hash("not a password")


class UnknownEvent(LookupError):
    pass


class WeakPassword(ValueError):
    pass


#: This many failures in a row lock an address out for LOCK_TIME.
MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)


class LockedOut(Exception):
    """Too many failed log-ins for this address; no attempt counts until the lock ends."""


def authenticate(email: str, password: str, now: datetime | None = None) -> StaffUser | None:
    """The staff user with this address and password, or None; raises LockedOut after
    MAX_FAILURES failures in a row, for known and unknown addresses alike."""
    now = now or utcnow()
    key = email.strip().lower()[:254]
    failure = db.session.get(LoginFailure, key)
    if failure is not None and failure.locked_until and failure.locked_until > now:
        check_password_hash(_dummy_hash(), password)  # as slow as any other answer
        raise LockedOut
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == key))
    if user is None:
        check_password_hash(_dummy_hash(), password)
    elif user.check_password(password) and user.active:
        if failure is not None:
            db.session.delete(failure)
            db.session.commit()
        return user
    _count_failure(failure or LoginFailure(email_key=key, failures=0), now)
    return None


def _count_failure(failure: LoginFailure, now: datetime) -> None:
    if failure.last_failure_at and now - failure.last_failure_at > LOCK_TIME:
        failure.failures = 0  # an old failure does not count towards a lock
    failure.failures += 1
    failure.last_failure_at = now
    if failure.failures >= MAX_FAILURES:
        failure.failures, failure.locked_until = 0, now + LOCK_TIME
    db.session.merge(failure)
    try:
        db.session.commit()
    except IntegrityError:  # the same address failed at the same moment: counted there
        db.session.rollback()


def create_or_update_staff_user(email: str, password: str, role: str, event_slug: str) -> StaffUser:
    """Create the account (or reset its password) and give it `role` at the event."""
    if role not in ROLES:
        raise ValueError(role)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(MIN_PASSWORD_LENGTH)
    event = db.session.scalar(select(Event).where(Event.slug == event_slug))
    if event is None:
        raise UnknownEvent(event_slug)
    email = email.strip().lower()
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        user = StaffUser(email=email)
        db.session.add(user)
    user.set_password(password)
    if not user.has_role(event.id, role):
        user.roles.append(EventRole(event=event, role=role))
    db.session.commit()
    return user


class UnknownStaffUser(LookupError):
    pass


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create_api_token(email: str, label: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for the staff user: (record, the token, shown only now)."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        raise UnknownStaffUser(email)
    token = secrets.token_urlsafe(32)
    record = ApiToken(user=user, token_hash=_token_hash(token), label=label[:100])
    db.session.add(record)
    db.session.commit()
    return record, token


def revoke_api_tokens(email: str, token_id: int | None = None) -> int:
    """Revoke one of the user's tokens, or all of them; returns how many."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        raise UnknownStaffUser(email)
    query = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if token_id is not None:
        query = query.where(ApiToken.id == token_id)
    revoked = db.session.execute(query.values(revoked_at=utcnow())).rowcount
    db.session.commit()
    return revoked


_VALID_TOKEN = (
    ApiToken.token_hash == bindparam("token_hash"),
    ApiToken.revoked_at.is_(None),
    StaffUser.active.is_(True),
)
# Built once: every API request runs them.
_ALLOWED_USER = (
    select(StaffUser.id)
    .join(ApiToken, ApiToken.user_id == StaffUser.id)
    .join(EventRole, EventRole.user_id == StaffUser.id)
    .where(
        *_VALID_TOKEN,
        EventRole.event_id == bindparam("event_id"),
        EventRole.role.in_(bindparam("roles", expanding=True)),
    )
    .limit(1)
)
_KNOWN_USER = (
    select(StaffUser.id).join(ApiToken, ApiToken.user_id == StaffUser.id).where(*_VALID_TOKEN)
)


def bearer_access(token: str, event_id: int, roles: tuple[str, ...]) -> tuple[int | None, bool]:
    """For a bearer token: (the staff user's id when they hold one of `roles` at the
    event, else None; whether the token is valid at all). One query when allowed."""
    if not token or len(token) > 200:
        return None, False
    connection = db.session.connection()
    token_hash = _token_hash(token)
    parameters = {"token_hash": token_hash, "event_id": event_id, "roles": list(roles)}
    if (user_id := connection.execute(_ALLOWED_USER, parameters).scalar()) is not None:
        return user_id, True
    return None, connection.execute(_KNOWN_USER, {"token_hash": token_hash}).first() is not None
