"""Downloading the programme as iCalendar and JSON, and a delegate's own agenda."""

import time
from datetime import timedelta

from icalendar import Calendar
from itsdangerous import TimestampSigner
from sqlalchemy import event as sa_event
from sqlalchemy import select

from confreg.events import enrolment
from confreg.events.models import ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.registration import links
from confreg.registration.models import Registration
from tests.events.test_calendar import NINE_IN_MEXICO, mexico
from tests.registration.test_programme_choice import personal_page


def summaries(response) -> list[str]:
    return [str(entry["SUMMARY"]) for entry in Calendar.from_ical(response.data).walk("VEVENT")]


def add_sessions(event, count: int) -> None:
    """Sessions each with a track and a room of their own, so that loading them one by
    one would show in the number of queries."""
    for number in range(count):
        start = NINE_IN_MEXICO + timedelta(days=1, hours=number % 8)
        db.session.add(
            ProgrammeSession(
                event=event, title={"en": f"Workshop {number}"},
                track=Track(event=event, kind="thematic", name={"en": f"Theme {number}"}),
                room=Room(event=event, name=f"Room {number}", capacity=20),
                starts_at=start, ends_at=start + timedelta(hours=1),
            )
        )  # fmt: skip
    db.session.commit()


def test_programme_calendar_downloads_in_the_asked_or_the_visitors_language(client, app):
    mexico()

    response = client.get("/e/iclc/programme.ics?lang=es")

    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="iclc-programme.ics"'
    assert summaries(response) == ["Apertura", "Mayors' forum"]
    spanish_visitor = {"Accept-Language": "es"}
    unknown_language = client.get("/e/iclc/programme.ics?lang=xx", headers=spanish_visitor)
    assert summaries(unknown_language)[0] == "Apertura"
    english = client.get("/e/iclc/programme.ics", headers={"Accept-Language": "en"})
    assert summaries(english)[0] == "Opening"


def test_programme_json_gives_every_language_both_clocks_and_who_may_come(client, app):
    event, opening, forum = mexico()
    forum.eligible_categories = ["mayor"]
    opening.languages, opening.interpreted_into = ["es"], ["en", "fa"]
    closing = ProgrammeSession(
        event=event, title={"en": "Closing dinner"}, by_invitation=True, capacity=40,
        starts_at=NINE_IN_MEXICO + timedelta(hours=10),
        ends_at=NINE_IN_MEXICO + timedelta(hours=12),
    )  # fmt: skip
    db.session.add(closing)
    db.session.commit()

    response = client.get("/e/iclc/programme.json")

    assert response.status_code == 200
    assert response.content_type == "application/json"
    data = response.get_json()
    assert data["event"] == {
        "slug": "iclc",
        "name": {"en": "ICLC", "es": "CICA"},
        "timezone": "America/Mexico_City",
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
    }
    track, room = opening.track, opening.room
    assert data["tracks"] == [
        {"id": track.id, "kind": "plenary", "name": {"en": "Plenary", "es": "Plenaria"},
         "colour": track.colour}
    ]  # fmt: skip
    assert data["rooms"] == [{"id": room.id, "name": "Main hall", "capacity": 200}]
    first, second, third = data["sessions"]
    assert first == {
        "id": opening.id,
        "track_id": track.id,
        "room_id": room.id,
        "title": {"en": "Opening", "es": "Apertura"},
        "description": {"en": "Welcome by the mayor."},
        "starts_at": "2015-09-28T09:00:00-05:00",
        "ends_at": "2015-09-28T10:30:00-05:00",
        "starts_at_utc": "2015-09-28T14:00:00Z",
        "ends_at_utc": "2015-09-28T15:30:00Z",
        "seats": 200,
        "languages": ["es"],
        "interpreted_into": ["en", "fa"],
        "eligibility": {"open": True},
    }
    assert (second["id"], second["eligibility"], second["seats"]) == (
        forum.id,
        {"categories": ["mayor"]},
        None,
    )
    assert (third["id"], third["eligibility"], third["seats"]) == (
        closing.id,
        {"by_invitation": True},
        40,
    )


def test_programme_json_takes_the_same_queries_for_3_or_30_sessions(client, app):
    event, _opening, _forum = mexico()

    def queries_for_download() -> tuple[int, int]:
        statements = []

        def count(*args):
            statements.append(args[2])

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get("/e/iclc/programme.json")
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        return len(response.get_json()["sessions"]), len(statements)

    add_sessions(event, 1)
    sessions, few = queries_for_download()
    assert sessions == 3
    add_sessions(event, 27)
    assert queries_for_download() == (30, few)


def test_exports_of_an_unknown_event_are_not_found(client, app):
    assert client.get("/e/nowhere/programme.ics").status_code == 404
    assert client.get("/e/nowhere/programme.json").status_code == 404


def test_agenda_downloads_from_the_personal_link(client, app):
    event, opening, _forum = mexico()
    path = personal_page(client, event, preferred_locale="es")
    enrolment.enrol(db.session.scalars(select(Registration)).one(), opening)

    response = client.get(f"{path}/agenda.ics")

    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="iclc-my-sessions.ics"'
    assert summaries(response) == ["Apertura"]


def test_agenda_behind_a_bad_or_expired_link_is_refused_as_the_personal_page_is(
    client, app, monkeypatch
):
    event, _opening, _forum = mexico()
    path = personal_page(client, event)
    registration = db.session.scalars(select(Registration)).one()

    assert client.get(f"{path}x/agenda.ics").status_code == 404
    days = app.config["MANAGE_LINK_MAX_AGE_DAYS"]
    long_ago = int(time.time()) - (days + 1) * 86400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: long_ago)
    expired = links.manage_token(registration)
    monkeypatch.undo()
    response = client.get(f"/e/iclc/manage/{expired}/agenda.ics")
    assert response.status_code == 410
    assert response.content_type.startswith("text/html")


def test_event_and_personal_pages_link_to_the_downloads(client, app):
    event, _opening, _forum = mexico()
    event_page = client.get("/e/iclc/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/e/iclc/programme.ics"' in event_page
    assert 'href="/e/iclc/programme.json"' in event_page

    path = personal_page(client, event)
    personal = client.get(path).get_data(as_text=True)
    assert f'href="{path}/agenda.ics"' in personal
    assert "Add my sessions to my calendar" in personal
