"""Delegate lists uploaded as files (read by delegate_files): guessing which column
holds what, checking every row by the rules of online registration, and importing all
rows or none, as confirmed registrations or as e-mailed invitations."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any

import pycountry
from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from confreg import audit
from confreg.database import lock_event, utcnow
from confreg.events.models import Event
from confreg.extensions import db
from confreg.i18n import available_locales, language_name
from confreg.mail import queue_mail
from confreg.names import (
    clean_multiline,
    clean_text,
    fold,
    full_name,
    has_forbidden_characters,
    is_latin,
)
from confreg.organiser.delegate_files import Table, cell, cell_text, read_table
from confreg.organiser.models import DelegateImport
from confreg.registration import service as registration_service
from confreg.registration.models import ACTIVE_STATUSES, CATEGORIES, Invitation, Registration
from confreg.urls import external_url

MODES = {
    "register": _l("Register them: confirmed registrations, each e-mailed a personal link"),
    "invite": _l("Invite them: an e-mail with a link to register, the address filled in"),
}


@dataclass(frozen=True)
class ImportField:
    label: Any
    #: Headings that name the field, compared without case, spaces or punctuation.
    synonyms: tuple[str, ...]
    #: Modes in which every row needs a value.
    required_in: tuple[str, ...] = ()
    #: Modes that use the field: an invitation keeps only names, category and language.
    modes: tuple[str, ...] = ("register",)
    multiline: bool = False
    latin: bool = False


FIELDS = {
    "given_name": ImportField(
        _l("Given name"),
        ("given name", "first name", "forename", "name", "full name"),
        required_in=("register",),
        modes=("register", "invite"),
    ),
    "family_name": ImportField(
        _l("Family name"), ("family name", "last name", "surname"), modes=("register", "invite")
    ),
    "latin_given_name": ImportField(
        _l("Given name in Latin letters"),
        ("given name in latin letters", "latin given name", "given name latin", "first name latin"),
        latin=True,
    ),
    "latin_family_name": ImportField(
        _l("Family name in Latin letters"),
        (
            "family name in latin letters",
            "latin family name",
            "family name latin",
            "last name latin",
        ),
        latin=True,
    ),
    "email": ImportField(
        _l("E-mail address"),
        ("email", "e-mail", "email address", "e-mail address", "mail"),
        required_in=("register", "invite"),
        modes=("register", "invite"),
    ),
    "category": ImportField(
        _l("Category"),
        ("category", "delegate category", "participant category"),
        required_in=("register",),
        modes=("register", "invite"),
    ),
    "organisation": ImportField(
        _l("Organisation"),
        ("organisation", "organization", "institution", "affiliation"),
        required_in=("register",),
    ),
    "job_title": ImportField(_l("Job title"), ("job title", "position", "function")),
    "city": ImportField(_l("City"), ("city", "town", "municipality"), required_in=("register",)),
    "country": ImportField(_l("Country"), ("country", "country code"), required_in=("register",)),
    "preferred_locale": ImportField(
        _l("Preferred language"),
        ("preferred language", "language", "locale"),
        modes=("register", "invite"),
    ),
    "dietary_needs": ImportField(
        _l("Dietary needs"), ("dietary needs", "diet", "dietary requirements"), multiline=True
    ),
    "accessibility_needs": ImportField(
        _l("Accessibility needs"), ("accessibility needs", "accessibility"), multiline=True
    ),
}
#: Visa letters are asked for by the delegates themselves, on their personal page: their
#: passport details have no place in a spreadsheet passed around.
_NO_VISA_LETTER = {
    "needs_visa_letter": False,
    "passport_name": "",
    "nationality": "",
    "passport_number": "",
    "date_of_birth": None,
}
_CODED_FIELDS = ("category", "country", "preferred_locale")
#: Longest values, as the registration columns (and the form, for long texts) allow;
#: a code or a name stands for a category, country or language.
_MAX_LENGTHS = {
    name: 100
    if name in _CODED_FIELDS
    else getattr(Registration.__table__.c[name].type, "length", None) or 500
    for name in FIELDS
}


def fields_for(mode: str) -> dict[str, ImportField]:
    return {name: spec for name, spec in FIELDS.items() if mode in spec.modes}


class ImportNotPossible(Exception):
    """Importing was refused: "imported" (done before), "problems" (invalid rows),
    "capacity" (not enough places) or "conflict" (an address taken meanwhile)."""

    def __init__(self, code: str, places_left: int | None = None):
        super().__init__(code)
        self.code = code
        self.places_left = places_left


# --- mapping -----------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def guess_mapping(headings: list[str], mode: str) -> dict[str, str]:
    """{field: heading} for the headings that name a field plainly."""
    by_key = {_key(heading): heading for heading in headings if heading}
    mapping: dict[str, str] = {}
    for name, spec in fields_for(mode).items():
        for synonym in (name, *spec.synonyms):
            heading = by_key.get(_key(synonym))
            if heading and heading not in mapping.values():
                mapping[name] = heading
                break
    return mapping


def missing_fields(mapping: dict[str, str], mode: str, headings: list[str]) -> list[str]:
    """Fields the mode needs that the mapping does not give a column of the file."""
    return [
        name
        for name, spec in fields_for(mode).items()
        if mode in spec.required_in and mapping.get(name) not in headings
    ]


# --- checking ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    #: The file's heading of the column at fault.
    column: str
    message: str


@dataclass
class CheckedRow:
    #: Row number as the organiser's spreadsheet shows it.
    number: int
    #: The values as they would be stored.
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Preview:
    mode: str
    rows: list[CheckedRow]
    #: Places left at the event for new confirmed delegates; None for no limit.
    places_left: int | None

    @cached_property
    def invalid_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.problems]

    @cached_property
    def valid_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.problems]

    @property
    def over_capacity(self) -> bool:
        return self.places_left is not None and len(self.rows) > self.places_left

    @property
    def importable(self) -> bool:
        return not self.over_capacity and not self.invalid_rows


def check_rows(event: Event, table: Table, mapping: dict[str, str], mode: str) -> Preview:
    """Every row checked as the registration form checks it, plus addresses that appear
    twice in the file, are registered already or (for invitations) were invited."""
    columns = {
        name: table.column(heading)
        for name, heading in mapping.items()
        if name in fields_for(mode) and heading in table.headings
    }
    taken = _active_addresses(event)
    invited = _invited_addresses(event) if mode == "invite" else set()
    first_row_of: dict[str, int] = {}
    rows = []
    for number, cells in table.rows:
        row = CheckedRow(number, dict(_NO_VISA_LETTER) if mode == "register" else {})
        for name, spec in fields_for(mode).items():
            raw = cell(cells, columns[name]) if name in columns else None
            row.values[name] = _check_value(event, mode, name, spec, raw, mapping, row)
        email_key = row.values["email"].lower()
        if email_key:
            column = mapping["email"]
            if email_key in first_row_of:
                message = _(
                    "The same e-mail address is in row %(row)d.", row=first_row_of[email_key]
                )
                row.problems.append(Problem(column, message))
            elif email_key in taken:
                message = _("A delegate with this e-mail address is registered already.")
                row.problems.append(Problem(column, message))
            elif email_key in invited:
                message = _("This address has been invited already.")
                row.problems.append(Problem(column, message))
            first_row_of.setdefault(email_key, number)
        rows.append(row)
    places_left = None
    if mode == "register" and event.capacity is not None:
        places_left = max(event.capacity - registration_service.confirmed_count(event), 0)
    return Preview(mode, rows, places_left)


def _check_value(event, mode, name, spec, raw, mapping, row) -> Any:
    """The stored form of one cell; its problems are added to the row."""
    column = mapping.get(name, "")
    text = cell_text(raw)

    def problem(message: str) -> str:
        row.problems.append(Problem(column, message))
        return ""

    if has_forbidden_characters(text, multiline=True):
        return problem(_("Remove the invisible control characters from this cell."))
    text = clean_multiline(text) if spec.multiline else clean_text(text)
    if not text:
        if mode in spec.required_in:
            return problem(_("This cell is empty; fill it in."))
        return event.default_locale if name == "preferred_locale" else ""
    if len(text) > _MAX_LENGTHS[name]:
        return problem(
            _(
                "Use at most %(max)d characters (this cell has %(length)d).",
                max=_MAX_LENGTHS[name],
                length=len(text),
            )
        )
    if spec.latin and not is_latin(text):
        return problem(_("Use Latin letters only (accents are fine)."))
    if name == "email":
        try:
            return validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError:
            return problem(_("%(value)s is not a valid e-mail address.", value=text))
    if name == "category":
        code = _category_codes().get(_key(text))
        if code is None:
            return problem(
                _(
                    "%(value)s is not a category. Use one of: %(choices)s.",
                    value=text,
                    choices=", ".join(CATEGORIES),
                )
            )
        return code
    if name == "country":
        code = _country_codes().get(_key(fold(text)))
        if code is None:
            return problem(
                _(
                    "%(value)s is not a country. Use its two-letter code (such as GR) "
                    "or its English name.",
                    value=text,
                )
            )
        return code
    if name == "preferred_locale":
        return _locale_code(text) or event.default_locale
    return text


@lru_cache(maxsize=1)
def _category_codes() -> dict[str, str]:
    """Category codes by their code and by their English label, as keys."""
    with force_locale("en"):
        labels = {_key(str(label)): code for code, label in CATEGORIES.items()}
    return labels | {_key(code): code for code in CATEGORIES}


#: English names still in common use that ISO 3166 and CLDR have replaced.
_FORMER_COUNTRY_NAMES = {
    "Turkey": "TR",
    "Czech Republic": "CZ",
    "Ivory Coast": "CI",
    "Macedonia": "MK",
    "Swaziland": "SZ",
    "Cape Verde": "CV",
    "Palestine": "PS",
    "UK": "GB",
    "USA": "US",
}


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    """ISO 3166 countries by their codes and English names, as keys without accents."""
    english = Locale("en").territories
    names = dict(_FORMER_COUNTRY_NAMES)
    for country in pycountry.countries:
        code = country.alpha_2
        names.update({code: code, country.alpha_3: code, country.name: code})
        others = (
            getattr(country, "official_name", ""),
            getattr(country, "common_name", ""),
            english.get(code, ""),
        )
        names.update({other: code for other in others if other})
    return {_key(fold(name)): code for name, code in names.items()}


def _locale_code(text: str) -> str | None:
    """An offered locale by its code ("fr", "fr-CA") or its name in English or in itself."""
    offered = available_locales()
    code = re.split(r"[-_]", text.strip(), maxsplit=1)[0].lower()
    if code in offered:
        return code
    return _locales_by_name(tuple(offered)).get(_key(text))


@lru_cache(maxsize=4)
def _locales_by_name(offered: tuple[str, ...]) -> dict[str, str]:
    english = Locale("en").languages
    names = {_key(english.get(code, code)): code for code in offered}
    return names | {_key(language_name(code)): code for code in offered}


def _active_addresses(event: Event) -> set[str]:
    return set(
        db.session.scalars(
            select(Registration.email_key).where(
                Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES)
            )
        )
    )


def _invited_addresses(event: Event) -> set[str]:
    return set(
        db.session.scalars(select(Invitation.email_key).where(Invitation.event_id == event.id))
    )


# --- the steps ---------------------------------------------------------------------


def upload(
    event: Event, filename: str, content: bytes, mode: str, encoding: str, staff_user
) -> DelegateImport:
    """Keep an uploaded list for the next steps once it reads as a table, with the
    mapping guessed from its headings. ImportRefused says why a file cannot be used."""
    table = read_table(content, encoding)
    delegate_import = DelegateImport(
        event_id=event.id,
        filename=_plain_filename(filename),
        content=content,
        encoding=table.encoding,
        mapping=guess_mapping(table.headings, mode),
        mode=mode,
        staff_user_id=staff_user.id,
    )
    db.session.add(delegate_import)
    db.session.commit()
    return delegate_import


def _plain_filename(filename: str) -> str:
    """The file's own name, without the folder some browsers send or invisible characters."""
    name = re.split(r"[\\/]", filename)[-1]
    return clean_text("".join(char for char in name if char.isprintable()))[:200] or "delegates"


def table_of(delegate_import: DelegateImport) -> Table:
    return read_table(delegate_import.content, delegate_import.encoding)


def save_mapping(delegate_import: DelegateImport, mapping: dict[str, str]) -> None:
    delegate_import.mapping = {name: heading for name, heading in mapping.items() if heading}
    db.session.commit()


def preview(event: Event, delegate_import: DelegateImport) -> Preview:
    return check_rows(
        event, table_of(delegate_import), delegate_import.mapping, delegate_import.mode
    )


def import_delegates(
    event: Event, delegate_import: DelegateImport, staff_user, now: datetime | None = None
) -> int:
    """Register or invite every delegate of the file in one transaction, or none when a
    row is invalid or the places do not suffice; returns how many. The file itself is
    dropped afterwards: the registrations and invitations hold what is needed."""
    if delegate_import.imported_at is not None:
        raise ImportNotPossible("imported")
    # Read and checked before taking the event's lock: a large file takes seconds, and
    # online registrations wait for the lock. What may change meanwhile is caught under
    # it: the places (import_registrations) and the addresses (the unique indexes).
    checked = preview(event, delegate_import)
    if any(row.problems for row in checked.rows):
        db.session.rollback()
        raise ImportNotPossible("problems")
    rows = [row.values for row in checked.rows]
    lock_event(event.id)
    now = now or utcnow()
    db.session.refresh(delegate_import)
    if delegate_import.imported_at is not None:
        db.session.rollback()
        raise ImportNotPossible("imported")
    try:
        if delegate_import.mode == "register":
            registration_service.import_registrations(
                event, rows, staff_user, delegate_import.filename, now
            )
        else:
            _invite(event, rows, staff_user, delegate_import.filename, now)
        delegate_import.imported_at = now
        delegate_import.imported_rows = len(rows)
        delegate_import.content = b""
        db.session.commit()
    except registration_service.NotEnoughPlaces as refused:
        db.session.rollback()
        raise ImportNotPossible("capacity", refused.places_left) from None
    except IntegrityError as error:  # an address registered or invited at this moment
        db.session.rollback()
        raise ImportNotPossible("conflict") from error
    return len(rows)


def discard(delegate_import: DelegateImport) -> None:
    """Forget an uploaded list that was not imported."""
    if delegate_import.imported_at is None:
        db.session.delete(delegate_import)
        db.session.commit()


def _invite(event: Event, rows: list[dict[str, Any]], staff_user, filename: str, now) -> None:
    invitations = [
        Invitation(
            event_id=event.id,
            email=values["email"],
            email_key=values["email"].lower(),
            given_name=values["given_name"],
            family_name=values["family_name"],
            category=values["category"],
            locale=values["preferred_locale"],
            staff_user_id=staff_user.id,
            created_at=now,
        )
        for values in rows
    ]
    db.session.add_all(invitations)
    db.session.flush()
    for invitation in invitations:
        queue_mail(
            "invitation",
            invitation.email,
            invitation.locale,
            event_id=event.id,
            event=event,
            name=full_name(invitation.given_name, invitation.family_name),
            invitation_url=invitation_url(event, invitation),
        )
    audit.record_event_change(
        event, "invitations_sent", staff_user, subject=filename, count=len(invitations)
    )


def invitation_url(event: Event, invitation: Invitation) -> str:
    return external_url("registration.register", slug=event.slug, invitation=invitation.token)


# --- lists -------------------------------------------------------------------------


def past_imports(event: Event) -> list[DelegateImport]:
    return list(
        db.session.scalars(
            select(DelegateImport)
            .where(DelegateImport.event_id == event.id)
            .options(selectinload(DelegateImport.staff_user))
            .order_by(DelegateImport.created_at.desc(), DelegateImport.id.desc())
        )
    )


@dataclass(frozen=True)
class InvitationPage:
    #: (invitation, the registration made with it or None), newest first.
    invitations: list[tuple[Invitation, Registration | None]]
    total: int
    registered: int
    page: int
    pages: int


def invitation_page(event: Event, page: int = 1, per_page: int = 50) -> InvitationPage:
    counts = db.session.execute(
        select(func.count(), func.count(Invitation.registration_id)).where(
            Invitation.event_id == event.id
        )
    ).one()
    pages = max(1, -(-counts[0] // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(Invitation, Registration)
        .outerjoin(Registration, Registration.id == Invitation.registration_id)
        .where(Invitation.event_id == event.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return InvitationPage([tuple(row) for row in rows], counts[0], counts[1], page, pages)


def import_by_public_id(event: Event, public_id: str) -> DelegateImport | None:
    return db.session.scalar(
        select(DelegateImport).where(
            DelegateImport.event_id == event.id, DelegateImport.public_id == public_id
        )
    )
