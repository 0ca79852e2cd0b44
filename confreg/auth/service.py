from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from confreg.auth.models import ROLES, EventRole, StaffUser
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


def authenticate(email: str, password: str) -> StaffUser | None:
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


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
