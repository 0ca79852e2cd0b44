"""Registering, the personal link, self-service changes and cancelling, through HTTP."""

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from confreg.audit import AuditEntry
from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.registration.models import Registration
from tests.conftest import delegate_details, form_fields, make_event, register


def registrations() -> list[Registration]:
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def manage_path(message: OutboxMessage) -> str:
    return re.search(r"http://confreg\.test(/e/[^/]+/manage/\S+)", message.body).group(1)


def test_registration_is_stored_confirmed_and_mailed_with_a_personal_link(client, event):
    response = register(client, event)

    assert response.status_code == 303
    assert response.location.endswith(f"/e/{event.slug}/register/thanks")
    [registration] = registrations()
    assert registration.status == "confirmed"
    assert registration.full_name == "Αθανάσιος Καρπουχτσής"
    assert registration.email_key == "a.karpouchtsis@serres.example"
    assert len(registration.public_id) >= 16
    [message] = outbox()
    assert message.recipient == "a.karpouchtsis@serres.example"
    assert message.status == "pending"
    assert "Your place is confirmed" in message.body
    page = client.get(manage_path(message))
    assert page.status_code == 200
    assert "Confirmed" in page.get_data(as_text=True)


def test_thanks_page_names_the_address_written_to(client, event):
    register(client, event)
    page = client.get(f"/e/{event.slug}/register/thanks").get_data(as_text=True)
    assert "a.karpouchtsis@serres.example" in page


def test_sending_the_same_form_twice_creates_one_registration_and_one_mail(client, event):
    url = f"/e/{event.slug}/register"
    form = form_fields(client, url) | delegate_details()

    first = client.post(url, data=form)
    second = client.post(url, data=form)

    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert len(registrations()) == 1
    assert len(outbox()) == 1


def test_simultaneous_copies_of_one_form_create_one_registration(app, event, run_in_threads):
    url = f"/e/{event.slug}/register"
    browser = app.test_client()
    form = form_fields(browser, url) | delegate_details()
    session_cookie = browser.get_cookie("session").value

    def send(_):
        tab = app.test_client()  # the same browser session, another connection
        tab.set_cookie("session", session_cookie)
        return tab.post(url, data=form).status_code

    statuses = run_in_threads(8, send)

    assert statuses == [303] * 8
    assert len(registrations()) == 1
    assert len(outbox()) == 1


def test_registering_an_address_again_sends_its_link_without_saying_so(client, event):
    register(client, event)
    db.session.execute(db.update(Registration).values(manage_link_sent_at=None))
    db.session.commit()

    again = register(client, event, given_name="Someone", family_name="Else")

    assert again.status_code == 303
    assert again.location.endswith("/register/thanks")
    assert len(registrations()) == 1
    reminder = outbox()[-1]
    assert len(outbox()) == 2
    assert "you asked for the link" in reminder.body
    assert "Αθανάσιος" in reminder.body


def test_registration_closed_outside_its_window(client, app):
    from datetime import UTC, datetime

    closed = make_event(registration_closes_at=datetime(2020, 1, 1, tzinfo=UTC))
    page = client.get(f"/e/{closed.slug}/register")
    assert page.status_code == 403
    assert "Registration is closed" in page.get_data(as_text=True)
    assert register(client, closed).status_code == 403
    assert registrations() == []


def test_forged_csrf_token_is_refused_next_to_the_form_with_everything_kept(client, event):
    url = f"/e/{event.slug}/register"
    form = form_fields(client, url) | delegate_details() | {"csrf_token": "forged"}

    response = client.post(url, data=form)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This form has expired or was sent from another site" in page
    assert 'value="Δήμος Σερρών"' in page
    assert registrations() == []


