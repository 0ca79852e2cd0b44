"""The organisers' arrivals board: who has arrived against who is expected, how fast,
at which desk, and in which sessions; and the check-in log for export."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from confreg.auth.models import StaffUser
from confreg.checkin.models import CheckIn
from confreg.checkin.service import entrance_arrivals
from confreg.cities import country_regions
from confreg.events.models import Event, ProgrammeSession
from confreg.events.programme import enrolment_counts
from confreg.extensions import db
from confreg.registration.models import Registration

BUCKET = timedelta(minutes=15)
#: The chart shows at most this many quarter hours (a long day), the latest ones.
MAX_BUCKETS = 64


@dataclass(frozen=True)
class Tally:
    label: str
    expected: int
    arrived: int

    @property
    def percent(self) -> int:
        return round(100 * self.arrived / self.expected) if self.expected else 0


@dataclass(frozen=True)
class Board:
    total: Tally
    by_category: list[Tally]
    by_region: list[Tally]
    #: (start of the quarter hour in the event's zone, arrivals in it), oldest first.
    per_quarter_hour: list[tuple[datetime, int]]
    #: (desk label, check-ins), busiest first.
    per_desk: list[tuple[str, int]]
    #: (session, seated, attended), in programme order.
    per_session: list[tuple[ProgrammeSession, int, int]]
    refused: int


def arrivals_board(event: Event, category_labels: dict[str, str], unknown_region: str) -> Board:
    arrivals = {row.registration_id: row for row in db.session.execute(entrance_arrivals(event))}
    confirmed = db.session.execute(
        select(Registration.id, Registration.category, Registration.country).where(
            Registration.event_id == event.id, Registration.status == "confirmed"
        )
    ).all()
    regions = country_regions()
    categories, places = Counter(), Counter()
    arrived_categories, arrived_places = Counter(), Counter()
    for registration_id, category, country in confirmed:
        region = regions.get(country, unknown_region)
        categories[category] += 1
        places[region] += 1
        if registration_id in arrivals:
            arrived_categories[category] += 1
            arrived_places[region] += 1
    by_category = [
        Tally(category_labels.get(code, code), count, arrived_categories[code])
        for code, count in categories.most_common()
    ]
    by_region = [
        Tally(region, count, arrived_places[region]) for region, count in sorted(places.items())
    ]
    total = Tally("", len(confirmed), sum(arrived_categories.values()))
    return Board(
        total=total,
        by_category=by_category,
        by_region=by_region,
        per_quarter_hour=_per_quarter_hour(event, [row.scanned_at for row in arrivals.values()]),
        per_desk=Counter(row.desk for row in arrivals.values()).most_common(),
        per_session=_per_session(event),
        refused=db.session.scalar(
            select(func.count()).where(
                CheckIn.event_id == event.id,
                CheckIn.result.not_in(("ok", "already_checked_in")),
            )
        ),
    )


def _per_quarter_hour(event: Event, moments: list[datetime]) -> list[tuple[datetime, int]]:
    if not moments:
        return []
    local = [moment.astimezone(event.zone) for moment in moments]
    quarters = Counter(
        moment.replace(minute=moment.minute // 15 * 15, second=0, microsecond=0) for moment in local
    )
    last = max(quarters)
    start = max(min(quarters), last - BUCKET * (MAX_BUCKETS - 1))
    buckets = []
    while start <= last:
        buckets.append((start, quarters.get(start, 0)))
        start = (start.astimezone(event.zone) + BUCKET).astimezone(event.zone)
    return buckets


def _per_session(event: Event) -> list[tuple[ProgrammeSession, int, int]]:
    counts = enrolment_counts(event)
    attended = dict(
        db.session.execute(
            select(CheckIn.session_id, func.count())
            .where(
                CheckIn.event_id == event.id,
                CheckIn.session_id.is_not(None),
                CheckIn.result == "ok",
                CheckIn.undone_at.is_(None),
            )
            .group_by(CheckIn.session_id)
        ).all()
    )
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()
    return [
        (session, counts.get(session.id, {}).get("enrolled", 0), attended.get(session.id, 0))
        for session in sessions
    ]


def checkin_log(event: Event, batch: int = 1000) -> Iterator[tuple]:
    """Every check-in attempt of the event, oldest first, with the delegate, the session
    and the volunteer, read in batches so that a long log streams."""
    volunteer = aliased(StaffUser)
    query = (
        select(CheckIn, Registration, ProgrammeSession, volunteer.email)
        .outerjoin(Registration, Registration.id == CheckIn.registration_id)
        .outerjoin(ProgrammeSession, ProgrammeSession.id == CheckIn.session_id)
        .outerjoin(volunteer, volunteer.id == CheckIn.staff_user_id)
        .where(CheckIn.event_id == event.id)
        .order_by(CheckIn.scanned_at, CheckIn.id)
        .execution_options(yield_per=batch)
    )
    yield from db.session.execute(query)
