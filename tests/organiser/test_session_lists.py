"""Organisers' lists of who is in each session, the CSV, seating and invitations by hand."""

import csv
import io

from sqlalchemy import select

from confreg.events import enrolment
from confreg.events.models import Enrolment, SessionInvitation
from confreg.extensions import db
from tests.conftest import form_fields, log_in, make_staff
from tests.events.test_enrolment import delegate, programme_session


def organiser(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")


def test_roster_lists_seated_and_waiting_with_categories_and_countries(client, event):
    organiser(client, event)
    session = programme_session(event, seats=1, title="Mayors' forum")
    mayor, expert = delegate(event, 0, "mayor"), delegate(event, 1, "expert_speaker")
    enrolment.enrol(mayor, session)
    enrolment.enrol(expert, session)

    page = client.get(f"/organiser/{event.slug}/sessions/{session.id}").get_data(as_text=True)

    assert "1 seated" in page
    assert "1 on the waiting list" in page
    assert "Delegate 0" in page and "Mayor" in page
    assert "Expert or speaker" in page
    assert "Slovenia" in page
    overview = client.get(f"/organiser/{event.slug}/sessions").get_data(as_text=True)
    assert "Mayors&#39; forum" in overview


def test_roster_exports_as_csv_readable_by_spreadsheets(client, event):
    organiser(client, event)
    session = programme_session(event, seats=1)
    first, second = delegate(event, 0), delegate(event, 1)
    first.given_name, first.family_name = "Αθανάσιος", "Καρπουχτσής"
    db.session.commit()
    enrolment.enrol(first, session)
    enrolment.enrol(second, session)

    response = client.get(f"/organiser/{event.slug}/sessions/{session.id}/delegates.csv")

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Status", "Place on the waiting list", "Name"]
    assert rows[1][:3] == ["Seated", "", "Αθανάσιος Καρπουχτσής"]
    assert rows[2][:3] == ["On the waiting list", "1", "Delegate 1"]


def test_organiser_seats_a_delegate_by_hand_whatever_the_eligibility(client, event):
    organiser(client, event)
    forum = programme_session(event, seats=5, eligible_categories=["mayor"])
    press = delegate(event, 0, "press")
    url = f"/organiser/{event.slug}/sessions/{forum.id}"

    response = client.post(
        f"{url}/enrol", data=form_fields(client, url) | {"enrol-email": press.email},
        follow_redirects=True,
    )  # fmt: skip

    assert "Delegate 0 has a seat." in response.get_data(as_text=True)
    seat = db.session.scalars(select(Enrolment)).one()
    assert seat.status == "enrolled"


def test_seating_an_unknown_address_is_refused_next_to_the_field(client, event):
    organiser(client, event)
    session = programme_session(event)
    url = f"/organiser/{event.slug}/sessions/{session.id}"
    response = client.post(f"{url}/enrol", data=form_fields(client, url) | {"enrol-email": "x@y.z"})
    assert response.status_code == 400
    assert "No delegate of this event has this address." in response.get_data(as_text=True)


def test_organiser_removes_a_delegate_and_the_next_in_line_is_seated(client, event):
    organiser(client, event)
    session = programme_session(event, seats=1)
    first, second = delegate(event, 0), delegate(event, 1)
    enrolment.enrol(first, session)
    enrolment.enrol(second, session)
    url = f"/organiser/{event.slug}/sessions/{session.id}"

    client.post(f"{url}/remove/{first.public_id}", data=form_fields(client, url))

    db.session.expire_all()
    [seat] = db.session.scalars(select(Enrolment)).all()
    assert (seat.registration_id, seat.status) == (second.id, "enrolled")


def test_invitation_list_opens_the_session_to_the_invited(client, event):
    organiser(client, event)
    session = programme_session(event, by_invitation=True)
    guest = delegate(event, 0)
    url = f"/organiser/{event.slug}/sessions/{session.id}"

    client.post(f"{url}/invite", data=form_fields(client, url) | {"invite-email": guest.email})
    assert enrolment.is_eligible(guest, session)
    assert "Withdraw the invitation" in client.get(url).get_data(as_text=True)

    client.post(f"{url}/uninvite/{guest.public_id}", data=form_fields(client, url))
    assert db.session.scalars(select(SessionInvitation)).all() == []
    assert not enrolment.is_eligible(guest, session)
