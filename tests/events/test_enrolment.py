"""Signing up for programme sessions: eligibility, overlaps, seats and the waiting list,
also under many simultaneous sign-ups on the real databases."""

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from confreg.events import enrolment as service
from confreg.events.models import Enrolment, ProgrammeSession, Room, SessionInvitation
from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.registration import service as registration_service
from confreg.registration.models import Registration
from tests.conftest import make_event

NINE = datetime(2031, 5, 6, 7, 0, tzinfo=UTC)  # 09:00 in Ljubljana


@pytest.fixture
def event(app):
    return make_event()


def delegate(event, number: int, category: str = "city_official", status: str = "confirmed"):
    now, email = datetime.now(UTC), f"d{number}@city.example"
    registration = Registration(
        event=event, status=status, given_name=f"Delegate {number}", email=email,
        email_key=email, category=category, country="SI", preferred_locale="en",
        privacy_consent_at=now, public_id=secrets.token_urlsafe(12),
    )  # fmt: skip
    db.session.add(registration)
    db.session.commit()
    return registration


def programme_session(event, seats=None, start=NINE, minutes=90, **values):
    session = ProgrammeSession(
        event=event, title={"en": values.pop("title", "Regional session")}, starts_at=start,
        ends_at=start + timedelta(minutes=minutes), capacity=seats, **values,
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    return session


def statuses(session) -> list[tuple[int, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Enrolment.registration_id, Enrolment.status)
        .where(Enrolment.session_id == session.id)
        .order_by(Enrolment.registration_id)
    )
    return [tuple(row) for row in rows]


def test_seats_are_given_in_order_then_the_waiting_list(event):
    session = programme_session(event, seats=2)
    people = [delegate(event, number) for number in range(4)]
    results = [service.enrol(person, session) for person in people]
    assert [r.status for r in results] == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    assert [service.waitlist_position(r) for r in results] == [None, None, 1, 2]


def test_signing_up_twice_changes_nothing(event):
    session = programme_session(event, seats=1)
    person = delegate(event, 0)
    first, second = service.enrol(person, session), service.enrol(person, session)
    assert first.id == second.id
    assert len(statuses(session)) == 1


def test_room_gives_the_seats_when_the_session_sets_none(event):
    room = Room(event=event, name="Salón A", capacity=1)
    session = programme_session(event, room=room)
    a, b = delegate(event, 0), delegate(event, 1)
    assert service.enrol(a, session).status == "enrolled"
    assert service.enrol(b, session).status == "waitlisted"


def test_only_confirmed_delegates_sign_up(event):
    session = programme_session(event)
    for status in ("pending", "waitlisted", "cancelled", "rejected"):
        with pytest.raises(service.NotConfirmed):
            service.enrol(delegate(event, hash(status) % 1000, status=status), session)
    assert statuses(session) == []


def test_mayors_forum_takes_mayors_and_deputies_only(event):
    forum = programme_session(event, eligible_categories=["mayor", "deputy_mayor"])
    assert service.enrol(delegate(event, 0, "mayor"), forum).status == "enrolled"
    assert service.enrol(delegate(event, 1, "deputy_mayor"), forum).status == "enrolled"
    with pytest.raises(service.NotEligible):
        service.enrol(delegate(event, 2, "press"), forum)


def test_invitation_only_session(event):
    session = programme_session(event, by_invitation=True)
    guest, other = delegate(event, 0), delegate(event, 1)
    db.session.add(SessionInvitation(session_id=session.id, registration_id=guest.id))
    db.session.commit()
    assert service.enrol(guest, session).status == "enrolled"
    with pytest.raises(service.NotEligible):
        service.enrol(other, session)


def test_overlapping_sessions_cannot_both_be_taken(event):
    morning = programme_session(event, title="Africa")
    parallel = programme_session(event, start=NINE + timedelta(minutes=30), title="Europe")
    after = programme_session(event, start=NINE + timedelta(minutes=90), title="Plenary")
    person = delegate(event, 0)
    service.enrol(person, morning)
    with pytest.raises(service.Overlaps) as refused:
        service.enrol(person, parallel)
    assert refused.value.other.id == morning.id
    assert service.enrol(person, after).status == "enrolled"  # back to back is fine


def test_leaving_gives_the_seat_to_the_first_in_line_and_tells_them(event):
    session = programme_session(event, seats=1)
    first, second, third = (delegate(event, n) for n in range(3))
    for person in (first, second, third):
        service.enrol(person, session)

    service.leave(first, session)

    assert statuses(session) == [(second.id, "enrolled"), (third.id, "waitlisted")]
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipient == second.email
    assert "Regional session" in mail.subject
    assert "/manage/" in mail.body
    with pytest.raises(service.NotEnrolled):
        service.leave(first, session)


def test_the_seat_skips_those_who_can_no_longer_take_it(event):
    session = programme_session(event, seats=1)
    clash = programme_session(event, start=NINE + timedelta(minutes=45), title="Clash")
    holder, busy, demoted, next_free = (delegate(event, n) for n in range(4))
    for person in (holder, busy, demoted, next_free):
        service.enrol(person, session)
    # Since joining the queue, one was seated at the same time elsewhere (say, by an
    # organiser) and one is no longer a confirmed delegate.
    db.session.add(Enrolment(session_id=clash.id, registration_id=busy.id, status="enrolled"))
    demoted.status = "pending"
    db.session.commit()

    service.leave(holder, session)

    assert statuses(session) == [
        (busy.id, "waitlisted"),
        (demoted.id, "waitlisted"),
        (next_free.id, "enrolled"),
    ]


def test_cancelled_registration_frees_its_seats(event):
    session = programme_session(event, seats=1)
    first, second = delegate(event, 0), delegate(event, 1)
    service.enrol(first, session)
    service.enrol(second, session)

    registration_service.cancel(first)

    assert statuses(session) == [(second.id, "enrolled")]


def test_choices_show_what_the_delegate_may_take_with_seats_left(event):
    open_session = programme_session(event, seats=3, title="Open")
    programme_session(
        event, eligible_categories=["mayor"], title="Mayors", start=NINE + timedelta(hours=3)
    )
    person, other = delegate(event, 0), delegate(event, 1)
    service.enrol(other, open_session)
    service.enrol(person, open_session)

    [choice] = service.session_choices(person)

    assert choice.session.id == open_session.id
    assert (choice.seats_left, choice.status, choice.waitlist_position) == (1, "enrolled", None)


def test_fifty_simultaneous_sign_ups_for_ten_seats(app, event, run_in_threads):
    """Exactly ten seats are taken; the forty others queue in the order the database
    accepted them."""
    session = programme_session(event, seats=10)
    ids = [delegate(event, number).id for number in range(50)]

    def sign_up(index):
        with app.app_context():
            person = db.session.get(Registration, ids[index])
            result = service.enrol(person, db.session.get(ProgrammeSession, session.id))
            return result.id

    run_in_threads(50, sign_up)

    db.session.expire_all()
    rows = db.session.scalars(select(Enrolment).where(Enrolment.session_id == session.id)).all()
    enrolled = [row for row in rows if row.status == "enrolled"]
    waiting = [row for row in rows if row.status == "waitlisted"]
    assert (len(enrolled), len(waiting)) == (10, 40)
    assert max(row.id for row in enrolled) < min(row.id for row in waiting)
    by_position = sorted(waiting, key=service.waitlist_position)
    assert [row.id for row in by_position] == sorted(row.id for row in waiting)
    assert [service.waitlist_position(row) for row in by_position] == list(range(1, 41))


def test_simultaneous_leaving_promotes_each_waiting_delegate_exactly_once(
    app, event, run_in_threads
):
    session = programme_session(event, seats=5)
    people = [delegate(event, number) for number in range(12)]
    for person in people:
        service.enrol(person, session)
    leaving = [person.id for person in people[:5]]

    def leave(index):
        with app.app_context():
            service.leave(
                db.session.get(Registration, leaving[index]),
                db.session.get(ProgrammeSession, session.id),
            )

    run_in_threads(5, leave)

    final = statuses(session)
    assert [status for _, status in final].count("enrolled") == 5
    assert [rid for rid, status in final if status == "enrolled"] == [p.id for p in people[5:10]]
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 5