def test_missing_csrf_token_on_a_plain_action_gets_a_clear_page(client):
    response = client.post("/language", data={"locale": "fa", "next": "/"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_tampered_manage_link_is_refused_with_a_way_to_get_a_new_one(client, event):
    register(client, event)
    path = manage_path(outbox()[0])
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")

    for bad in (tampered, f"/e/{event.slug}/manage/not-a-token", path + "x"):
        response = client.get(bad)
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "The link is incomplete or was changed" in page
        assert f"/e/{event.slug}/manage/lost" in page


def test_manage_link_of_one_event_does_not_open_another(client, event):
    other = make_event(slug="other-event")
    register(client, event)
    path = manage_path(outbox()[0]).replace(f"/e/{event.slug}/", f"/e/{other.slug}/")
    assert client.get(path).status_code == 404


def test_expired_manage_link_says_so(client, event, monkeypatch, app):
    register(client, event)
    days = app.config["MANAGE_LINK_MAX_AGE_DAYS"]
    long_ago = int(time.time()) - (days + 1) * 86400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: long_ago)
    db.session.execute(db.update(Registration).values(manage_link_sent_at=None))
    db.session.commit()
    client.post(
        f"/e/{event.slug}/manage/lost",
        data=form_fields(client, f"/e/{event.slug}/manage/lost")
        | {"email": "a.karpouchtsis@serres.example"},
    )
    monkeypatch.undo()

    response = client.get(manage_path(outbox()[-1]))

    assert response.status_code == 410
    assert "this one has" in response.get_data(as_text=True)


def test_delegate_changes_details_and_the_change_is_recorded(client, event):
    register(client, event)
    path = manage_path(outbox()[0])
    form = form_fields(client, path + "/edit") | delegate_details(
        organisation="Municipality of Serres", dietary_needs="Vegetarian\nNo nuts"
    )

    response = client.post(path + "/edit", data=form)

    assert response.status_code == 303
    [registration] = registrations()
    assert registration.organisation == "Municipality of Serres"
    assert registration.dietary_needs == "Vegetarian\nNo nuts"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "updated")).one()
    assert entry.actor == "delegate"
    assert entry.details["changes"]["organisation"] == ["Δήμος Σερρών", "Municipality of Serres"]
    assert "Your changes are saved" in client.get(path).get_data(as_text=True)


def test_passport_details_stay_out_of_the_history(client, event):
    register(client, event)
    path = manage_path(outbox()[0])
    visa = delegate_details(
        needs_visa_letter="y",
        passport_name="KARPOUCHTSIS ATHANASIOS",
        nationality="GR",
        passport_number="ab1234567",
        date_of_birth="1975-03-14",
    )
    client.post(path + "/edit", data=form_fields(client, path + "/edit") | visa)

    [registration] = registrations()
    assert registration.passport_number == "AB1234567"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "updated")).one()
    assert entry.details["changes"]["passport_number"] == ["…", "…"]
    assert "AB1234567" not in str(entry.details)


def test_changing_to_an_address_used_by_another_delegate_is_refused(client, event):
    register(client, event)
    register(client, event, email="other@city.example", given_name="Špela")
    path = manage_path(outbox()[1])
    form = form_fields(client, path + "/edit") | delegate_details(
        email="A.Karpouchtsis@serres.example", given_name="Špela"
    )

    response = client.post(path + "/edit", data=form)

    assert response.status_code == 200
    assert "Another registration for this event uses this address" in response.get_data(
        as_text=True
    )
    assert sorted(r.email for r in registrations()) == [
        "a.karpouchtsis@serres.example",
        "other@city.example",
    ]


def test_delegate_cancels_and_gets_a_confirmation(client, event):
    register(client, event)
    path = manage_path(outbox()[0])
    assert "Yes, cancel" in client.get(path + "/cancel").get_data(as_text=True)

    response = client.post(path + "/cancel", data=form_fields(client, path + "/cancel"))

    assert response.status_code == 303
    assert registrations()[0].status == "cancelled"
    assert "is cancelled" in outbox()[-1].subject
    page = client.get(path).get_data(as_text=True)
    assert "This registration is cancelled" in page
    assert "Change my details" not in page
    assert client.get(path + "/edit").status_code == 303


@pytest.mark.parametrize("known", [True, False])
def test_lost_link_answer_does_not_reveal_whether_an_address_is_registered(client, event, known):
    register(client, event)
    db.session.execute(db.update(Registration).values(manage_link_sent_at=None))
    db.session.commit()
    email = "A.KARPOUCHTSIS@serres.example" if known else "NOBODY@serres.example"
    url = f"/e/{event.slug}/manage/lost"

    response = client.post(url, data=form_fields(client, url) | {"email": email})

    page = response.get_data(as_text=True).replace(email, "ADDRESS")
    assert response.status_code == 200
    assert "If <bdi>ADDRESS</bdi> is registered for this event" in page
    assert len(outbox()) == (2 if known else 1)


def test_lost_link_requests_in_quick_succession_send_one_mail(client, event):
    register(client, event)
    url = f"/e/{event.slug}/manage/lost"
    for _ in range(3):
        client.post(url, data=form_fields(client, url) | {"email": "a.karpouchtsis@serres.example"})
    assert len(outbox()) == 1  # the confirmation itself carried the link a moment ago


def test_unknown_event_is_a_clear_404(client, app):
    response = client.get("/e/no-such-event/register")
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)


def test_personal_link_pages_do_not_leak_the_link_as_a_referrer(client, event):
    register(client, event)
    response = client.get(manage_path(outbox()[0]))
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
