"""The organisers' console: delegate list and search, a delegate's page and history,
decisions, registration settings."""

from markupsafe import escape
from sqlalchemy import event as sa_event
from sqlalchemy import select

from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.registration.models import Registration
from tests.conftest import form_fields, log_in, make_event, make_staff, register


def organiser_client(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    return client


def delegates_page(client, event, **query) -> str:
    return client.get(f"/organiser/{event.slug}/delegates", query_string=query).get_data(
        as_text=True
    )


def register_some(client, event):
    register(client, event)  # Αθανάσιος Καρπουχτσής, Serres
    register(
        client,
        event,
        given_name="Ayşe",
        family_name="Yılmaz",
        latin_given_name="",
        latin_family_name="",
        email="ayse@balikesir.example",
        organisation="Balıkesir Büyükşehir Belediyesi",
        city="Balıkesir",
        country="TR",
    )
    register(
        client,
        event,
        given_name="Олена",
        family_name="Коваленко",
        latin_given_name="",
        latin_family_name="",
        email="olena@melitopol.example",
        organisation="Мелітопольська міська рада",
        city="Melitopol",
        country="UA",
    )


def test_search_ignores_case_accents_and_script(client, event):
    organiser_client(client, event)
    register_some(client, event)
    for query, expected in (
        ("karpouchtsis", "Καρπουχτσής"),  # typed in Latin, from the given transliteration
        ("ΚΑΡΠΟΥΧΤΣΗΣ", "Καρπουχτσής"),  # own script, no accent, upper case
        ("yilmaz", "Yılmaz"),  # dotless ı
        ("AYSE", "Yılmaz"),
        ("kovalenko", "Коваленко"),  # romanised automatically
        ("коваленко", "Коваленко"),
        ("balikesir", "Yılmaz"),  # city
        ("ayse@balikesir", "Yılmaz"),  # e-mail
        ("olena melitopol", "Коваленко"),  # every word must match
    ):
        page = delegates_page(client, event, q=query)
        assert expected in page, query
        assert "1 delegate found." in page, query


def test_search_with_no_match_and_sql_wildcards_finds_nothing(client, event):
    organiser_client(client, event)
    register_some(client, event)
    for query in ("zzz", "коваленко%", "к_валенко", "olena zzz"):
        assert "0 delegates found." in delegates_page(client, event, q=query), query


def test_status_filter(client, event):
    organiser_client(client, event)
    register_some(client, event)
    assert "3 delegates found." in delegates_page(client, event, status="confirmed")
    assert "0 delegates found." in delegates_page(client, event, status="pending")


def test_list_is_paginated_and_takes_a_fixed_number_of_queries(client, event, app, monkeypatch):
    organiser_client(client, event)
    monkeypatch.setitem(app.config, "DELEGATES_PER_PAGE", 2)
    register_some(client, event)
    first = delegates_page(client, event)
    assert "Page 1 of 2" in first
    assert "Next page" in first
    last = delegates_page(client, event, page=2)
    assert "Page 2 of 2" in last
    assert "Previous page" in last
    assert "Page 2 of 2" in delegates_page(client, event, page=99)  # past the end: the last

    queries = []
    engine = db.engine
    count = lambda *args: queries.append(args[2])  # noqa: E731
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        delegates_page(client, event)
        few = len(queries)
        for number in range(6):
            register(client, event, email=f"more{number}@city.example")
        queries.clear()
        monkeypatch.setitem(app.config, "DELEGATES_PER_PAGE", 50)
        delegates_page(client, event)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert len(queries) == few  # the same whether the page shows 2 delegates or 9


def test_delegate_page_shows_details_and_history(client, event):
    organiser_client(client, event)
    register(client, event)
    registration = db.session.scalars(select(Registration)).one()

    page = client.get(f"/organiser/{event.slug}/delegates/{registration.public_id}")

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Αθανάσιος Καρπουχτσής" in text
    assert "a.karpouchtsis@serres.example" in text
    assert "Registered" in text
    assert client.get(f"/organiser/{event.slug}/delegates/unknown").status_code == 404


def test_organiser_rejects_with_a_reason_and_it_is_mailed_and_recorded(client, app):
    event = make_event(requires_approval=True)
    organiser_client(client, event)
    register(client, event)
    registration = db.session.scalars(select(Registration)).one()
    url = f"/organiser/{event.slug}/delegates/{registration.public_id}"

    empty = client.post(f"{url}/reject", data=form_fields(client, url) | {"reason": "  "})
    assert empty.status_code == 400
    assert "Say why" in empty.get_data(as_text=True)

    reason = "Places at the mayors' forum are for city representatives."
    client.post(f"{url}/reject", data=form_fields(client, url) | {"reason": reason})

    assert db.session.scalars(select(Registration.status)).one() == "rejected"
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert reason in mail.body
    history = client.get(url).get_data(as_text=True)
    assert "organiser@staff.example" in history
    assert escape(reason) in history


def test_organiser_approves_a_pending_registration(client, app):
    event = make_event(requires_approval=True)
    organiser_client(client, event)
    register(client, event)
    registration = db.session.scalars(select(Registration)).one()
    url = f"/organiser/{event.slug}/delegates/{registration.public_id}"

    response = client.post(f"{url}/approve", data=form_fields(client, url))

    assert response.status_code == 303
    assert db.session.scalars(select(Registration.status)).one() == "confirmed"
    page = client.get(url).get_data(as_text=True)
    assert "Approved: Confirmed." in page
    again = client.post(f"{url}/approve", data=form_fields(client, url), follow_redirects=True)
    assert "Only a pending registration can be approved." in again.get_data(as_text=True)


def test_settings_change_capacity_and_window_in_the_event_zone(client, app):
    event = make_event(capacity=1)
    organiser_client(client, event)
    register(client, event)
    register(client, event, email="second@city.example")
    url = f"/organiser/{event.slug}/settings"
    form = form_fields(client, url) | {
        "capacity": "2",
        "registration_opens_at": "2031-01-10T09:00",
        "registration_closes_at": "2031-04-30T18:00",
    }

    response = client.post(url, data=form, follow_redirects=True)

    assert "1 delegate was given a place from the waiting list." in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.capacity == 2
    assert event.requires_approval is False
    assert event.registration_opens_at.isoformat() == "2031-01-10T08:00:00+00:00"  # CET
    assert event.registration_closes_at.isoformat() == "2031-04-30T16:00:00+00:00"  # CEST
    assert sorted(db.session.scalars(select(Registration.status))) == ["confirmed"] * 2


def test_settings_refuse_bad_values_and_keep_the_old_ones(client, app):
    event = make_event(capacity=10)
    organiser_client(client, event)
    url = f"/organiser/{event.slug}/settings"
    for values, message in (
        ({"capacity": "0"}, "Enter a number from 1 to 1,000,000."),
        ({"capacity": "many"}, ""),
        ({"registration_opens_at": "tomorrow"}, "Enter a date and time."),
        (
            {
                "registration_opens_at": "2031-02-01T09:00",
                "registration_closes_at": "2031-01-01T09:00",
            },
            "Registration must close after it opens.",
        ),
    ):
        response = client.post(url, data=form_fields(client, url) | values)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
        assert 'class="error-summary"' in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.capacity == 10


def test_dashboard_counts_statuses(client, app):
    event = make_event(capacity=1)
    organiser_client(client, event)
    register(client, event)
    register(client, event, email="second@city.example")
    page = client.get(f"/organiser/{event.slug}/").get_data(as_text=True)
    assert "0 places left of 1." in page
    assert "On the waiting list" in page


def test_places_cannot_drop_below_the_confirmed_delegates(client, app):
    event = make_event(capacity=5)
    organiser_client(client, event)
    register(client, event)
    register(client, event, email="second@city.example")
    url = f"/organiser/{event.slug}/settings"

    response = client.post(url, data=form_fields(client, url) | {"capacity": "1"})

    assert response.status_code == 400
    assert "2 delegates are confirmed already" in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.capacity == 5
    assert sorted(db.session.scalars(select(Registration.status))) == ["confirmed"] * 2
