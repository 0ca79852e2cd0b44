"""Outgoing e-mail: written to an outbox in the transaction that causes it, delivered
afterwards through SMTP (or the log), retried with back-off until it goes through."""

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import after_this_request, current_app, g, has_request_context
from flask_babel import force_locale
from sqlalchemy import ForeignKey, Index, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from confreg.database import UTCDateTime, utcnow
from confreg.extensions import db

log = logging.getLogger(__name__)
#: How long a message claimed by one sender is left alone by others.
SENDING_LEASE = timedelta(minutes=10)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event the message is about, if any.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    #: The organiser's message it belongs to, when it is one.
    mailing_id: Mapped[int | None] = mapped_column(
        ForeignKey("mailings.id", ondelete="SET NULL"), index=True
    )
    #: Address it goes to.
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    #: Plain-text body, rendered in the recipient's language when queued.
    body: Mapped[str] = mapped_column(Text)
    #: "pending", "sending" (claimed by a sender), "sent" or "failed" (gave up).
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: Delivery attempts so far, and the last one's error.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: When the next attempt is due (for "sending": when the claim lapses).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def queue_mail(template: str, recipient: str, locale: str, event_id: int | None = None, **context):
    """Render `templates/mail/<template>.txt` in `locale` and add it to the outbox in
    the current transaction. The template sets `subject`; the rest is the body."""
    with force_locale(locale):
        module = current_app.jinja_env.get_template(f"mail/{template}.txt").make_module(
            dict(context, locale=locale)
        )
    subject = " ".join(str(module.subject).split())
    body = str(module).strip() + "\n"
    message = OutboxMessage(event_id=event_id, recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    if current_app.config["MAIL_DELIVER_AFTER_REQUEST"]:
        deliver_after_response()
    return message


def deliver_after_response() -> None:
    """Deliver what is due once the current request's response has gone out (once per
    request, however many messages it queued)."""
    if not has_request_context() or g.get("mail_delivery_scheduled"):
        return
    g.mail_delivery_scheduled = True
    app = current_app._get_current_object()

    @after_this_request
    def deliver(response):
        def run():
            with app.app_context():
                deliver_due()

        response.call_on_close(run)
        return response


def deliver_due(now: datetime | None = None, limit: int = 200) -> int:
    """Send what is due; return how many went out. Safe to run in several processes."""
    now = now or utcnow()
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            or_(OutboxMessage.status == "pending", OutboxMessage.status == "sending"),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    sent = 0
    for message_id in due:
        message = _claim(message_id, now)
        if message is None:
            continue
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as error:
            _record_failure(message, error, now)
        else:
            message.status, message.sent_at, message.last_error = "sent", utcnow(), ""
            sent += 1
        db.session.commit()
    return sent


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_(("pending", "sending")),
            OutboxMessage.next_attempt_at <= now,
        )
        .values(status="sending", next_attempt_at=now + SENDING_LEASE)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    return db.session.get(OutboxMessage, message_id)


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> None:
    config = current_app.config
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        message.status = "failed"
        log.error("giving up on mail %s to %s: %s", message.id, message.recipient, error)
    else:
        message.status = "pending"
        delay = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (message.attempts - 1)
        message.next_attempt_at = now + timedelta(seconds=delay)
        log.warning("mail %s to %s failed, retrying: %s", message.id, message.recipient, error)


def _as_email(message: OutboxMessage) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain="confreg")
    email.set_content(message.body)
    return email


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    email = _as_email(message)
    if config["MAIL_BACKEND"] == "log":
        log.info("mail (log backend, not sent):\n%s", email.as_string())
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)
