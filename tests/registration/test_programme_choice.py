"""Choosing sessions from the personal page."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from confreg.events.models import Enrolment, ProgrammeSession
from confreg.extensions import db
from confreg.mail import OutboxMessage
from tests.conftest import form_fields, make_event, register

NINE = datetime(2031, 5, 6, 7, 0, tzinfo=UTC)


def add_session(event, title, start=NINE, seats=None, **values):
    session = ProgrammeSession(
        event=event, title={"en": title}, starts_at=start,
        ends_at=start + timedelta(minutes=90), capacity=seats, **values,
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    return session


def personal_page(client, event, **registration):
    register(client, event, **registration)
    body = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"http://confreg\.test(/e/\S+/manage/\S+)", body).group(1)


def choose(client, path, session, action="join"):
    url = f"{path}/sessions/{session.id}/{action}"
    return client.post(url, data=form_fields(client, path), follow_redirects=True)


def test_delegate_chooses_and_leaves_a_session(client, event):
    africa = add_session(event, "Regional session: Africa", seats=30)
    path = personal_page(client, event)
    page = client.get(path).get_data(as_text=True)
    assert "Regional session: Africa" in page
    assert "30 seats left" in page

    chosen = choose(client, path, africa).get_data(as_text=True)
    assert "You have a seat in Regional session: Africa." in chosen
    assert "29 seats left" in chosen

    left = choose(client, path, africa, "leave").get_data(as_text=True)
    assert "You have left Regional session: Africa." in left
    assert db.session.scalars(select(Enrolment)).all() == []


def test_overlapping_choice_is_refused_with_both_names(client, event):
    africa = add_session(event, "Africa")
    europe = add_session(event, "Europe", start=NINE + timedelta(minutes=30))
    path = personal_page(client, event)
    choose(client, path, africa)
    page = choose(client, path, europe).get_data(as_text=True)
    assert "Europe overlaps with Africa, which you have chosen already." in page


def test_full_session_offers_its_waiting_list(client, event):
    small = add_session(event, "Study visit", seats=1)
    first = personal_page(client, event)
    choose(client, first, small)
    second = personal_page(client, event, email="second@city.example")
    assert "Join the waiting list" in client.get(second).get_data(as_text=True)
    page = choose(client, second, small).get_data(as_text=True)
    assert "Study visit is full: you are number 1 on its waiting list." in page


def test_sessions_not_open_to_the_delegate_are_not_offered_nor_taken(client, event):
    forum = add_session(event, "Mayors' forum", eligible_categories=["mayor"])
    path = personal_page(client, event)  # a city official
    assert "Mayors&#39; forum" not in client.get(path).get_data(as_text=True)
    assert "This session is not open to you." in choose(client, path, forum).get_data(as_text=True)


def test_pending_delegates_choose_once_confirmed(client, app):
    event = make_event(requires_approval=True)
    plenary = add_session(event, "Opening plenary")
    path = personal_page(client, event)
    assert "Your programme" not in client.get(path).get_data(as_text=True)
    page = choose(client, path, plenary).get_data(as_text=True)
    assert "You can choose sessions once your registration is confirmed." in page


def test_a_session_of_another_event_is_not_found(client, event):
    other = make_event(slug="another")
    foreign = add_session(other, "Elsewhere")
    path = personal_page(client, event)
    response = client.post(f"{path}/sessions/{foreign.id}/join", data=form_fields(client, path))
    assert response.status_code == 404


def chosen_sessions() -> list[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(ProgrammeSession.title, Enrolment.status).join(Enrolment.session)
        .order_by(ProgrammeSession.starts_at)
    )  # fmt: skip
    return [(title["en"], status) for title, status in rows]


def test_sessions_chosen_while_registering_are_taken_at_once(client, event):
    opening = add_session(event, "Opening")
    forum = add_session(event, "Mayors' forum", start=NINE + timedelta(hours=2),
                        eligible_categories=["mayor"])  # fmt: skip
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "Opening" in page and "For: Mayor" in page

    register(client, event, sessions=[str(opening.id), str(forum.id)])

    assert chosen_sessions() == [("Opening", "enrolled")]  # the forum is for mayors


def test_sessions_chosen_by_a_pending_delegate_are_taken_on_approval(client, app):
    from confreg.registration import service
    from confreg.registration.models import Registration
    from tests.conftest import make_staff

    event = make_event(requires_approval=True)
    opening = add_session(event, "Opening")
    register(client, event, sessions=[str(opening.id)])
    assert chosen_sessions() == []

    registration = db.session.scalars(select(Registration)).one()
    service.approve(registration, make_staff(event, "organiser"))

    assert chosen_sessions() == [("Opening", "enrolled")]


def test_sessions_chosen_on_the_waiting_list_are_taken_on_promotion(client, app):
    from confreg.registration import service
    from confreg.registration.models import Registration

    event = make_event(capacity=1)
    visit = add_session(event, "Study visit")
    register(client, event)
    register(client, event, email="second@city.example", sessions=[str(visit.id)])
    assert chosen_sessions() == []

    first = db.session.scalars(select(Registration).order_by(Registration.id)).first()
    service.cancel(first)

    assert chosen_sessions() == [("Study visit", "enrolled")]


def test_a_session_not_on_offer_is_refused_in_the_form(client, event):
    other = make_event(slug="another")
    foreign = add_session(other, "Elsewhere")
    response = register(client, event, sessions=[str(foreign.id)])
    assert response.status_code == 200
    assert "Choose sessions from the list" in response.get_data(as_text=True)
    assert register(client, event, sessions=["abc"]).status_code == 200
