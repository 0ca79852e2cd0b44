"""The outbox: written with the change, delivered through a real SMTP server on
loopback, kept and retried when the server is away."""

import logging
from datetime import timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from confreg.database import utcnow
from confreg.extensions import db
from confreg.mail import OutboxMessage, deliver_due
from tests.conftest import free_port, register


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_confirmation_is_delivered_through_smtp(client, event, smtp_server):
    register(client, event)

    assert deliver_due() == 1

    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["a.karpouchtsis@serres.example"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Your registration for Learning Cities Test Conference"
    assert "Αθανάσιος" in message.get_content()
    assert "http://confreg.test/e/lc-test/manage/" in message.get_content()
    [stored] = outbox()
    assert (stored.status, stored.attempts) == ("sent", 0)
    assert deliver_due() == 0  # sent once only


def test_registration_survives_an_smtp_server_that_is_down(client, event, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there

    assert register(client, event).status_code == 303
    assert deliver_due() == 0

    [message] = outbox()
    assert message.status == "pending"
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow()


def test_failed_mail_is_sent_when_the_server_is_back(client, event, app, smtp_server):
    down = free_port()
    app.config["MAIL_PORT"] = down
    register(client, event)
    deliver_due()
    assert smtp_server.messages == []

    app.config["MAIL_PORT"] = smtp_server.port
    assert deliver_due(now=utcnow() + timedelta(hours=1)) == 1

    assert len(smtp_server.messages) == 1
    [message] = outbox()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")


def test_retries_back_off_and_give_up_after_the_last_attempt(client, event, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_RETRY_BASE_SECONDS", 60)
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    register(client, event)
    now = utcnow()

    deliver_due(now=now)
    [message] = outbox()
    assert message.next_attempt_at - now == timedelta(seconds=60)
    assert deliver_due(now=now + timedelta(seconds=30)) == 0  # not due yet
    assert outbox()[0].attempts == 1
    deliver_due(now=now + timedelta(seconds=61))
    assert outbox()[0].next_attempt_at - (now + timedelta(seconds=61)) == timedelta(seconds=120)
    deliver_due(now=now + timedelta(hours=1))

    [message] = outbox()
    assert (message.status, message.attempts) == ("failed", 3)
    assert deliver_due(now=now + timedelta(days=1)) == 0


def test_a_claimed_message_is_not_sent_twice(client, event, smtp_server):
    register(client, event)
    now = utcnow()
    [message] = outbox()
    # Another sender claimed it a moment ago and is still working on it.
    message.status, message.next_attempt_at = "sending", now + timedelta(minutes=10)
    db.session.commit()

    assert deliver_due(now=now) == 0
    assert deliver_due(now=now + timedelta(minutes=11)) == 1  # its claim lapsed
    assert len(smtp_server.messages) == 1


def test_log_backend_writes_the_mail_to_the_log(client, event, app, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "log")
    register(client, event)
    with caplog.at_level(logging.INFO, logger="confreg.mail"):
        assert deliver_due() == 1
    assert "To: a.karpouchtsis@serres.example" in caplog.text
    assert "/e/lc-test/manage/" in caplog.text


def test_mail_is_delivered_right_after_the_response(client, event, app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DELIVER_AFTER_REQUEST", True)
    response = register(client, event)
    response.close()  # the server closes the response once it is sent
    assert len(smtp_server.messages) == 1
    assert outbox()[0].status == "sent"
