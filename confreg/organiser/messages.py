"""Messages organisers write to the delegates a filter finds: placeholders checked and
filled in for each delegate in their language, one outbox message per delegate, queued
in batches, and how far delivery has got."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import selectinload

from confreg import audit
from confreg.database import lock_event
from confreg.events.models import Event
from confreg.extensions import db
from confreg.mail import OutboxMessage, deliver_after_response
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.organiser.models import Mailing
from confreg.placeholders import fill, parse
from confreg.registration.links import manage_token
from confreg.registration.models import Registration
from confreg.urls import external_url

#: What an organiser's subject and text may name in braces, with what each holds.
PLACEHOLDERS = {
    "name": _l("the delegate's name, as written in their own script"),
    "manage_link": _l("the delegate's personal link to see and change their registration"),
    "badge_link": _l("the link that downloads the delegate's badge, once confirmed"),
    "event": _l("the event's name, in the language of the message"),
}
#: Delegates queued per transaction: each commit keeps the database's locks short and
#: lets the loaded delegates go, so that 10,000 recipients take neither long locks nor
#: memory.
BATCH_SIZE = 500
#: Most failed or retried deliveries a mailing's page lists.
FAILURES_SHOWN = 500
_SUBJECT_MAX = 300  # OutboxMessage.subject


class NoRecipients(Exception):
    """The filter finds no delegate who can be written to."""


@dataclass(frozen=True)
class RenderedMessage:
    #: The locale whose text was used (the delegate's, or the event's main one).
    locale: str
    subject: str
    body: str


@dataclass(frozen=True)
class SentMailing:
    mailing: Mailing
    #: False when the same form had been sent before: nothing was queued again.
    created: bool


@dataclass(frozen=True)
class Preview:
    #: The recipients' language, and how many of the recipients read it.
    locale: str
    recipients: int
    #: The delegate it is rendered for: a recipient of that language, else a sample.
    registration: Registration
    sample: bool
    message: RenderedMessage


@dataclass(frozen=True)
class MailingProgress:
    #: Not delivered yet (waiting, or being sent); `retrying` of them have failed before.
    queued: int = 0
    retrying: int = 0
    sent: int = 0
    #: Given up on after every attempt.
    failed: int = 0

    @property
    def done(self) -> bool:
        return self.queued == 0


# --- placeholders ------------------------------------------------------------------


# --- rendering ---------------------------------------------------------------------


def text_locale(locale: str, subjects: dict[str, str], bodies: dict[str, str], event: Event) -> str:
    """The locale whose subject and text a delegate of `locale` gets: their own when the
    organiser wrote it, else the event's main language's."""
    return locale if subjects.get(locale) and bodies.get(locale) else event.default_locale


@dataclass(frozen=True)
class _Frame:
    """A message in one language with the delegate's parts left open: rendering the
    template and its translations once per language, not once per delegate, is what
    lets thousands of messages be queued within one request."""

    locale: str
    event_title: str
    subject: list[tuple[str, str | None]]
    text: list[tuple[str, str | None]]
    #: The rendered mail template, holding _TEXT and _PERSONAL_LINK where they go.
    frame: str


# Stand-ins in the rendered template; organisers' texts cannot hold NUL (PlainText).
_TEXT, _PERSONAL_LINK = "\0text\0", "\0link\0"


def _frame(event: Event, locale: str, subject: str, body: str) -> _Frame:
    with force_locale(locale):
        frame = current_app.jinja_env.get_template("mail/organiser_message.txt").render(
            event=event, manage_url=_PERSONAL_LINK, text=_TEXT, locale=locale
        )
    return _Frame(
        locale,
        event.title_in(locale),
        parse(subject, PLACEHOLDERS),
        parse(body, PLACEHOLDERS),
        frame.strip() + "\n",
    )


def _message(frame: _Frame, registration: Registration) -> RenderedMessage:
    token = manage_token(registration)
    slug = registration.event.slug
    personal_link = external_url("registration.manage", slug=slug, token=token)
    values = {
        "name": registration.full_name,
        "manage_link": personal_link,
        "badge_link": external_url("badges.badge", slug=slug, token=token),
        "event": frame.event_title,
    }
    subject = " ".join(fill(frame.subject, values).split())[:_SUBJECT_MAX]
    body = frame.frame.replace(_PERSONAL_LINK, personal_link).replace(
        _TEXT, fill(frame.text, values)
    )
    return RenderedMessage(frame.locale, subject, body)


class MessageRenderer(dict):
    """Renders a mailing for each delegate in their language, keeping the frame of each
    language once made."""

    def __init__(self, event: Event, subjects: dict[str, str], bodies: dict[str, str]):
        super().__init__()
        self.event, self.subjects, self.bodies = event, subjects, bodies

    def __missing__(self, locale: str) -> _Frame:
        self[locale] = _frame(self.event, locale, self.subjects[locale], self.bodies[locale])
        return self[locale]

    def message(self, registration: Registration) -> RenderedMessage:
        """The e-mail the delegate gets, in their language (or the main one's text)."""
        locale = text_locale(registration.preferred_locale, self.subjects, self.bodies, self.event)
        return _message(self[locale], registration)


# --- recipients --------------------------------------------------------------------


def recipient_conditions(event: Event, delegate_filter: DelegateFilter) -> list[ColumnElement]:
    """The filter's delegates who can be written to: not erased, with an address."""
    return [
        *delegate_filter.conditions(event),
        Registration.erased_at.is_(None),
        Registration.email.like("%_@_%"),
    ]


def count_recipients(event: Event, delegate_filter: DelegateFilter) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(*recipient_conditions(event, delegate_filter))
    )


