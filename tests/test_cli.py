"""The operators' commands: demo data, staff users, mail delivery."""

from sqlalchemy import func, select

from confreg.auth.models import StaffUser
from confreg.events.models import Event, ProgrammeSession, Track
from confreg.extensions import db
from confreg.registration.models import Registration


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_loads_the_mexico_city_conference_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["confreg", "demo"])
    second = runner.invoke(args=["confreg", "demo"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "organiser@iclc-2015.example" in first.output
    assert "desk@iclc-2015.example" in second.output
    assert count(Event) == 1
    event = db.session.scalars(select(Event)).one()
    assert event.slug == "iclc-2015"
    assert event.timezone == "America/Mexico_City"
    assert (event.starts_on.isoformat(), event.ends_on.isoformat()) == ("2015-09-28", "2015-09-30")
    kinds = sorted(db.session.scalars(select(Track.kind)))
    assert kinds.count("regional") == 5
    assert {"plenary", "mayors_forum"} <= set(kinds)
    assert count(ProgrammeSession) >= 15
    assert 30 <= count(Registration) <= 60
    cities = set(db.session.scalars(select(Registration.city)))
    assert {"Serres", "Kermanshah", "Balıkesir", "Melitopol", "Nikopol", "Novoyavorivsk"} <= cities
    assert "Ljubljana" in cities
    names = set(db.session.scalars(select(Registration.family_name)))
    assert {"Καρπουχτσής", "رضایی", "Yılmaz", "Коваленко"} <= names
    assert count(StaffUser) == 2


def test_demo_logins_work(app):
    app.test_cli_runner().invoke(args=["confreg", "demo"])
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": token,
            "email": "organiser@iclc-2015.example",
            "password": "organiser-demo-2015",
        },
    )
    assert response.status_code == 302
    assert client.get("/organiser/iclc-2015/delegates").status_code == 200


def test_create_user_gives_a_role_at_an_event(app, event):
    command = ["confreg", "create-user", "Desk2@City.example", "--role", "desk"]
    result = app.test_cli_runner().invoke(
        args=[*command, "--event", event.slug, "--password", "a long enough password"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(StaffUser)).one()
    assert user.email == "desk2@city.example"
    assert user.has_role(event.id, "desk")
    assert not user.has_role(event.id, "organiser")


def test_create_user_refuses_unknown_events_roles_and_short_passwords(app, event):
    runner = app.test_cli_runner()
    base = ["confreg", "create-user", "x@city.example"]
    unknown = runner.invoke(
        args=[*base, "--role", "desk", "--event", "nope", "--password", "x" * 12]
    )
    assert unknown.exit_code == 2
    assert "no event with the slug nope" in unknown.output
    role = runner.invoke(
        args=[*base, "--role", "admin", "--event", event.slug, "--password", "x" * 12]
    )
    assert role.exit_code == 2
    short = runner.invoke(
        args=[*base, "--role", "desk", "--event", event.slug, "--password", "short"]
    )
    assert short.exit_code == 2
    assert "at least 10 characters" in short.output
    assert count(StaffUser) == 0


def test_send_mail_delivers_the_outbox(app, client, event, smtp_server):
    from tests.conftest import register

    register(client, event)
    result = app.test_cli_runner().invoke(args=["confreg", "send-mail"])
    assert result.exit_code == 0
    assert "1 message(s) sent." in result.output
    assert len(smtp_server.messages) == 1
