"""The database going away in the middle of a request: a clear answer, nothing
half-saved, and the next request works. On PostgreSQL the connection is really cut
(its server process terminated); SQLite gets the error its driver raises for a disk
that fails."""

import logging
import sqlite3
from contextlib import contextmanager

from sqlalchemy import create_engine, func, select, text
from sqlalchemy import event as sa_event

from confreg.audit import AuditEntry
from confreg.auth.service import create_api_token
from confreg.checkin.models import CheckIn
from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.registration.models import Registration
from tests.conftest import delegate_details, form_fields, make_staff, register


@contextmanager
def database_goes_away(app, before: str):
    """Cut the connection once, just before the first statement starting with `before`."""
    engine = db.engine
    admin = None
    if engine.dialect.name == "postgresql":
        admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    cut = []

    def cut_connection(connection, _cursor, statement, *_args):
        if cut or not statement.lstrip().upper().startswith(before):
            return
        cut.append(statement)
        if admin is None:
            raise sqlite3.OperationalError("disk I/O error")
        pid = connection.connection.dbapi_connection.info.backend_pid
        with admin.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    sa_event.listen(engine, "before_cursor_execute", cut_connection)
    try:
        yield cut
    finally:
        sa_event.remove(engine, "before_cursor_execute", cut_connection)
        if admin is not None:
            admin.dispose()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_registration_cut_off_saves_nothing_and_says_so(app, client, event, caplog):
    url = f"/e/{event.slug}/register"
    form = form_fields(client, url) | delegate_details(
        needs_visa_letter="y", passport_name="KARPOUCHTSIS ATHANASIOS", nationality="GR",
        passport_number="AE7654321", date_of_birth="1970-03-04",
    )  # fmt: skip
    with caplog.at_level(logging.DEBUG), database_goes_away(app, "INSERT INTO OUTBOX") as cut:
        answer = client.post(url, data=form)
    assert cut, "the connection was not cut: the test proves nothing"
    assert answer.status_code == 503
    assert "nothing of what you sent was saved" in answer.get_data(as_text=True)
    # the registration and its history were written before the cut, in the same transaction
    assert (count(Registration), count(AuditEntry), count(OutboxMessage)) == (0, 0, 0)
    assert "AE7654321" not in caplog.text  # parameters are kept out of the logs

    again = client.post(url, data=form)  # the same form, sent again once the database is back
    assert again.status_code == 303
    assert (count(Registration), count(OutboxMessage)) == (1, 1)


def test_the_error_page_is_translated_and_asks_the_database_nothing(app, client, event):
    url = f"/e/{event.slug}/register"
    form = form_fields(client, url) | delegate_details()
    client.set_cookie("confreg_locale", "es")
    with database_goes_away(app, "INSERT INTO REGISTRATIONS"):
        answer = client.post(url, data=form)
    assert answer.status_code == 503
    page = answer.get_data(as_text=True)
    assert 'lang="es"' in page
    assert "The database is not answering" not in page  # Spanish, not English


def test_the_api_answers_503_in_json_and_a_retried_scan_counts_once(app, client, event):
    register(client, event)
    registration = db.session.scalar(select(Registration))
    make_staff(event, "desk")
    _, token = create_api_token("desk@staff.example")
    headers = {"Authorization": f"Bearer {token}"}
    scan = {"nonce": "retry-1", "registration": registration.public_id}
    url = f"/api/v1/events/{event.slug}/checkins"
    with database_goes_away(app, "INSERT INTO CHECKINS"):
        answer = client.post(url, json=scan, headers=headers)
    assert answer.status_code == 503
    assert answer.get_json()["error"] == "unavailable"
    retried = client.post(url, json=scan, headers=headers)
    assert retried.get_json()["result"] == "ok"
    assert count(CheckIn) == 1