def preview_mailing(
    event: Event,
    delegate_filter: DelegateFilter,
    subjects: dict[str, str],
    bodies: dict[str, str],
    locales: Iterable[str],
    sample_name: str,
) -> list[Preview]:
    """The message as it will read in each language: every language a recipient reads,
    rendered for the first such recipient, and every other one of `locales` the
    organiser wrote a text in, rendered for a sample delegate named `sample_name`."""
    conditions = recipient_conditions(event, delegate_filter)
    readers = dict(
        db.session.execute(
            select(Registration.preferred_locale, func.count(Registration.id))
            .where(*conditions)
            .group_by(Registration.preferred_locale)
        ).all()
    )
    order = list(dict.fromkeys([event.default_locale, *locales]))
    shown = sorted(
        set(readers) | {code for code in order if bodies.get(code)},
        key=lambda code: (order.index(code) if code in order else len(order), code),
    )
    frames = MessageRenderer(event, subjects, bodies)
    previews = []
    for locale in shown:
        registration = None
        if locale in readers:
            registration = db.session.scalars(
                select(Registration)
                .where(*conditions, Registration.preferred_locale == locale)
                .order_by(Registration.id)
                .limit(1)
            ).first()
        sample = registration is None
        if sample:
            registration = Registration(
                public_id="sample", given_name=sample_name, preferred_locale=locale
            )
            registration.event = event
        message = frames.message(registration)
        previews.append(Preview(locale, readers.get(locale, 0), registration, sample, message))
    return previews


# --- sending -----------------------------------------------------------------------


