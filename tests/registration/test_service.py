"""Statuses, capacity and the waiting list, called as plain functions, and under
simultaneous requests on the real databases."""

import secrets

import pytest
from sqlalchemy import select

from confreg.audit import AuditEntry
from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.registration import service
from confreg.registration.models import Registration
from tests.conftest import delegate_details, form_fields, make_event, make_staff


def details(number: int, **overrides) -> dict:
    values = delegate_details(email=f"delegate{number}@city.example", **overrides)
    values["needs_visa_letter"] = False
    values.update(passport_name="", nationality="", passport_number="", date_of_birth=None)
    return values


def sign_up(event, number: int, **overrides) -> Registration:
    key = secrets.token_urlsafe(24)
    return service.register(event, details(number, **overrides), key).registration


def statuses(event) -> list[str]:
    return list(
        db.session.scalars(
            select(Registration.status)
            .where(Registration.event_id == event.id)
            .order_by(Registration.id)
        )
    )


def mails_to(registration) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.subject)
            .where(OutboxMessage.recipient == registration.email)
            .order_by(OutboxMessage.id)
        )
    )


def test_past_capacity_delegates_are_waitlisted_in_order(app):
    event = make_event(capacity=2)
    people = [sign_up(event, number) for number in range(4)]
    assert statuses(event) == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [service.waitlist_position(r) for r in people] == [None, None, 1, 2]


def test_cancelling_a_confirmed_place_promotes_the_first_in_line(app):
    event = make_event(capacity=1)
    first, second, third = (sign_up(event, number) for number in range(3))

    service.cancel(first)

    assert statuses(event) == ["cancelled", "confirmed", "waitlisted"]
    assert service.waitlist_position(third) == 1
    assert mails_to(second)[-1].startswith("A place for you")
    promoted = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "promoted")).one()
    assert (promoted.registration_id, promoted.actor) == (second.id, "system")


def test_cancelling_a_waitlisted_place_promotes_nobody(app):
    event = make_event(capacity=1)
    _first, second, third = (sign_up(event, number) for number in range(3))
    service.cancel(second)
    assert statuses(event) == ["confirmed", "cancelled", "waitlisted"]
    assert service.waitlist_position(third) == 1


def test_cancelling_twice_is_refused(app):
    event = make_event()
    registration = sign_up(event, 0)
    service.cancel(registration)
    with pytest.raises(service.NotAllowed):
        service.cancel(registration)


def test_raising_capacity_promotes_as_many_as_fit(app):
    event = make_event(capacity=1)
    for number in range(4):
        sign_up(event, number)

    promoted = service.update_event_settings(event, {"capacity": 3})

    assert len(promoted) == 2
    assert statuses(event) == ["confirmed", "confirmed", "confirmed", "waitlisted"]


def test_removing_the_limit_promotes_everyone(app):
    event = make_event(capacity=1)
    for number in range(3):
        sign_up(event, number)
    service.update_event_settings(event, {"capacity": None})
    assert statuses(event) == ["confirmed"] * 3


def test_approval_events_hold_registrations_pending(app):
    event = make_event(requires_approval=True, capacity=1)
    organiser = make_staff(event, "organiser")
    first, second = sign_up(event, 0), sign_up(event, 1)
    assert statuses(event) == ["pending", "pending"]
    assert "look at your registration" in db.session.scalars(select(OutboxMessage.body)).first()

    service.approve(first, organiser)
    service.approve(second, organiser)

    assert statuses(event) == ["confirmed", "waitlisted"]
    assert mails_to(first)[-1].endswith("is approved")
    approval = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "approved", AuditEntry.registration_id == first.id
        )
    ).one()
    assert approval.staff_user_id == organiser.id
    with pytest.raises(service.NotAllowed):
        service.approve(first, organiser)


def test_rejection_mails_the_reason_and_frees_the_place(app):
    event = make_event(capacity=1)
    organiser = make_staff(event, "organiser")
    first, _second = sign_up(event, 0), sign_up(event, 1)

    service.reject(first, "The mayors' forum is for city representatives only.", organiser)

    assert statuses(event) == ["rejected", "confirmed"]
    assert first.status_reason.startswith("The mayors' forum")
    body = db.session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.recipient == first.email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert "Reason: The mayors' forum is for city representatives only." in body


def test_mail_goes_out_in_the_delegates_language(app):
    event = make_event()
    registration = sign_up(event, 0, preferred_locale="es")
    [subject] = mails_to(registration)
    assert "Your registration" not in subject


def test_registration_outside_the_window_is_refused(app):
    from datetime import UTC, datetime, timedelta

    event = make_event(registration_opens_at=datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(service.RegistrationClosed):
        sign_up(event, 0)
    assert statuses(event) == []


def test_simultaneous_registrations_never_exceed_capacity(app, run_in_threads):
    """Twelve delegates press "Register" at once for the last three places."""
    event = make_event(capacity=3)
    url = f"/e/{event.slug}/register"

    def register_one(number):
        browser = app.test_client()
        form = form_fields(browser, url) | delegate_details(email=f"rush{number}@city.example")
        return browser.post(url, data=form).status_code

    assert run_in_threads(12, register_one) == [303] * 12
    assert sorted(statuses(event)) == ["confirmed"] * 3 + ["waitlisted"] * 9
    waiting = db.session.scalars(
        select(Registration).where(Registration.status == "waitlisted")
    ).all()
    in_line = sorted(waiting, key=service.waitlist_position)
    assert [r.id for r in in_line] == sorted(r.id for r in waiting)  # order of acceptance


def test_simultaneous_cancellations_promote_each_waiting_delegate_once(app, run_in_threads):
    event = make_event(capacity=4)
    people = [sign_up(event, number) for number in range(8)]
    ids = [person.id for person in people[:4]]

    def cancel(index):
        with app.app_context():
            service.cancel(db.session.get(Registration, ids[index]))

    run_in_threads(4, cancel)

    assert statuses(event) == ["cancelled"] * 4 + ["confirmed"] * 4
    promotions = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "promoted")).all()
    assert len(promotions) == 4


def test_control_without_the_lock_the_same_rush_overbooks(app, run_in_threads, monkeypatch):
    """Shows that the rush above is a real test: with the lock switched off, reading
    the count and then writing lets several requests take the same place."""
    monkeypatch.setattr(service, "lock_event", lambda event_id: None)
    overbooked = []
    for attempt in range(3):  # a race: give it a few chances to show
        event = make_event(slug=f"control-{attempt}", capacity=3)
        url = f"/e/{event.slug}/register"

        def register_one(number, url=url):
            browser = app.test_client()
            form = form_fields(browser, url) | delegate_details(email=f"rush{number}@city.example")
            return browser.post(url, data=form).status_code

        run_in_threads(12, register_one)
        overbooked.append(statuses(event).count("confirmed") > 3)
        if overbooked[-1]:
            break
    assert any(overbooked)
