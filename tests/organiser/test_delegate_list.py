"""The delegate list's filters and the bulk actions taken from it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from confreg.audit import AuditEntry
from confreg.checkin.service import Scan, check_in
from confreg.events.enrolment import enrol
from confreg.events.models import ProgrammeSession
from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.organiser.service import find_delegates
from confreg.registration.models import Registration
from tests.conftest import form_fields, log_in, make_staff, register

PEOPLE = (
    # given name, e-mail, category, country
    ("Ana", "ana@puebla.example", "mayor", "MX"),
    ("Kwame", "kwame@accra.example", "city_official", "GH"),
    ("Leila", "leila@tehran.example", "expert_speaker", "IR"),
    ("Marta", "marta@porto.example", "mayor", "PT"),
)


def register_people(client, event) -> dict[str, Registration]:
    for name, email, category, country in PEOPLE:
        register(
            client, event, given_name=name, family_name="Test", latin_given_name="",
            latin_family_name="", email=email, category=category, country=country,
        )  # fmt: skip
    registrations = db.session.scalars(select(Registration)).all()
    return {registration.given_name: registration for registration in registrations}


def names(event, **filters) -> list[str]:
    found = find_delegates(event, DelegateFilter(**filters), sort="name")
    return sorted(registration.given_name for registration in found.registrations)


def test_each_filter_narrows_the_list(client, event):
    people = register_people(client, event)
    session = ProgrammeSession(
        event=event, title={"en": "Mayors' forum"},
        starts_at=datetime(2031, 5, 6, 9, tzinfo=UTC), ends_at=datetime(2031, 5, 6, 10, tzinfo=UTC),
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    enrol(people["Ana"], session)
    check_in(event, Scan(nonce="n1", public_id=people["Kwame"].public_id), None)
    people["Leila"].needs_visa_letter = True
    people["Marta"].needs_visa_letter = True
    people["Marta"].visa_letter_approved_at = datetime.now(UTC)
    people["Marta"].badge_printed_at = datetime.now(UTC)
    db.session.commit()

    assert names(event) == ["Ana", "Kwame", "Leila", "Marta"]
    assert names(event, category="mayor") == ["Ana", "Marta"]
    assert names(event, country="GH") == ["Kwame"]
    assert names(event, region="Europe and North America") == ["Marta"]
    assert names(event, region="Latin America and the Caribbean") == ["Ana"]
    assert names(event, session=session.id) == ["Ana"]
    assert names(event, checked_in="yes") == ["Kwame"]
    assert names(event, checked_in="no") == ["Ana", "Leila", "Marta"]
    assert names(event, badge_printed="yes") == ["Marta"]
    assert names(event, visa_letter="wanted") == ["Leila", "Marta"]
    assert names(event, visa_letter="pending") == ["Leila"]
    assert names(event, visa_letter="approved") == ["Marta"]
    assert names(event, category="mayor", checked_in="yes") == []
    assert names(event, selected=(people["Leila"].public_id,)) == ["Leila"]


def test_filters_survive_a_round_trip_through_the_query_string_and_ignore_nonsense():
    from werkzeug.datastructures import MultiDict

    chosen = DelegateFilter(query="tehran", status="confirmed", country="IR", session=3,
                            checked_in="no", selected=("abc", "def"))  # fmt: skip
    args = MultiDict()
    for name, value in chosen.as_args().items():
        for item in value if isinstance(value, list) else [value]:
            args.add(name, item)
    assert DelegateFilter.from_args(args) == chosen
    nonsense = MultiDict(
        {"status": "deleted", "category": "king", "country": "Iran", "region": "Mars",
         "session": "99999999999", "checked_in": "maybe", "visa_letter": "x" * 50}
    )  # fmt: skip
    assert DelegateFilter.from_args(nonsense).is_empty()


def test_the_list_page_filters_and_its_pages_keep_the_filters(client, event, app):
    register_people(client, event)
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    app.config["DELEGATES_PER_PAGE"] = 1
    try:
        page = client.get(
            f"/organiser/{event.slug}/delegates", query_string={"category": "mayor"}
        ).get_data(as_text=True)
    finally:
        app.config["DELEGATES_PER_PAGE"] = 50
    assert "2 delegates found." in page
    assert "category=mayor" in page.split('rel="next"')[1].split(">")[0]


@pytest.fixture
def pending(client, event):
    event.requires_approval = True
    db.session.commit()
    people = register_people(client, event)
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    return people


def bulk(client, event, **data):
    fields = form_fields(client, f"/organiser/{event.slug}/delegates")
    fields = {name: value for name, value in fields.items() if name == "csrf_token"}
    return client.post(f"/organiser/{event.slug}/delegates/bulk", data=fields | data)


def test_approving_the_ticked_delegates_records_each_in_their_history(client, event, pending):
    chosen = [pending["Ana"].public_id, pending["Kwame"].public_id]
    answer = bulk(client, event, action="approve", scope="selected", selected=chosen)
    assert answer.status_code == 303
    statuses = {r.given_name: r.status for r in db.session.scalars(select(Registration))}
    assert statuses == {"Ana": "confirmed", "Kwame": "confirmed", "Leila": "pending",
                        "Marta": "pending"}  # fmt: skip
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "approved")).all()
    assert sorted(entry.registration_id for entry in entries) == sorted(
        pending[name].id for name in ("Ana", "Kwame")
    )
    assert all(entry.staff_user.email == "organiser@staff.example" for entry in entries)
    assert "2 delegates changed." in client.get(answer.location).get_data(as_text=True)


def test_every_delegate_the_filters_find_skipping_those_whose_status_forbids(
    client, event, pending
):
    bulk(client, event, action="approve", scope="selected", selected=[pending["Ana"].public_id])
    answer = bulk(client, event, action="waitlist", scope="all", category="mayor",
                  selected=[pending["Leila"].public_id])  # fmt: skip
    statuses = {r.given_name: r.status for r in db.session.scalars(select(Registration))}
    assert statuses["Marta"] == "waitlisted"  # the filter, not the stale tick, decides
    assert statuses["Ana"] == "confirmed" and statuses["Leila"] == "pending"
    page = client.get(answer.location).get_data(as_text=True)
    assert "1 delegate changed." in page
    assert "1 delegate left as they were" in page
    subjects = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.recipient == "marta@porto.example")
    ).all()
    assert any("waiting list" in subject for subject in subjects)


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(client, event, pending):
    answer = bulk(client, event, action="reject", scope="all")
    assert "Say why" in client.get(answer.location).get_data(as_text=True)
    assert {r.status for r in db.session.scalars(select(Registration))} == {"pending"}
    bulk(client, event, action="reject", scope="all", country="IR", reason="Duplicate entry")
    leila = db.session.scalar(select(Registration).where(Registration.given_name == "Leila"))
    assert (leila.status, leila.status_reason) == ("rejected", "Duplicate entry")


def test_nothing_ticked_is_refused_with_a_clear_message(client, event, pending):
    answer = bulk(client, event, action="approve", scope="selected")
    assert "Tick the delegates first" in client.get(answer.location).get_data(as_text=True)
    assert {r.status for r in db.session.scalars(select(Registration))} == {"pending"}


def test_printing_badges_of_a_selection_prints_only_confirmed_ones(client, event, pending):
    bulk(client, event, action="approve", scope="all", category="mayor")
    answer = bulk(client, event, action="badges", scope="all")
    assert answer.mimetype == "application/pdf"
    printed = db.session.scalars(
        select(Registration.given_name).where(Registration.badge_printed_at.is_not(None))
    ).all()
    assert sorted(printed) == ["Ana", "Marta"]
