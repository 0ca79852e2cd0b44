"""The public programme: parallel sessions side by side, by day in the event's zone,
filterable by track, with seats left; a fixed number of queries."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import event as sa_event
from sqlalchemy import select

from confreg.events.models import Enrolment, ProgrammeSession, Room, Track
from confreg.extensions import db
from tests.events.test_enrolment import delegate

MONDAY_NINE = datetime(2031, 5, 6, 7, 0, tzinfo=UTC)  # 09:00 in Ljubljana


def build_programme(event, parallel: int = 5, slots: int = 3):
    plenary = Track(
        event=event, kind="plenary", name={"en": "Plenary", "es": "Plenaria"}, colour="#1b4f72"
    )
    regional = Track(
        event=event, kind="regional", name={"en": "Europe", "es": "Europa"}, colour="#2874a6"
    )
    room = Room(event=event, name="Salón A", capacity=40)
    db.session.add_all([plenary, regional, room])
    for slot in range(slots):
        start = MONDAY_NINE + timedelta(hours=2 * slot)
        for number in range(parallel):
            db.session.add(
                ProgrammeSession(
                    event=event, track=regional if number else plenary, room=room,
                    title={"en": f"Session {slot}.{number}", "es": f"Sesión {slot}.{number}"},
                    starts_at=start, ends_at=start + timedelta(minutes=90),
                )
            )  # fmt: skip
    db.session.commit()
    return plenary, regional


def test_parallel_sessions_share_a_time_slot_and_show_seats_left(client, event):
    build_programme(event, parallel=3, slots=2)
    first = db.session.scalars(select(ProgrammeSession).order_by(ProgrammeSession.id)).first()
    db.session.add(
        Enrolment(session_id=first.id, registration_id=delegate(event, 0).id, status="enrolled")
    )
    db.session.commit()

    page = client.get(f"/e/{event.slug}/programme", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )

    assert page.count('class="slot"') == 2
    assert page.count('class="session-card track"') == 6
    assert "Tuesday, May 6, 2031" in page
    assert "9:00\u202fAM" in page  # local time at the venue
    assert "39 seats left" in page
    assert "All times: Slovenia Time." in page


def test_filter_by_track(client, event):
    plenary, _regional = build_programme(event, parallel=3, slots=2)
    page = client.get(f"/e/{event.slug}/programme?track={plenary.id}").get_data(as_text=True)
    assert page.count('class="session-card track"') == 2
    assert 'aria-current="page">Plenary' in page


def test_timetable_in_the_visitors_language(client, event):
    build_programme(event, parallel=1, slots=1)
    page = client.get(f"/e/{event.slug}/programme", headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )
    assert "Sesión 0.0" in page
    assert "Plenaria" in page


def test_queries_do_not_grow_with_the_programme(client, app, event):
    def queries_for_page() -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/e/{event.slug}/programme").status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    build_programme(event, parallel=2, slots=1)
    small = queries_for_page()
    build_programme(event, parallel=10, slots=15)  # 150 sessions more
    assert queries_for_page() == small
