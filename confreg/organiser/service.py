from dataclasses import dataclass

from sqlalchemy import func, select

from confreg.database import collated
from confreg.events.models import Event
from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.registration.models import STATUSES, Registration


@dataclass(frozen=True)
class DelegatePage:
    registrations: list[Registration]
    total: int
    page: int
    pages: int


def status_counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


def undelivered_mail_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.event_id == event.id, OutboxMessage.status == "failed")
    )


def countries_registered(event: Event) -> list[str]:
    """ISO codes of the countries the event's delegates come from."""
    return list(
        db.session.scalars(
            select(Registration.country)
            .where(Registration.event_id == event.id)
            .distinct()
            .order_by(Registration.country)
        )
    )


#: How the delegate list can be ordered.
SORTS = ("registered", "name")


def find_delegates(
    event: Event,
    delegate_filter: DelegateFilter,
    page: int = 1,
    per_page: int = 50,
    sort: str = "registered",
    locale: str = "en",
) -> DelegatePage:
    """Delegates passing the filter (its words found in names, organisation, city or
    e-mail, in any case, with or without accents, in their own script or in Latin);
    newest first, or by family then given name as `locale` sorts them."""
    conditions = delegate_filter.conditions(event)
    total = db.session.scalar(select(func.count()).select_from(Registration).where(*conditions))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    registrations = db.session.scalars(
        select(Registration)
        .where(*conditions)
        .order_by(*_ORDER[sort if sort in SORTS else "registered"](locale))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return DelegatePage(list(registrations), total, page, pages)


_ORDER = {
    "registered": lambda _locale: (Registration.created_at.desc(), Registration.id.desc()),
    "name": lambda locale: (
        collated(Registration.family_name, locale),
        collated(Registration.given_name, locale),
        Registration.id,
    ),
}


def registration_by_public_id(event: Event, public_id: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.public_id == public_id
        )
    )