def send_mailing(
    event: Event,
    delegate_filter: DelegateFilter,
    subjects: dict[str, str],
    bodies: dict[str, str],
    staff_user,
    submission_key: str,
) -> SentMailing:
    """Queue the message for every delegate the filter finds, each in their language;
    a form sent again with the same submission key queues nothing more. NoRecipients
    when there is no one to write to, PlaceholderError for unknown placeholders."""
    for text in (*subjects.values(), *bodies.values()):
        parse(text, PLACEHOLDERS)
    if not (subjects.get(event.default_locale) and bodies.get(event.default_locale)):
        raise ValueError("the event's main language needs a subject and a text")
    lock_event(event.id)  # two submissions of one form: the second waits, then finds the first
    earlier = db.session.scalar(
        select(Mailing).where(
            Mailing.event_id == event.id,
            Mailing.submission_key == submission_key,
        )
    )
    if earlier is not None:
        db.session.commit()
        return SentMailing(earlier, created=False)
    total = count_recipients(event, delegate_filter)
    if total == 0:
        db.session.rollback()
        raise NoRecipients
    mailing = Mailing(
        event_id=event.id,
        subject=subjects,
        body=bodies,
        criteria=delegate_filter.as_args(),
        submission_key=submission_key,
        recipients=0,
        staff_user_id=staff_user.id if staff_user is not None else None,
    )
    db.session.add(mailing)
    db.session.flush()
    audit.record_event_change(
        event,
        "mailing_sent",
        staff_user,
        subject=subjects[event.default_locale][:200],
        recipients=total,
        mailing_id=mailing.id,
    )
    db.session.commit()  # the key is taken: the event's lock is not held while queueing

    frames = MessageRenderer(event, subjects, bodies)
    for batch in _recipient_batches(event, delegate_filter):
        for registration in batch:
            message = frames.message(registration)
            db.session.add(
                OutboxMessage(
                    event_id=event.id,
                    mailing_id=mailing.id,
                    recipient=registration.email,
                    subject=message.subject,
                    body=message.body,
                )
            )
            audit.record(registration, "message_sent", "staff", staff_user, mailing_id=mailing.id)
        mailing.recipients += len(batch)
        db.session.commit()
    if current_app.config["MAIL_DELIVER_AFTER_REQUEST"]:
        deliver_after_response()
    return SentMailing(mailing, created=True)


def _recipient_batches(
    event: Event, delegate_filter: DelegateFilter
) -> Iterator[list[Registration]]:
    """The recipients, BATCH_SIZE at a time, in row order (each batch read after the
    previous one was committed)."""
    conditions = recipient_conditions(event, delegate_filter)
    after = 0
    while True:
        batch = db.session.scalars(
            select(Registration)
            .where(*conditions, Registration.id > after)
            .order_by(Registration.id)
            .limit(BATCH_SIZE)
        ).all()
        if not batch:
            return
        after = batch[-1].id
        yield list(batch)


# --- progress and history ----------------------------------------------------------


def mailings(event: Event) -> list[Mailing]:
    return list(
        db.session.scalars(
            select(Mailing)
            .where(Mailing.event_id == event.id)
            .options(selectinload(Mailing.staff_user))
            .order_by(Mailing.created_at.desc(), Mailing.id.desc())
        )
    )


def mailing_progress(mailing_ids: list[int]) -> dict[int, MailingProgress]:
    """Delivery figures of each mailing, counted in one query."""
    if not mailing_ids:
        return {}
    counts = {mailing_id: dict.fromkeys(("queued", "retrying", "sent", "failed"), 0)
              for mailing_id in mailing_ids}  # fmt: skip
    for mailing_id, status, attempts, number in db.session.execute(
        select(
            OutboxMessage.mailing_id,
            OutboxMessage.status,
            OutboxMessage.attempts,
            func.count(OutboxMessage.id),
        )
        .where(OutboxMessage.mailing_id.in_(mailing_ids))
        .group_by(OutboxMessage.mailing_id, OutboxMessage.status, OutboxMessage.attempts)
    ):
        if status in ("sent", "failed"):
            counts[mailing_id][status] += number
        else:
            counts[mailing_id]["queued"] += number
            if attempts:
                counts[mailing_id]["retrying"] += number
    return {mailing_id: MailingProgress(**found) for mailing_id, found in counts.items()}


def delivery_problems(mailing: Mailing) -> list[OutboxMessage]:
    """Messages given up on, then those still being retried, each with its last error."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.mailing_id == mailing.id,
                or_(
                    OutboxMessage.status == "failed",
                    (OutboxMessage.status != "sent") & (OutboxMessage.attempts > 0),
                ),
            )
            .order_by(
                case((OutboxMessage.status == "failed", 0), else_=1),
                OutboxMessage.recipient,
                OutboxMessage.id,
            )
            .limit(FAILURES_SHOWN)
        )
    )


def delegate_messages(registration: Registration) -> list[OutboxMessage]:
    """Every e-mail the outbox holds for the delegate's address at their event, newest
    first (those the organisers wrote and those the system sent)."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.event_id == registration.event_id,
                or_(
                    OutboxMessage.recipient == registration.email,
                    func.lower(OutboxMessage.recipient) == registration.email_key,
                ),
            )
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )
