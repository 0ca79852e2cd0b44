"""The programme's rules: track order, refusals that change nothing, warnings, and what
delegates are told when their sessions move or go."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from confreg.events import enrolment
from confreg.events import programme as service
from confreg.events.models import Enrolment, ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.mail import OutboxMessage
from tests.conftest import make_event
from tests.events.test_enrolment import NINE, delegate, programme_session


@pytest.fixture
def event(app):
    return make_event()


def details_of(session: ProgrammeSession, **changes) -> service.SessionDetails:
    values = dict(
        title=session.title, description=session.description, track_id=session.track_id,
        room_id=session.room_id, starts_at=session.starts_at, ends_at=session.ends_at,
        capacity=session.capacity, eligible_categories=session.eligible_categories,
        by_invitation=session.by_invitation, languages=session.languages,
        interpreted_into=session.interpreted_into,
    )  # fmt: skip
    return service.SessionDetails(**(values | changes))


def track_names(event) -> list[str]:
    db.session.expire_all()
    return [
        track.name["en"]
        for track in db.session.scalars(
            select(Track).where(Track.event_id == event.id).order_by(Track.position)
        )
    ]


def mails() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_new_tracks_go_to_the_end_and_move_one_place_at_a_time(event):
    plenary, regional, mayors = (
        service.create_track(event, kind, {"en": name}, "#123456")
        for kind, name in (
            ("plenary", "Plenary"),
            ("regional", "Africa"),
            ("mayors_forum", "Mayors"),
        )
    )
    assert [plenary.position, regional.position, mayors.position] == [0, 1, 2]

    service.move_track(mayors, -1)
    assert track_names(event) == ["Plenary", "Mayors", "Africa"]
    service.move_track(db.session.get(Track, plenary.id), -1)  # already first
    assert track_names(event) == ["Plenary", "Mayors", "Africa"]
    service.move_track(db.session.get(Track, plenary.id), 1)
    assert track_names(event) == ["Mayors", "Plenary", "Africa"]


def test_deleting_a_track_keeps_its_sessions_and_closes_the_gap(event):
    first = service.create_track(event, "plenary", {"en": "Plenary"}, "#123456")
    second = service.create_track(event, "regional", {"en": "Africa"}, "#123456")
    service.create_track(event, "thematic", {"en": "Health"}, "#123456")
    session = programme_session(event, track_id=second.id)

    service.delete_track(db.session.get(Track, second.id))

    assert track_names(event) == ["Plenary", "Health"]
    assert [t.position for t in db.session.scalars(select(Track).order_by(Track.position))] == [
        0,
        1,
    ]
    assert db.session.get(ProgrammeSession, session.id).track_id is None
    assert db.session.get(Track, first.id) is not None


def test_fewer_seats_than_delegates_seated_is_refused_and_nothing_changes(event):
    session = programme_session(event, seats=3, title="Water")
    for number in range(3):
        enrolment.enrol(delegate(event, number), session)

    with pytest.raises(service.CapacityBelowEnrolled) as refused:
        service.update_session(session, details_of(session, capacity=2, title={"en": "Changed"}))

    assert refused.value.enrolled == 3
    db.session.expire_all()
    unchanged = db.session.get(ProgrammeSession, session.id)
    assert (unchanged.capacity, unchanged.title, unchanged.sequence) == (3, {"en": "Water"}, 0)


def test_a_smaller_room_counts_as_fewer_seats(event):
    hall, salon = (
        Room(event=event, name="Hall", capacity=100),
        Room(event=event, name="Salon", capacity=1),
    )
    db.session.add_all([hall, salon])
    db.session.commit()
    session = programme_session(event, room_id=hall.id)
    for number in range(2):
        enrolment.enrol(delegate(event, number), session)

    with pytest.raises(service.CapacityBelowEnrolled):
        service.update_session(session, details_of(session, room_id=salon.id))
    with pytest.raises(service.CapacityBelowEnrolled):
        service.update_room(db.session.get(Room, hall.id), "Hall", 1)
    db.session.expire_all()
    assert db.session.get(ProgrammeSession, session.id).room_id == hall.id
    assert db.session.get(Room, hall.id).capacity == 100


def test_more_seats_go_to_the_waiting_list_in_order(event):
    session = programme_session(event, seats=1)
    first, second, third = (delegate(event, number) for number in range(3))
    for registration in (first, second, third):
        enrolment.enrol(registration, session)

    change = service.update_session(session, details_of(session, capacity=2))

    assert change.promoted == 1
    seated = db.session.scalars(
        select(Enrolment.registration_id).where(Enrolment.status == "enrolled")
    ).all()
    assert sorted(seated) == sorted([first.id, second.id])


def test_a_new_time_is_told_to_everyone_signed_up_and_bumps_the_sequence(event):
    session = programme_session(event, seats=1)
    seated, waiting = delegate(event, 0), delegate(event, 1)
    delegate(event, 2)  # not signed up
    enrolment.enrol(seated, session)
    enrolment.enrol(waiting, session)

    later = NINE + timedelta(hours=2)
    change = service.update_session(
        session, details_of(session, starts_at=later, ends_at=later + timedelta(hours=1))
    )

    assert (change.moved, change.told) == (True, 2)
    assert db.session.get(ProgrammeSession, session.id).sequence == 1
    assert sorted(m.recipient for m in mails()) == sorted([seated.email, waiting.email])
    assert "11:00" in mails()[0].body  # 09:00 UTC is 11:00 in Ljubljana


def test_a_new_title_bumps_the_sequence_without_mail_and_seats_alone_do_not(event):
    session = programme_session(event, seats=10)
    enrolment.enrol(delegate(event, 0), session)

    service.update_session(session, details_of(session, title={"en": "Renamed"}))
    assert db.session.get(ProgrammeSession, session.id).sequence == 1
    service.update_session(session, details_of(session, capacity=20))
    assert db.session.get(ProgrammeSession, session.id).sequence == 1
    assert mails() == []


def test_deleting_a_session_tells_everyone_signed_up_and_frees_their_time(event):
    session = programme_session(event, seats=1, title="Cancelled session")
    seated, waiting = delegate(event, 0), delegate(event, 1)
    enrolment.enrol(seated, session)
    enrolment.enrol(waiting, session)

    told = service.delete_session(session)

    assert told == 2
    assert db.session.scalars(select(ProgrammeSession)).all() == []
    assert db.session.scalars(select(Enrolment)).all() == []
    sent = mails()
    assert sorted(m.recipient for m in sent) == sorted([seated.email, waiting.email])
    assert all("Cancelled session" in m.subject for m in sent)


def test_a_room_used_twice_at_the_same_time_is_a_warning(event):
    hall = Room(event=event, name="Hall", capacity=100)
    db.session.add(hall)
    db.session.commit()
    first = programme_session(event, room_id=hall.id, title="First")
    overlapping = programme_session(event, room_id=hall.id, start=NINE + timedelta(minutes=60))
    after = programme_session(event, room_id=hall.id, start=NINE + timedelta(minutes=90))

    warnings = service.schedule_warnings(first)

    # the session starting as the first one ends is no clash
    assert [(w.code, w.other.id) for w in warnings] == [("room_in_use", overlapping.id)]
    assert [w.other.id for w in service.schedule_warnings(after)] == [overlapping.id]


def test_the_event_dates_are_read_in_the_event_zone(event):
    # The event runs 6–8 May in Ljubljana (UTC+2).
    just_inside = programme_session(event, start=datetime(2031, 5, 5, 23, 0, tzinfo=UTC))
    just_outside = programme_session(event, start=datetime(2031, 5, 8, 22, 30, tzinfo=UTC))

    assert service.schedule_warnings(just_inside) == []
    assert [w.code for w in service.schedule_warnings(just_outside)] == ["outside_event_dates"]


def test_the_overview_takes_the_same_queries_whatever_the_size(event):
    track = Track(event=event, kind="plenary", name={"en": "Plenary"})
    room = Room(event=event, name="Hall", capacity=100)
    db.session.add_all([track, room])
    db.session.commit()

    def queries_for_overview() -> int:
        db.session.expire_all()
        statements = []

        def count(*_args):
            statements.append(1)

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            overview = service.programme_overview(db.session.get(type(event), event.id))
            for _day, sessions in overview.days:
                for session in sessions:
                    _ = (session.display_title, session.track.title, session.room.name)
                    _ = session.seats
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    programme_session(event, track_id=track.id, room_id=room.id)
    one = queries_for_overview()
    for day in range(1, 4):
        session = programme_session(
            event, start=NINE + timedelta(days=day % 2, hours=day), track_id=track.id,
            room_id=room.id,
        )  # fmt: skip
        enrolment.enrol(delegate(event, day), session)
    assert queries_for_overview() == one


def test_overview_groups_sessions_by_their_day_in_the_event_zone(event):
    programme_session(event, start=datetime(2031, 5, 6, 21, 30, tzinfo=UTC), title="Late")
    programme_session(event, start=datetime(2031, 5, 6, 22, 30, tzinfo=UTC), title="After midnight")

    overview = service.programme_overview(event)

    assert [(day, [s.title["en"] for s in sessions]) for day, sessions in overview.days] == [
        (date(2031, 5, 6), ["Late"]),
        (date(2031, 5, 7), ["After midnight"]),
    ]
