"""Every organiser page and action checks the role, for every route there is."""

import pytest

from tests.conftest import log_in, make_event, make_staff, register


def organiser_routes(app, event, public_id):
    """(method, url) of every route of the organiser blueprint, found in the URL map so
    that a route added later is checked too."""
    from datetime import UTC, datetime

    from confreg.events.models import ProgrammeSession, Room, Track
    from confreg.extensions import db
    from confreg.organiser.models import DelegateImport, Mailing

    mailing = Mailing(event_id=event.id, subject={"en": "News"}, body={"en": "Dear {name},"})
    track = Track(event=event, kind="plenary", name={"en": "Plenary"})
    room = Room(event=event, name="Hall", capacity=10)
    moment = datetime(2031, 5, 6, 7, tzinfo=UTC)
    session = ProgrammeSession(
        event=event, track=track, room=room, title={"en": "Opening"}, starts_at=moment,
        ends_at=moment,
    )  # fmt: skip
    upload = DelegateImport(event_id=event.id, filename="delegates.csv",
                            content=b"E-mail\r\nana@city.example\r\n")  # fmt: skip
    db.session.add_all([track, room, session, mailing, upload])
    db.session.commit()
    values = {
        "slug": event.slug,
        "public_id": public_id,
        "session_id": session.id,
        "track_id": track.id,
        "room_id": room.id,
        "mailing_id": mailing.id,
        "import_id": upload.public_id,
    }
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("organiser."):
            continue
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, url))
    assert len(routes) >= 7
    # Deleting comes last, so that every other route still finds what it works on.
    return sorted(routes, key=lambda route: "/delete" in route[1])


@pytest.fixture
def setting(app, client):
    event = make_event(requires_approval=True)
    register(client, event)
    from sqlalchemy import select

    from confreg.extensions import db
    from confreg.registration.models import Registration

    registration = db.session.scalars(select(Registration)).one()
    return event, registration.public_id


def send(client, method, url):
    if method == "GET":
        return client.get(url)
    from tests.conftest import form_fields

    token = form_fields(client, "/staff/login")["csrf_token"]
    return client.open(url, method=method, data={"csrf_token": token, "reason": "No."})


def test_anonymous_visitors_are_sent_to_log_in(app, client, setting):
    event, public_id = setting
    for method, url in organiser_routes(app, event, public_id):
        response = send(client, method, url)
        assert response.status_code == 302, (method, url)
        assert "/staff/login" in response.location


def test_desk_volunteers_cannot_reach_organiser_pages(app, client, setting):
    event, public_id = setting
    make_staff(event, "desk", "desk@staff.example")
    log_in(client, "desk@staff.example")
    for method, url in organiser_routes(app, event, public_id):
        assert send(client, method, url).status_code == 403, (method, url)


def test_organisers_of_another_event_cannot_reach_this_one(app, client, setting):
    event, public_id = setting
    other = make_event(slug="another-conference")
    make_staff(other, "organiser", "elsewhere@staff.example")
    log_in(client, "elsewhere@staff.example")
    for method, url in organiser_routes(app, event, public_id):
        assert send(client, method, url).status_code == 403, (method, url)


def test_the_events_organisers_can(app, client, setting):
    event, public_id = setting
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    for method, url in organiser_routes(app, event, public_id):
        # past the role check: a page, a redirect after the action, or a form's refusal
        assert send(client, method, url).status_code in (200, 303, 400), (method, url)


def test_refused_actions_change_nothing(app, client, setting):
    from sqlalchemy import select

    from confreg.extensions import db
    from confreg.registration.models import Registration

    event, public_id = setting
    make_staff(event, "desk", "desk@staff.example")
    log_in(client, "desk@staff.example")
    for action in ("approve", "reject", "cancel"):
        send(client, "POST", f"/organiser/{event.slug}/delegates/{public_id}/{action}")
    assert db.session.scalars(select(Registration.status)).one() == "pending"
