"""Check-in rules: what the desks recorded about a delegate."""

from sqlalchemy import exists, select

from confreg.checkin.models import CheckIn
from confreg.extensions import db


def has_checked_in(registration_id: int) -> bool:
    """Whether the delegate entered the event: an accepted entrance check-in not undone."""
    return db.session.scalar(
        select(
            exists().where(
                CheckIn.registration_id == registration_id,
                CheckIn.session_id.is_(None),
                CheckIn.result == "ok",
                CheckIn.undone_at.is_(None),
            )
        )
    )
