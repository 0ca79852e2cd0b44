"""The event's audit log as organisers read it: every recorded change, newest first,
narrowed by what happened, who did it, to whom and when."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from confreg.audit import ACTIONS, AuditEntry
from confreg.auth.models import StaffUser
from confreg.events.models import Event
from confreg.extensions import db
from confreg.organiser.delegate_filter import name_search
from confreg.registration.models import Registration

#: Who made a change, as the log's filter offers it.
ACTOR_CHOICES = ("delegate", "staff", "system")


@dataclass(frozen=True)
class AuditFilter:
    #: One of audit.ACTIONS.
    action: str = ""
    #: One of ACTOR_CHOICES.
    actor: str = ""
    #: The staff user who made the change.
    staff_user_id: int | None = None
    #: Words found in the changed delegate's names or e-mail.
    delegate: str = ""
    #: Days in the event's zone, both included.
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


def find_entries(
    event: Event, audit_filter: AuditFilter, page: int = 1, per_page: int = 50
) -> AuditPage:
    conditions = [AuditEntry.event_id == event.id]
    if audit_filter.action in ACTIONS:
        conditions.append(AuditEntry.action == audit_filter.action)
    if audit_filter.actor in ACTOR_CHOICES:
        conditions.append(AuditEntry.actor == audit_filter.actor)
    if audit_filter.staff_user_id is not None:
        conditions.append(AuditEntry.staff_user_id == audit_filter.staff_user_id)
    zone = ZoneInfo(event.timezone)
    if audit_filter.since is not None:
        conditions.append(AuditEntry.created_at >= _start_of(audit_filter.since, zone))
    if audit_filter.until is not None:
        conditions.append(
            AuditEntry.created_at < _start_of(audit_filter.until + timedelta(days=1), zone)
        )
    if audit_filter.delegate.strip():
        matching = select(Registration.id).where(
            Registration.event_id == event.id, *name_search(audit_filter.delegate)
        )
        conditions.append(AuditEntry.registration_id.in_(matching))
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .options(selectinload(AuditEntry.staff_user), selectinload(AuditEntry.registration))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return AuditPage(list(entries), total, page, pages)


def staff_who_changed(event: Event) -> list[StaffUser]:
    """The staff users with an entry in the event's log, for the filter."""
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(
                StaffUser.id.in_(
                    select(AuditEntry.staff_user_id).where(AuditEntry.event_id == event.id)
                )
            )
            .order_by(StaffUser.email)
        )
    )


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone)
