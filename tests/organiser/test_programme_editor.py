"""The organisers' programme editor, through the pages: tracks, rooms and sessions,
times entered at the venue's clock, warnings, refusals and the delegates' e-mails."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from confreg.events import enrolment
from confreg.events.models import Enrolment, ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.mail import OutboxMessage
from tests.conftest import form_fields, log_in, make_event, make_staff
from tests.events.test_enrolment import NINE, delegate, programme_session


@pytest.fixture
def event(app):
    return make_event(name={"en": "Learning Cities Test Conference", "es": "Conferencia de prueba"})


@pytest.fixture
def organiser(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    return client


def send(client, url: str, follow_redirects: bool = False, **data):
    return client.post(url, data=form_fields(client, url) | data, follow_redirects=follow_redirects)


def session_form(**overrides) -> dict:
    values = {
        "title_en": "Learning cities in Africa",
        "title_es": "",
        "title_fa": "",
        "description_en": "",
        "track": "",
        "room": "",
        "day": "2031-05-06",
        "starts": "09:00",
        "ends": "10:30",
        "capacity": "",
        "eligibility": "all",
        "languages": "en, es",
        "interpreted_into": "",
    }
    return values | overrides


def the_session() -> ProgrammeSession:
    db.session.expire_all()
    return db.session.scalars(select(ProgrammeSession)).one()


def page_of(response) -> str:
    return response.get_data(as_text=True)


# --- tracks ------------------------------------------------------------------------


def test_organiser_adds_a_track_with_names_in_several_languages(organiser, event):
    url = f"/organiser/{event.slug}/programme/tracks/new"
    response = send(
        organiser, url, follow_redirects=True, name_en="Plenary", name_es="Plenaria", name_fa="",
        kind="plenary", colour="#1B4F72",
    )  # fmt: skip

    assert "Track added." in page_of(response)
    assert "Plenary" in page_of(response)
    track = db.session.scalars(select(Track)).one()
    assert (track.name, track.kind, track.colour) == (
        {"en": "Plenary", "es": "Plenaria"},
        "plenary",
        "#1b4f72",
    )


def test_a_track_needs_its_name_in_the_event_language_a_known_kind_and_a_colour(organiser, event):
    url = f"/organiser/{event.slug}/programme/tracks/new"
    response = send(organiser, url, name_es="Plenaria", kind="party", colour="blue")

    assert response.status_code == 400
    page = page_of(response)
    assert "Enter the track&#39;s name in English, the event&#39;s main language." in page
    assert "Choose a kind from the list." in page
    assert "Give the colour as # and six hexadecimal digits, e.g. #1b4f72." in page
    assert db.session.scalars(select(Track)).all() == []


def test_organiser_edits_reorders_and_deletes_tracks(organiser, event):
    for name in ("Plenary", "Africa", "Arab States"):
        send(
            organiser, f"/organiser/{event.slug}/programme/tracks/new", name_en=name,
            kind="regional", colour="#123456",
        )  # fmt: skip
    plenary, africa, arab = db.session.scalars(select(Track).order_by(Track.position)).all()
    base = f"/organiser/{event.slug}/programme/tracks"

    send(organiser, f"{base}/{arab.id}/up")
    send(organiser, f"{base}/{plenary.id}/down")
    overview = page_of(organiser.get(f"/organiser/{event.slug}/programme"))
    assert overview.index("Arab States") < overview.index("Plenary") < overview.index("Africa")

    send(
        organiser, f"{base}/{plenary.id}", name_en="Opening plenary", kind="plenary",
        colour="#654321",
    )  # fmt: skip
    response = send(organiser, f"{base}/{africa.id}/delete", follow_redirects=True)
    assert "Track Africa deleted; its sessions have no track now." in page_of(response)
    db.session.expire_all()
    tracks = db.session.scalars(select(Track).order_by(Track.position))
    assert [(t.name["en"], t.position) for t in tracks] == [
        ("Arab States", 0),
        ("Opening plenary", 1),
    ]


def test_the_track_form_is_filled_with_the_saved_track(organiser, event):
    track = Track(
        event=event, kind="thematic", name={"en": "Health", "es": "Salud"}, colour="#abcdef"
    )
    db.session.add(track)
    db.session.commit()
    page = page_of(organiser.get(f"/organiser/{event.slug}/programme/tracks/{track.id}"))
    assert 'value="Salud"' in page
    assert 'value="#abcdef"' in page
    assert '<option selected value="thematic">' in page


# --- rooms -------------------------------------------------------------------------


def test_organiser_adds_edits_and_deletes_rooms(organiser, event):
    base = f"/organiser/{event.slug}/programme/rooms"
    response = send(organiser, f"{base}/new", name="Main hall", capacity="0")
    assert response.status_code == 400
    assert "Enter a number from 1 to 1,000,000." in page_of(response)

    send(organiser, f"{base}/new", name="Main hall", capacity="1200")
    room = db.session.scalars(select(Room)).one()
    send(organiser, f"{base}/{room.id}", name="Salón A", capacity="150")
    db.session.expire_all()
    assert (room.name, room.capacity) == ("Salón A", 150)

    session = programme_session(event, room_id=room.id)
    response = send(organiser, f"{base}/{room.id}/delete", follow_redirects=True)
    assert "Room Salón A deleted; its sessions have no room now." in page_of(response)
    assert db.session.scalars(select(Room)).all() == []
    assert db.session.get(ProgrammeSession, session.id).room_id is None


def test_a_room_cannot_shrink_below_the_delegates_seated_there(organiser, event):
    room = Room(event=event, name="Salón A", capacity=10)
    db.session.add(room)
    db.session.commit()
    session = programme_session(event, room_id=room.id, title="Water")
    for number in range(3):
        enrolment.enrol(delegate(event, number), session)

    response = send(
        organiser,
        f"/organiser/{event.slug}/programme/rooms/{room.id}",
        name="Salón B",
        capacity="2",
    )

    assert response.status_code == 400
    assert "3 delegates are seated in Water already" in page_of(response)
    db.session.expire_all()
    assert (room.name, room.capacity) == ("Salón A", 10)


# --- sessions ----------------------------------------------------------------------


def test_times_are_entered_at_the_venue_clock_and_stored_in_utc(organiser, app):
    event = make_event(
        slug="iclc-2015", timezone="America/Mexico_City", starts_on=date(2015, 9, 28),
        ends_on=date(2015, 9, 30),
    )  # fmt: skip
    make_staff(event, "organiser", "mexico@staff.example")
    log_in(organiser, "mexico@staff.example")
    track = Track(event=event, kind="plenary", name={"en": "Plenary"})
    room = Room(event=event, name="Main hall", capacity=1200)
    db.session.add_all([track, room])
    db.session.commit()

    response = send(
        organiser, f"/organiser/{event.slug}/programme/sessions/new", follow_redirects=True,
        **session_form(
            title_es="Ceremonia de apertura", title_en="Opening ceremony", day="2015-09-28",
            starts="09:00", ends="10:30", track=str(track.id), room=str(room.id),
            description_en="Welcome.", eligibility="categories",
            categories=["mayor", "deputy_mayor"], interpreted_into="fr, ar, zh",
        ),
    )  # fmt: skip

    assert "Session added." in page_of(response)
    session = the_session()
    assert session.starts_at == datetime(2015, 9, 28, 14, 0, tzinfo=UTC)  # 09:00 CDT
    assert session.ends_at == datetime(2015, 9, 28, 15, 30, tzinfo=UTC)
    assert session.title == {"en": "Opening ceremony", "es": "Ceremonia de apertura"}
    assert session.description == {"en": "Welcome."}
    assert (session.track_id, session.room_id, session.capacity) == (track.id, room.id, None)
    assert session.eligible_categories == ["mayor", "deputy_mayor"]
    assert not session.by_invitation
    assert (session.languages, session.interpreted_into) == (["en", "es"], ["fr", "ar", "zh"])
    # shown back at the venue's clock
    page = page_of(organiser.get(f"/organiser/{event.slug}/programme/sessions/{session.id}"))
    assert 'value="09:00"' in page and 'value="10:30"' in page and 'value="2015-09-28"' in page


def test_overview_lists_sessions_by_day_with_seats_and_sign_ups(organiser, event):
    room = Room(event=event, name="Salón A", capacity=150)
    db.session.add(room)
    db.session.commit()
    session = programme_session(event, room_id=room.id, title="Water and cities")
    programme_session(event, start=datetime(2031, 5, 7, 7, 0, tzinfo=UTC), title="Day two")
    for number in range(2):
        enrolment.enrol(delegate(event, number), session)

    page = page_of(organiser.get(f"/organiser/{event.slug}/programme"))

    assert "Tuesday, May 6, 2031" in page and "Wednesday, May 7, 2031" in page
    assert page.index("Water and cities") < page.index("Day two")
    assert "9:00\u202fAM–10:30\u202fAM" in page
    assert "2 seated, 0 waiting" in page
    assert "All times: Slovenia Time." in page


def test_session_form_says_what_is_wrong(organiser, event):
    response = send(
        organiser, f"/organiser/{event.slug}/programme/sessions/new",
        **session_form(
            title_en="", title_es="Solo en español", starts="11:00", ends="10:00",
            eligibility="categories", languages="en, klingon", capacity="0",
        ),
    )  # fmt: skip

    assert response.status_code == 400
    page = page_of(response)
    assert "Enter the title in English, the event&#39;s main language." in page
    assert "The session must end after it starts." in page
    assert "Tick at least one category, or admit every delegate." in page
    assert "klingon is not a language code. Use codes such as en, es, fr." in page
    assert "Enter a number from 1 to 1,000,000." in page
    assert db.session.scalars(select(ProgrammeSession)).all() == []


def test_a_time_skipped_when_the_clocks_go_forward_is_refused(organiser, event):
    # Europe/Ljubljana goes from 02:00 to 03:00 on 30 March 2031.
    response = send(
        organiser, f"/organiser/{event.slug}/programme/sessions/new",
        **session_form(day="2031-03-30", starts="02:30", ends="04:00"),
    )  # fmt: skip
    assert response.status_code == 400
    assert "This time does not exist on that day: the clocks are put forward." in page_of(response)


def test_room_clash_and_dates_outside_the_event_are_warnings_not_refusals(organiser, event):
    room = Room(event=event, name="Salón A", capacity=150)
    db.session.add(room)
    db.session.commit()
    water = programme_session(event, room_id=room.id, title="Water and cities")  # 09:00–10:30

    response = send(
        organiser, f"/organiser/{event.slug}/programme/sessions/new", follow_redirects=True,
        **session_form(room=str(room.id), day="2031-05-09", starts="10:00", ends="11:00"),
    )  # fmt: skip
    assert "Session added." in page_of(response)
    assert "The session lies outside the event&#39;s dates." in page_of(response)

    new = db.session.scalars(select(ProgrammeSession).where(ProgrammeSession.id != water.id)).one()
    response = send(
        organiser, f"/organiser/{event.slug}/programme/sessions/{new.id}", follow_redirects=True,
        **session_form(room=str(room.id), day="2031-05-06", starts="10:00", ends="11:00"),
    )  # fmt: skip
    page = page_of(response)
    assert "Session saved." in page
    assert "Salón A is also used by Water and cities from" in page
    assert "outside the event" not in page

    editor = page_of(organiser.get(f"/organiser/{event.slug}/programme/sessions/{new.id}"))
    assert "Salón A is also used by Water and cities from" in editor


def test_fewer_seats_than_delegates_seated_is_refused_with_nothing_changed(organiser, event):
    session = programme_session(event, seats=5, title="Water and cities")
    for number in range(3):
        enrolment.enrol(delegate(event, number), session)

    response = send(
        organiser, f"/organiser/{event.slug}/programme/sessions/{session.id}",
        **session_form(title_en="Renamed", capacity="2", starts="12:00", ends="13:00"),
    )  # fmt: skip

    assert response.status_code == 400
    assert (
        "3 delegates are seated in Water and cities already: the number of seats cannot be "
        "lower. Nothing was changed."
    ) in page_of(response)
    unchanged = the_session()
    assert (unchanged.title, unchanged.capacity, unchanged.starts_at) == (
        {"en": "Water and cities"},
        5,
        NINE,
    )
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_new_time_is_mailed_to_each_delegate_in_their_own_language(organiser, event):
    session = programme_session(event, seats=1, title="Water and cities")
    english, spanish, unconcerned = delegate(event, 0), delegate(event, 1), delegate(event, 2)
    spanish.preferred_locale = "es"
    db.session.commit()
    enrolment.enrol(english, session)
    enrolment.enrol(spanish, session)  # waiting list

    url = f"/organiser/{event.slug}/programme/sessions/{session.id}"
    response = send(
        organiser, url, follow_redirects=True,
        **session_form(
            title_en="Water and cities", capacity="1", day="2031-05-07", starts="14:00",
            ends="15:30",
        ),
    )  # fmt: skip

    assert "The session has a new time: 2 delegates are being told by e-mail." in page_of(response)
    moved = the_session()
    assert moved.starts_at == datetime(2031, 5, 7, 12, 0, tzinfo=UTC)
    assert moved.sequence == 1
    mails = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(mails) == {english.email, spanish.email}
    assert unconcerned.email not in mails
    assert mails[english.email].subject == (
        "Learning Cities Test Conference: new time for Water and cities"
    )
    assert "Wednesday, May 7, 2031, from 2:00\u202fPM to 3:30\u202fPM" in mails[english.email].body
    assert "Conferencia de prueba" in mails[spanish.email].subject
    assert mails[spanish.email].subject != mails[english.email].subject
    assert "miércoles, 7 de mayo de 2031" in mails[spanish.email].body


def test_saving_without_a_new_time_tells_nobody(organiser, event):
    session = programme_session(event, title="Water and cities")
    enrolment.enrol(delegate(event, 0), session)
    send(
        organiser, f"/organiser/{event.slug}/programme/sessions/{session.id}",
        **session_form(title_en="Water and cities", capacity="40"),
    )  # fmt: skip
    assert the_session().capacity == 40
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_deleting_a_session_with_delegates_asks_first_then_tells_them(organiser, event):
    session = programme_session(event, seats=1, title="Water and cities")
    english, spanish = delegate(event, 0), delegate(event, 1)
    spanish.preferred_locale = "es"
    db.session.commit()
    enrolment.enrol(english, session)
    enrolment.enrol(spanish, session)
    url = f"/organiser/{event.slug}/programme/sessions/{session.id}/delete"

    page = page_of(organiser.get(url))
    assert "1 delegate is seated." in page
    assert "1 delegate is on the waiting list." in page
    assert db.session.get(ProgrammeSession, session.id) is not None
    assert db.session.scalars(select(OutboxMessage)).all() == []

    response = send(organiser, url, follow_redirects=True)

    assert "Water and cities deleted. 2 delegates are being told by e-mail." in page_of(response)
    assert db.session.scalars(select(ProgrammeSession)).all() == []
    assert db.session.scalars(select(Enrolment)).all() == []
    mails = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(mails) == {english.email, spanish.email}
    assert mails[english.email].subject == (
        "Learning Cities Test Conference: Water and cities is cancelled"
    )
    assert "Conferencia de prueba" in mails[spanish.email].subject
    assert "Your personal link" in mails[english.email].body


def test_a_session_nobody_signed_up_for_is_deleted_after_the_same_question(organiser, event):
    session = programme_session(event, title="Water and cities")
    url = f"/organiser/{event.slug}/programme/sessions/{session.id}/delete"

    assert "Nobody is signed up for this session." in page_of(organiser.get(url))
    response = send(organiser, url, follow_redirects=True)

    assert "Water and cities deleted. 0 delegates are being told by e-mail." in page_of(response)
    assert db.session.scalars(select(ProgrammeSession)).all() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_sessions_of_another_event_are_not_found(organiser, event):
    other = make_event(slug="another-conference")
    session = programme_session(other)
    track = Track(event=other, kind="plenary", name={"en": "Plenary"})
    db.session.add(track)
    db.session.commit()
    base = f"/organiser/{event.slug}/programme"
    assert organiser.get(f"{base}/sessions/{session.id}").status_code == 404
    assert organiser.get(f"{base}/sessions/{session.id}/delete").status_code == 404
    assert organiser.get(f"{base}/tracks/{track.id}").status_code == 404


def test_the_organiser_menu_links_to_the_programme(organiser, event):
    page = page_of(organiser.get(f"/organiser/{event.slug}/"))
    assert f'href="/organiser/{event.slug}/programme"' in page


def test_every_track_kind_has_a_label():
    from confreg.events.models import TRACK_KINDS
    from confreg.organiser.programme_forms import TRACK_KIND_LABELS

    assert tuple(TRACK_KIND_LABELS) == TRACK_KINDS
