"""Fixtures: the real app on a real database (SQLite always; PostgreSQL too when
CONFREG_TEST_DATABASE_URL is set), a real SMTP server on loopback, form helpers."""

import contextvars
import os
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from datetime import date
from html import unescape

import pytest
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from config import TestConfig
from confreg import create_app
from confreg.auth.service import create_or_update_staff_user
from confreg.events.models import Event
from confreg.extensions import db

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("CONFREG_TEST_DATABASE_URL") else [])
STAFF_PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> Iterator[dict[str, str]]:
    """One empty database per backend for the whole run; PostgreSQL gets a database of
    its own so that runs side by side do not meet."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'confreg.sqlite'}"}
    admin = None
    if "postgresql" in BACKENDS:
        server = make_url(os.environ["CONFREG_TEST_DATABASE_URL"])
        name = f"confreg_test_{secrets.token_hex(4)}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        urls["postgresql"] = server.set(database=name).render_as_string(hide_password=False)
    yield urls
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class IsolatedClient(FlaskClient):
    """Sends each request from an empty context, as a real server would: the request
    gets its own app context and database session, not the test's. Afterwards the
    test's session forgets what it had loaded, so it reads what the request wrote."""

    def open(self, *args, **kwargs):
        context = contextvars.Context()
        response = context.run(super().open, *args, **kwargs)
        if response.is_streamed:  # made as it is read: read it where the request ran
            context.run(response.make_sequence)
        if has_app_context():
            db.session.expire_all()
        return response


_apps: dict[str, object] = {}


def _app_for(backend: str, url: str):
    if backend not in _apps:
        app = create_app(TestConfig(url))
        app.test_client_class = IsolatedClient
        with app.app_context():
            upgrade()
        _apps[backend] = app
    return _apps[backend]


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(params=BACKENDS)
def app(request, database_urls):
    """The app on an empty database, once per backend."""
    backend = request.param
    app = _app_for(backend, database_urls[backend])
    app.config["BACKEND"] = backend
    with app.app_context():
        yield app
        db.session.remove()
    _empty_tables(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def event(app) -> Event:
    return make_event()


def make_event(**values) -> Event:
    defaults = dict(
        slug="lc-test",
        name={"en": "Learning Cities Test Conference", "es": "Conferencia de prueba"},
        venue="Cankarjev dom",
        city="Ljubljana",
        country="SI",
        timezone="Europe/Ljubljana",
        starts_on=date(2031, 5, 6),
        ends_on=date(2031, 5, 8),
        default_locale="en",
        contact_email="team@lc-test.example",
        capacity=None,
        requires_approval=False,
    )
    event = Event(**(defaults | values))
    db.session.add(event)
    db.session.commit()
    return event


def make_staff(event: Event, role: str, email: str | None = None):
    return create_or_update_staff_user(
        email or f"{role}@staff.example", STAFF_PASSWORD, role, event.slug
    )


def log_in(client, email: str, password: str = STAFF_PASSWORD):
    fields = form_fields(client, "/staff/login")
    return client.post("/staff/login", data=fields | {"email": email, "password": password})


_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')


def form_fields(client, url: str) -> dict[str, str]:
    """The hidden fields (CSRF token, submission key) of the page's forms."""
    page = client.get(url).get_data(as_text=True)
    fields = {}
    for tag in _HIDDEN.findall(page):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields[attributes["name"]] = unescape(attributes.get("value", ""))
    return fields


def delegate_details(**overrides) -> dict:
    """A valid registration form, as a browser sends it."""
    details = {
        "given_name": "Αθανάσιος",
        "family_name": "Καρπουχτσής",
        "latin_given_name": "Athanasios",
        "latin_family_name": "Karpouchtsis",
        "email": "a.karpouchtsis@serres.example",
        "category": "city_official",
        "organisation": "Δήμος Σερρών",
        "job_title": "Head of lifelong learning",
        "city": "Serres",
        "country": "GR",
        "preferred_locale": "en",
        "dietary_needs": "",
        "accessibility_needs": "",
        "privacy_consent": "y",
    }
    details.update(overrides)
    return {name: value for name, value in details.items() if value is not None}


def register(client, event: Event, **overrides):
    """Fill in and send the registration form like a browser would."""
    url = f"/e/{event.slug}/register"
    return client.post(url, data=form_fields(client, url) | delegate_details(**overrides))


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on loopback; the app sends its mail there."""
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    inbox.controller, inbox.port = controller, port
    yield inbox
    controller.stop()


@pytest.fixture
def server_url(app):
    """The test's app served on a free loopback port by a threaded server, on every
    backend; yields its URL. Its requests use their own app contexts and sessions."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    # A short poll interval lets shutdown() return at once rather than after 0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def run_in_threads():
    """Runs `target` in `count` threads released at the same moment."""

    def run(count: int, target):
        barrier = threading.Barrier(count)
        results, errors = [None] * count, []

        def worker(index):
            barrier.wait()
            try:
                results[index] = target(index)
            except Exception as error:  # reported by the test
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, errors
        return results

    return run
