"""Which delegates a list, a bulk action, an export or a message is about: the filters of
the delegate list, read from and written back to a query string."""

from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, exists, select

from confreg.checkin.service import entered
from confreg.cities import REGION_LABELS, country_regions
from confreg.events.models import Enrolment, Event, ProgrammeSession
from confreg.extensions import db
from confreg.names import search_terms
from confreg.registration.models import CATEGORIES, STATUSES, Registration

#: Answers of the yes-or-no filters.
YES_NO = ("yes", "no")
#: The visa-letter filter: wanted at all, wanted and not yet approved, approved.
VISA_LETTER = ("wanted", "pending", "approved")
#: Most delegates a selection by public id may name (a page of the list is 50).
MAX_SELECTED = 500


@dataclass(frozen=True)
class DelegateFilter:
    #: Words every one of which a delegate's names, organisation, city or e-mail contain.
    query: str = ""
    status: str = ""
    category: str = ""
    #: ISO 3166-1 alpha-2 country code.
    country: str = ""
    #: UNESCO regional group, one of cities.REGION_LABELS.
    region: str = ""
    #: Delegates holding a seat in this programme session.
    session: int | None = None
    #: "yes" or "no": entered the event (an entrance check-in not undone).
    checked_in: str = ""
    #: "yes" or "no": the current badge has been printed.
    badge_printed: str = ""
    #: One of VISA_LETTER.
    visa_letter: str = ""
    #: Public ids of delegates chosen one by one.
    selected: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args) -> "DelegateFilter":
        """Read the filters from a query string or form (a MultiDict); values that are
        not one of the choices are left out rather than refused, as links get old."""
        session = args.get("session", "")
        return cls(
            query=args.get("q", "").strip()[:200],
            status=_choice(args.get("status", ""), STATUSES),
            category=_choice(args.get("category", ""), CATEGORIES),
            country=args.get("country", "").upper() if len(args.get("country", "")) == 2 else "",
            region=_choice(args.get("region", ""), REGION_LABELS),
            session=int(session) if session.isdigit() and len(session) < 10 else None,
            checked_in=_choice(args.get("checked_in", ""), YES_NO),
            badge_printed=_choice(args.get("badge_printed", ""), YES_NO),
            visa_letter=_choice(args.get("visa_letter", ""), VISA_LETTER),
            selected=tuple(dict.fromkeys(_selected(args)))[:MAX_SELECTED],
        )

    def as_args(self) -> dict[str, str | list[str]]:
        """The filters set, as query-string arguments that `from_args` reads back."""
        values = asdict(self)
        args = {"q" if name == "query" else name: value for name, value in values.items()}
        args["selected"] = list(self.selected)
        if self.session is not None:
            args["session"] = str(self.session)
        return {name: value for name, value in args.items() if value not in ("", None, [])}

    def is_empty(self) -> bool:
        return self == DelegateFilter()

    def conditions(self, event: Event) -> list[ColumnElement[bool]]:
        """WHERE clauses selecting the event's registrations that pass every filter."""
        conditions = [Registration.event_id == event.id, *name_search(self.query)]
        for name in ("status", "category", "country"):
            if value := getattr(self, name):
                conditions.append(getattr(Registration, name) == value)
        if self.region:
            countries = [
                code for code, region in country_regions().items() if region == self.region
            ]
            conditions.append(Registration.country.in_(countries))
        if self.session is not None:
            conditions.append(
                exists().where(
                    Enrolment.registration_id == Registration.id,
                    Enrolment.session_id == self.session,
                    Enrolment.status == "enrolled",
                )
            )
        if self.checked_in:
            arrived = entered(Registration.id)
            conditions.append(arrived if self.checked_in == "yes" else ~arrived)
        if self.badge_printed:
            printed = Registration.badge_printed_at.is_not(None)
            conditions.append(printed if self.badge_printed == "yes" else ~printed)
        if self.visa_letter:
            conditions.append(Registration.needs_visa_letter.is_(True))
            if self.visa_letter != "wanted":
                approved = Registration.visa_letter_approved_at.is_not(None)
                conditions.append(approved if self.visa_letter == "approved" else ~approved)
        if self.selected:
            conditions.append(Registration.public_id.in_(self.selected))
        return conditions


def name_search(query: str) -> list[ColumnElement[bool]]:
    """Conditions that every word of the query be found in a delegate's names,
    organisation, city or e-mail, in any case and script (names.search_key)."""
    conditions = []
    for term in search_terms(query):
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Registration.search_text.like(f"%{escaped}%", escape="\\"))
    return conditions


def session_choices(event: Event) -> list[tuple[int, str]]:
    """(id, title) of the event's sessions in programme order, for the session filter."""
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    )
    return [(session.id, session.display_title) for session in sessions]


def _choice(value: str, choices) -> str:
    return value if value in choices else ""


def _selected(args) -> list[str]:
    values = args.getlist("selected") if hasattr(args, "getlist") else args.get("selected", [])
    return [value for value in values if 0 < len(value) <= 22]
