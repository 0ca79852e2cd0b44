"""Running it for real: rate limits, a consistent backup while the app writes, and a
production installation that refuses to start without its secret key."""

import os
import sqlite3
import subprocess
import sys
import threading

import pytest
from sqlalchemy import func, select

from confreg.extensions import db
from confreg.registration.models import Registration
from tests.conftest import form_fields, make_staff, register


@pytest.fixture
def limited(app):
    """The app with fresh rate-limit counters; the test sets the limit it checks (the
    test configuration's limits are too high to reach), and it is put back after."""
    from confreg.extensions import limiter

    names = ("REGISTRATION_RATE_LIMIT", "LOST_LINK_RATE_LIMIT", "LOGIN_RATE_LIMIT",
             "CHECKIN_RATE_LIMIT")  # fmt: skip
    saved = {name: app.config[name] for name in names}
    limiter.reset()
    yield app
    app.config.update(saved)
    limiter.reset()


def test_log_in_attempts_are_limited_with_a_clear_answer(limited, client, event):
    make_staff(event, "organiser")
    fields = form_fields(client, "/staff/login")
    limited.config["LOGIN_RATE_LIMIT"] = "3/minute"
    answers = [
        client.post("/staff/login", data=fields | {"email": "organiser@staff.example",
                                                   "password": "wrong password"}).status_code
        for _ in range(4)
    ]  # fmt: skip
    assert answers == [200, 200, 200, 429]
    page = client.post("/staff/login", data=fields).get_data(as_text=True)
    assert "Too many requests in a short time" in page


def test_lost_link_requests_are_limited(limited, client, event):
    limited.config["LOST_LINK_RATE_LIMIT"] = "2/minute"
    url = f"/e/{event.slug}/manage/lost"
    codes = [
        client.post(url, data=form_fields(client, url) | {"email": "x@example.org"}).status_code
        for _ in range(3)
    ]
    assert codes[-1] == 429
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_registrations_over_the_limit_store_nothing_more(limited, client, event):
    limited.config["REGISTRATION_RATE_LIMIT"] = "2/minute"
    codes = [register(client, event, email=f"d{n}@example.org").status_code for n in range(3)]
    assert codes == [303, 303, 429]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2


def test_the_check_in_api_limit_answers_in_json(limited, client, event):
    from confreg.auth.service import create_api_token

    make_staff(event, "desk", "desk@staff.example")
    _record, token = create_api_token("desk@staff.example")
    limited.config["CHECKIN_RATE_LIMIT"] = "2/minute"
    url = f"/api/v1/events/{event.slug}/checkins"
    headers = {"Authorization": f"Bearer {token}"}
    answers = [client.post(url, json={"token": "x", "nonce": f"n{n}"}, headers=headers)
               for n in range(3)]  # fmt: skip
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[-1].get_json()["error"] == "too_many_requests"


def test_backup_copies_a_consistent_database_while_the_app_writes(app, client, event, tmp_path):
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("the backup command copies SQLite; PostgreSQL has pg_dump")
    stop = threading.Event()

    def keep_registering():
        with app.app_context():
            number = 0
            while not stop.is_set():
                number += 1
                register(app.test_client(), event, email=f"busy{number}@example.org")

    writer = threading.Thread(target=keep_registering)
    writer.start()
    try:
        output = tmp_path / "copy.sqlite"
        result = app.test_cli_runner().invoke(args=["confreg", "backup", str(output)])
    finally:
        stop.set()
        writer.join(30)
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(output)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_backup_of_postgresql_points_to_pg_dump(app, tmp_path):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("only meaningful on PostgreSQL")
    result = app.test_cli_runner().invoke(args=["confreg", "backup", str(tmp_path / "x")])
    assert result.exit_code != 0 and "pg_dump" in result.output


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CONFREG_SECRET_KEY"}
    env |= {"CONFREG_ENV": "production", "CONFREG_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    started = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True,
                             text=True, cwd=os.path.dirname(os.path.dirname(__file__)))  # fmt: skip
    assert started.returncode != 0
    assert "CONFREG_SECRET_KEY must be set" in started.stderr
