"""The programme and a delegate's agenda as iCalendar (RFC 5545), read back with icalendar."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from confreg.events import calendar, enrolment
from confreg.events.models import ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.registration.models import Registration
from tests.conftest import make_event, register

NINE_IN_MEXICO = datetime(2015, 9, 28, 14, 0, tzinfo=UTC)


def mexico(**event_values):
    """An event in Mexico City: an opening at 09:00 local time with a track and a room,
    and a forum with an English title only."""
    event = make_event(
        slug="iclc", timezone="America/Mexico_City", name={"en": "ICLC", "es": "CICA"},
        **event_values,
    )  # fmt: skip
    track = Track(event=event, kind="plenary", name={"en": "Plenary", "es": "Plenaria"})
    room = Room(event=event, name="Main hall", capacity=200)
    opening = ProgrammeSession(
        event=event, track=track, room=room, title={"en": "Opening", "es": "Apertura"},
        description={"en": "Welcome by the mayor."}, starts_at=NINE_IN_MEXICO,
        ends_at=NINE_IN_MEXICO + timedelta(minutes=90), sequence=3,
    )  # fmt: skip
    forum = ProgrammeSession(
        event=event, title={"en": "Mayors' forum"}, starts_at=NINE_IN_MEXICO + timedelta(hours=3),
        ends_at=NINE_IN_MEXICO + timedelta(hours=4),
    )  # fmt: skip
    db.session.add_all([track, room, opening, forum])
    db.session.commit()
    return event, opening, forum


def programme(event, locale="en") -> Calendar:
    return Calendar.from_ical(
        calendar.programme_calendar(event, calendar.programme_sessions(event), locale)
    )


def entry_for(parsed: Calendar, session: ProgrammeSession):
    uid = f"session-{session.id}@iclc.confreg"
    return next(entry for entry in parsed.walk("VEVENT") if entry["UID"] == uid)


def test_calendar_names_itself_and_carries_the_event_zone_before_its_sessions(app):
    event, _opening, _forum = mexico()

    parsed = programme(event, "es")

    assert parsed["VERSION"] == "2.0"
    assert parsed["PRODID"] == "-//confreg//programme//EN"
    assert parsed["CALSCALE"] == "GREGORIAN"
    assert parsed["X-WR-CALNAME"] == "CICA"
    assert [zone["TZID"] for zone in parsed.walk("VTIMEZONE")] == ["America/Mexico_City"]
    kinds = [component.name for component in parsed.subcomponents]
    assert kinds == ["VTIMEZONE", "VEVENT", "VEVENT"]


def test_session_at_nine_in_mexico_city_keeps_its_local_time_and_zone(app):
    event, opening, _forum = mexico()

    body = calendar.programme_calendar(event, [opening], "en").decode()
    entry = entry_for(Calendar.from_ical(body), opening)

    assert "DTSTART;TZID=America/Mexico_City:20150928T090000" in body.splitlines()
    assert "DTEND;TZID=America/Mexico_City:20150928T103000" in body.splitlines()
    assert entry["DTSTART"].params["TZID"] == "America/Mexico_City"
    start = entry.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 0, "America/Mexico_City")
    assert start == NINE_IN_MEXICO


def test_uids_stay_the_same_from_one_download_to_the_next(app):
    event, opening, forum = mexico()

    first = [entry["UID"] for entry in programme(event).walk("VEVENT")]
    again = [entry["UID"] for entry in programme(event, "es").walk("VEVENT")]

    expected = [f"session-{opening.id}@iclc.confreg", f"session-{forum.id}@iclc.confreg"]
    assert first == again == expected
    assert all(entry.decoded("DTSTAMP").tzinfo for entry in programme(event).walk("VEVENT"))


def test_sequence_and_last_modified_follow_the_session(app):
    event, opening, _forum = mexico()
    assert int(entry_for(programme(event), opening)["SEQUENCE"]) == 3

    opening.sequence += 1
    opening.starts_at += timedelta(hours=1)
    db.session.commit()

    entry = entry_for(programme(event), opening)
    assert int(entry["SEQUENCE"]) == 4
    assert entry.decoded("LAST-MODIFIED") == opening.updated_at.replace(microsecond=0)
    assert entry.decoded("DTSTART").hour == 10


def test_texts_come_in_the_asked_language_with_the_event_default_behind_them(app):
    event, opening, forum = mexico()

    spanish = programme(event, "es")
    assert entry_for(spanish, opening)["SUMMARY"] == "Apertura"
    assert entry_for(spanish, opening)["DESCRIPTION"] == "Welcome by the mayor."
    assert entry_for(spanish, opening)["LOCATION"] == "Main hall"
    assert entry_for(spanish, opening)["CATEGORIES"].cats == ["Plenaria"]
    assert entry_for(spanish, forum)["SUMMARY"] == "Mayors' forum"
    assert "LOCATION" not in entry_for(spanish, forum)

    event.default_locale = "es"
    db.session.commit()
    persian = programme(event, "fa")
    assert persian["X-WR-CALNAME"] == "CICA"
    assert entry_for(persian, opening)["SUMMARY"] == "Apertura"


def test_agenda_holds_the_delegates_own_sessions_confirmed_or_tentative(client, app):
    event, opening, forum = mexico()
    visit = ProgrammeSession(
        event=event, title={"en": "Study visit"}, capacity=1,
        starts_at=NINE_IN_MEXICO + timedelta(hours=5), ends_at=NINE_IN_MEXICO + timedelta(hours=8),
    )  # fmt: skip
    db.session.add(visit)
    db.session.commit()
    register(client, event, email="first@city.example")
    register(client, event, email="second@city.example", preferred_locale="es")
    first, second = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    enrolment.enrol(first, visit)
    enrolment.enrol(first, forum)
    enrolment.enrol(second, opening)
    enrolment.enrol(second, visit)

    agenda = Calendar.from_ical(
        calendar.agenda_calendar(second, calendar.agenda_enrolments(second), "es")
    )

    entries = [(entry["SUMMARY"], entry["STATUS"]) for entry in agenda.walk("VEVENT")]
    assert entries == [("Apertura", "CONFIRMED"), ("Study visit", "TENTATIVE")]
    assert [zone["TZID"] for zone in agenda.walk("VTIMEZONE")] == ["America/Mexico_City"]
