"""Who may reach what: every route of the URL map, as an anonymous visitor, a delegate
with someone else's (or a forged) personal link, a desk volunteer of this event and of
another one, and an organiser. A route added without an entry in ACCESS fails here."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from confreg.auth.service import create_api_token
from confreg.badges import issue_token
from confreg.checkin.service import Scan, check_in
from confreg.events.models import ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.organiser.models import DelegateImport, Mailing
from confreg.registration.links import manage_token
from confreg.registration.models import Registration
from tests.conftest import form_fields, log_in, make_event, make_staff, register

#: Endpoint prefix or name -> who may use it.
#: public: anyone; link: whoever holds the delegate's personal link; staff: any staff
#: user; organiser, desk: that role at the event (organisers may use the desk too);
#: desk_api: the same, answering 401/403 in JSON.
ACCESS = {
    "static": "public",
    "site.": "public",
    "events.": "public",
    "registration.register": "public",
    "registration.thanks": "public",
    "registration.lost_link": "public",
    "registration.": "link",
    "badges.verify_letter": "public",
    "badges.": "link",
    "badges_api.": "public",
    "checkin_api.openapi": "public",
    "checkin_api.": "desk_api",
    "desk_assets.": "public",
    "desk.": "desk",
    "auth.login": "public",
    "auth.logout": "public",  # logging out needs no log-in
    "auth.": "staff",
    "organiser.": "organiser",
}


def access_of(endpoint: str) -> str:
    for prefix, access in ACCESS.items():
        if endpoint == prefix or (prefix.endswith(".") and endpoint.startswith(prefix)):
            return access
    raise AssertionError(f"{endpoint} has no entry in ACCESS: say who may use it")


@pytest.fixture
def world(app, client):
    event = make_event(requires_approval=False, desk_walk_ins=True)
    other = make_event(slug="other-event")
    register(client, event)
    registration = db.session.scalars(select(Registration)).one()
    mailing = Mailing(event_id=event.id, subject={"en": "News"}, body={"en": "Dear {name},"})
    track = Track(event=event, kind="plenary", name={"en": "Plenary"})
    room = Room(event=event, name="Hall", capacity=10)
    moment = datetime(2031, 5, 6, 7, tzinfo=UTC)
    session = ProgrammeSession(event=event, track=track, room=room, title={"en": "Opening"},
                               starts_at=moment, ends_at=moment)  # fmt: skip
    db.session.add_all([track, room, session, mailing])
    db.session.commit()
    delegate_import = DelegateImport(event_id=event.id, filename="delegates.csv",
                                     content=b"E-mail\r\nana@city.example\r\n")  # fmt: skip
    db.session.add(delegate_import)
    db.session.commit()
    answer = check_in(event, Scan(nonce="w", token=issue_token(registration)), None)
    make_staff(event, "organiser", "organiser@staff.example")
    make_staff(event, "desk", "desk@staff.example")
    make_staff(other, "desk", "other-desk@staff.example")
    values = {
        "slug": event.slug,
        "token": manage_token(registration),
        "public_id": registration.public_id,
        "session_id": session.id,
        "track_id": track.id,
        "room_id": room.id,
        "checkin_id": answer.checkin.id,
        "mailing_id": mailing.id,
        "import_id": delegate_import.public_id,
        "filename": "confreg.css",
        "name": "qr-scanner.min.js",
        "action": "join",
    }
    return event, values


def routes(app, values):
    found = []
    for rule in app.url_map.iter_rules():
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    # Deleting comes last, so that every other route still finds what it works on.
    return sorted(found, key=lambda route: "/delete" in route[2])


def send(client, method, url, headers=None):
    if method == "GET":
        return client.get(url, headers=headers)
    token = form_fields(client, "/staff/login")["csrf_token"]
    return client.open(url, method=method, data={"csrf_token": token}, headers=headers)


REFUSED = {
    "anonymous": {
        "link": None,
        "staff": "login",
        "organiser": "login",
        "desk": "login",
        "desk_api": 401,
    },
    "desk of another event": {"organiser": 403, "desk": 403, "desk_api": 403},
    "desk": {"organiser": 403},
}


def test_every_route_says_who_may_use_it(app, world):
    _event, values = world
    for endpoint, _method, _url in routes(app, values):
        access_of(endpoint)


@pytest.mark.parametrize("who", ["anonymous", "desk of another event", "desk", "organiser"])
def test_each_role_reaches_what_it_may_and_nothing_else(app, client, world, who):
    _event, values = world
    logins = {"desk of another event": "other-desk@staff.example", "desk": "desk@staff.example",
              "organiser": "organiser@staff.example"}  # fmt: skip
    if who in logins:
        log_in(client, logins[who])
    refused = REFUSED.get(who, {})
    for endpoint, method, url in routes(app, values):
        if who != "anonymous" and endpoint == "auth.logout":
            continue  # would end the test's own log-in
        access = access_of(endpoint)
        response = send(client, method, url)
        status = response.status_code
        expected = refused.get(access, "allowed")
        if expected == "login":
            assert status == 302 and "/staff/login" in response.location, (endpoint, url, status)
        elif expected == "allowed" or expected is None:
            login_redirect = status == 302 and "/staff/login" in (response.location or "")
            assert status not in (401, 403) and not login_redirect, (who, endpoint, url, status)
            assert status < 500, (who, endpoint, url, status)
        else:
            assert status == expected, (who, endpoint, url, status)


def test_a_forged_or_foreign_personal_link_opens_nothing(app, client, world):
    event, values = world
    register(client, event, email="other@example.org")
    other = db.session.scalars(
        select(Registration).where(Registration.email == "other@example.org")
    ).one()
    forged = values | {"token": values["token"][:-3] + "abc"}
    for endpoint, method, url in routes(app, forged):
        if access_of(endpoint) == "link":
            assert send(client, method, url).status_code in (404, 410), (endpoint, url)
    # Another delegate's link shows that delegate, never this one.
    page = client.get(f"/e/{event.slug}/manage/{manage_token(other)}").get_data(as_text=True)
    assert "a.karpouchtsis@serres.example" not in page


def test_a_desk_token_works_only_at_its_own_event(app, client, world):
    _event, values = world
    _record, token = create_api_token("other-desk@staff.example")
    headers = {"Authorization": f"Bearer {token}"}
    for endpoint, method, url in routes(app, values):
        if access_of(endpoint) == "desk_api":
            assert send(client, method, url, headers).status_code == 403, (endpoint, url)
