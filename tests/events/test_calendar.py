"""The programme for calendars (RFC 5545) and as JSON."""

import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import event as sa_event

from confreg.events import enrolment
from confreg.events.models import ProgrammeSession, Room, Track
from confreg.extensions import db
from tests.conftest import make_event
from tests.registration.test_programme_choice import personal_page

NINE_IN_MEXICO = datetime(2015, 9, 28, 14, 0, tzinfo=UTC)


def mexico(app):
    event = make_event(
        slug="iclc", timezone="America/Mexico_City", name={"en": "ICLC", "es": "CICA"}
    )
    track = Track(event=event, kind="plenary", name={"en": "Plenary", "es": "Plenaria"})
    room = Room(event=event, name="Main hall", capacity=2)
    opening = ProgrammeSession(
        event=event, track=track, room=room, title={"en": "Opening", "es": "Apertura"},
        description={"en": "Welcome by the mayor."}, starts_at=NINE_IN_MEXICO,
        ends_at=NINE_IN_MEXICO + timedelta(minutes=90), sequence=3,
    )  # fmt: skip
    forum = ProgrammeSession(
        event=event, title={"en": "Mayors' forum"}, starts_at=NINE_IN_MEXICO + timedelta(hours=3),
        ends_at=NINE_IN_MEXICO + timedelta(hours=4), eligible_categories=["mayor"],
    )  # fmt: skip
    db.session.add_all([track, room, opening, forum])
    db.session.commit()
    return event, opening, forum


def parsed(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def test_programme_calendar_keeps_local_times_and_its_zone(client, app):
    event, opening, _forum = mexico(app)
    response = client.get(f"/e/{event.slug}/programme.ics?lang=es")

    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = parsed(response.data)
    zones = [zone["TZID"] for zone in calendar.walk("VTIMEZONE")]
    assert zones == ["America/Mexico_City"]
    first = calendar.walk("VEVENT")[0]
    assert first["UID"] == f"session-{opening.id}@iclc.confreg"
    assert first["SUMMARY"] == "Apertura"
    assert first["DESCRIPTION"] == "Welcome by the mayor."  # falls back to English
    assert first["LOCATION"] == "Main hall"
    assert int(first["SEQUENCE"]) == 3
    start = first.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo)) == (9, "America/Mexico_City")
    assert first["DTSTART"].params["TZID"] == "America/Mexico_City"
    again = parsed(client.get(f"/e/{event.slug}/programme.ics").data)
    assert again.walk("VEVENT")[0]["UID"] == first["UID"]  # stable across downloads


def test_personal_agenda_holds_only_the_delegates_sessions(client, app):
    event, opening, forum = mexico(app)
    other = personal_page(client, event, email="other@city.example")
    path = personal_page(client, event)
    from confreg.registration.models import Registration

    registrations = db.session.scalars(db.select(Registration).order_by(Registration.id)).all()
    for person in registrations:
        enrolment.enrol(person, opening)
    opening.capacity = 1
    db.session.commit()
    late = personal_page(client, event, email="late@city.example")
    enrolment.enrol(
        db.session.scalars(db.select(Registration).order_by(Registration.id.desc())).first(),
        opening,
    )

    mine = parsed(client.get(f"{path}/agenda.ics").data).walk("VEVENT")
    assert [entry["SUMMARY"] for entry in mine] == ["Opening"]
    assert mine[0]["STATUS"] == "CONFIRMED"
    waiting = parsed(client.get(f"{late}/agenda.ics").data).walk("VEVENT")
    assert waiting[0]["STATUS"] == "TENTATIVE"
    assert client.get(f"{other}x/agenda.ics").status_code == 404
    assert forum.id not in [int(re.search(r"\d+", str(e["UID"])).group()) for e in mine]


def test_programme_json_shape_and_a_fixed_number_of_queries(client, app):
    event, opening, _forum = mexico(app)

    def fetch():
        statements = []
        count = lambda *args: statements.append(args[2])  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get(f"/e/{event.slug}/programme.json")
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        return response, len(statements)

    response, few = fetch()
    data = response.get_json()
    assert data["event"]["timezone"] == "America/Mexico_City"
    first = data["sessions"][0]
    assert first["title"] == {"en": "Opening", "es": "Apertura"}
    assert first["starts_at"] == "2015-09-28T09:00:00-05:00"
    assert first["starts_at_utc"] == "2015-09-28T14:00:00Z"
    assert first["seats"] == 2
    assert data["sessions"][1]["eligibility"] == {"categories": ["mayor"]}
    assert data["tracks"][0]["name"]["es"] == "Plenaria"

    for number in range(30):
        start = NINE_IN_MEXICO + timedelta(days=1, hours=number % 8)
        db.session.add(
            ProgrammeSession(event=event, track=opening.track, room=opening.room,
                             title={"en": f"Extra {number}"}, starts_at=start,
                             ends_at=start + timedelta(hours=1))
        )  # fmt: skip
    db.session.commit()
    response, many = fetch()
    assert len(response.get_json()["sessions"]) == 32
    assert many == few
