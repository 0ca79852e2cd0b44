"""Messages to delegates: placeholders filled in each delegate's language, the filter
choosing who gets one, delivery through the outbox, and each delegate's e-mails."""

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from html import unescape

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from confreg.audit import AuditEntry
from confreg.extensions import db
from confreg.mail import OutboxMessage, deliver_due
from confreg.organiser import messages
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.organiser.models import Mailing
from confreg.placeholders import PlaceholderError, fill, parse
from confreg.registration.links import registration_for_token
from confreg.registration.models import Registration
from tests.conftest import form_fields, log_in, make_event, make_staff, register

TEXTS = {
    "subject_en": "News for {name}",
    "body_en": "Dear {name},\n\nsee you at {event}. Badge: {badge_link}\nLink: {manage_link}",
    "subject_es": "Noticias para {name}",
    "body_es": "Estimada {name}:\n\nnos vemos en {event}. Credencial: {badge_link}",
    "subject_fa": "خبر برای {name}",
    "body_fa": "{name} گرامی،\n\nدر {event} می‌بینیمتان.",
}
LINK = re.compile(r"http://confreg\.test/e/lc-test/manage/([^/\s]+)(/badge\.pdf)?")


def people(client, event) -> dict[str, Registration]:
    """Confirmed delegates writing Persian, Spanish, French and English."""
    for given, family, email, locale in (
        ("مریم", "احمدی", "maryam@tehran.example", "fa"),
        ("Lucía", "Pérez", "lucia@puebla.example", "es"),
        ("Aïcha", "Diallo", "aicha@dakar.example", "fr"),
        ("Tom", "Baker", "tom@bristol.example", "en"),
    ):
        register(client, event, given_name=given, family_name=family, email=email,
                 preferred_locale=locale, latin_given_name="", latin_family_name="")  # fmt: skip
    registrations = db.session.scalars(select(Registration)).all()
    return {registration.preferred_locale: registration for registration in registrations}


def texts(form: dict[str, str], name: str) -> dict[str, str]:
    return {key.split("_")[1]: value for key, value in form.items() if key.startswith(name)}


def send(event, delegate_filter: DelegateFilter | None = None, key: str = "k" * 32):
    return messages.send_mailing(
        event, delegate_filter or DelegateFilter(), texts(TEXTS, "subject"), texts(TEXTS, "body"),
        None, key,
    )  # fmt: skip


def queued(mailing_id: int) -> dict[str, OutboxMessage]:
    found = db.session.scalars(select(OutboxMessage).where(OutboxMessage.mailing_id == mailing_id))
    return {message.recipient: message for message in found}


@pytest.fixture
def organiser(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    return client


def compose(client, event, query: str = "", **fields):
    """Fill in the compose page as a browser would; returns the form's fields."""
    url = f"/organiser/{event.slug}/messages/new{query}"
    return form_fields(client, url) | TEXTS | fields


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


# --- placeholders and languages -----------------------------------------------------


def test_each_delegate_gets_the_text_of_their_language_with_placeholders_filled(client, event):
    delegates = people(client, event)
    sent = send(event).mailing
    mail = queued(sent.id)
    assert sent.recipients == 4 and len(mail) == 4

    persian = mail["maryam@tehran.example"]
    assert persian.subject == "خبر برای مریم احمدی"
    assert persian.body.startswith("مریم احمدی گرامی،\n\nدر Learning Cities Test Conference")
    with force_locale("fa"):  # the signature is in the language of the text
        assert gettext("Your personal link (keep it to yourself):") in persian.body

    spanish = mail["lucia@puebla.example"]
    assert spanish.subject == "Noticias para Lucía Pérez"
    assert "nos vemos en Conferencia de prueba." in spanish.body  # the event's Spanish name
    token, badge = LINK.search(spanish.body).groups()
    assert badge == "/badge.pdf"
    assert registration_for_token(event, token).id == delegates["es"].id


def test_links_lead_to_the_delegates_own_registration_and_badge(client, event):
    delegates = people(client, event)
    message = queued(send(event).mailing.id)["tom@bristol.example"]
    links = LINK.findall(message.body)
    assert {badge for _token, badge in links} == {"/badge.pdf", ""}
    for token, _badge in links:
        assert registration_for_token(event, token).id == delegates["en"].id
    badge_token = next(token for token, badge in links if badge)
    response = client.get(f"/e/{event.slug}/manage/{badge_token}/badge.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_a_language_without_text_falls_back_to_the_events_main_language(client, event):
    people(client, event)
    french = queued(send(event).mailing.id)["aicha@dakar.example"]
    assert french.subject == "News for Aïcha Diallo"
    assert "see you at Learning Cities Test Conference." in french.body
    assert gettext("Your personal link (keep it to yourself):") in french.body


def test_a_delegates_name_is_never_read_as_a_placeholder(client, event):
    register(client, event, given_name="{manage_link}", family_name="{0}", email="x@y.example")
    message = next(iter(queued(send(event).mailing.id).values()))
    assert message.subject == "News for {manage_link} {0}"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Dear {nmae}", "nmae"),
        ("Dear {}", ""),
        ("Dear {name!r}", "name!r"),
        ("Dear {name:>40}", "name:>40"),
        ("Dear {name.__class__}", "name.__class__"),
        ("Dear {name", None),
        ("Dear name}", None),
    ],
)
def test_unknown_or_malformed_placeholders_are_refused(app, text, written):
    with pytest.raises(PlaceholderError) as refused:
        parse(text, messages.PLACEHOLDERS)
    assert refused.value.written == written


def test_doubled_braces_stand_for_a_brace(app):
    pieces = parse("{{name}} is {name}", messages.PLACEHOLDERS)
    assert fill(pieces, {"name": "Ana"}) == "{name} is Ana"


def test_the_form_refuses_an_unknown_placeholder_with_a_message(organiser, event):
    people(organiser, event)
    url = f"/organiser/{event.slug}/messages/new"
    response = organiser.post(url, data=compose(organiser, event, body_es="Hola {nombre}"))
    assert response.status_code == 400
    assert "{nombre} is not one of the placeholders listed. Use only those." in page_text(response)


def test_a_stray_brace_is_refused_in_the_organisers_language(organiser, event):
    url = f"/organiser/{event.slug}/messages/new"
    fields = compose(organiser, event, subject_en="News {")
    response = organiser.post(url, data=fields, headers={"Accept-Language": "es"})
    assert response.status_code == 400
    with force_locale("es"):
        assert gettext("Every { needs its }. Use braces only around placeholders.") in page_text(
            response
        )
    assert db.session.scalar(select(func.count(Mailing.id))) == 0


def test_a_subject_needs_its_text_and_the_main_language_both(organiser, event):
    url = f"/organiser/{event.slug}/messages/new"
    fields = compose(organiser, event, body_fa="", subject_en="", action="preview")
    page = page_text(organiser.post(url, data=fields))
    assert "Write the text in Persian too." in page
    assert "Write the subject in English, the event's main language." in page


# --- preview, confirmation, recipients ----------------------------------------------


def test_preview_shows_each_language_for_a_real_recipient_or_a_sample(organiser, event):
    people(organiser, event)
    url = f"/organiser/{event.slug}/messages/new"
    fields = compose(organiser, event, subject_tr="Haber", body_tr="Sayın {name}", action="preview")
    response = organiser.post(url, data=fields)
    page = page_text(response)
    assert response.status_code == 200
    assert "Noticias para Lucía Pérez" in page and "lucia@puebla.example" in page
    assert "خبر برای مریم احمدی" in page
    assert "News for Aïcha Diallo" in page  # French readers get the English text
    assert "they get the text in English" in page
    assert "Sayın Sample Delegate" in page  # Turkish text, no Turkish reader
    assert "This message goes to 4 delegates." in page
    assert db.session.scalar(select(func.count(Mailing.id))) == 0
    assert db.session.scalar(select(func.count(Registration.id))) == 4  # no sample saved


def test_sending_needs_the_confirmation_of_the_number_previewed(organiser, event):
    people(organiser, event)
    url = f"/organiser/{event.slug}/messages/new"
    unconfirmed = compose(organiser, event, action="send", expected_recipients="4")
    response = organiser.post(url, data=unconfirmed)
    assert response.status_code == 400
    assert "tick this box to send the message" in page_text(response)
    stale = unconfirmed | {"confirmed": "y", "expected_recipients": "3"}
    response = organiser.post(url, data=stale)
    assert response.status_code == 400
    assert "The filters now find 4 delegates, not 3" in page_text(response)
    assert db.session.scalar(select(func.count(Mailing.id))) == 0


def test_the_filter_decides_who_gets_the_message(organiser, event):
    delegates = people(organiser, event)
    delegates["fr"].status = "pending"
    delegates["en"].status = "cancelled"
    delegates["fa"].erased_at = datetime.now(UTC)
    db.session.commit()
    query = "?status=confirmed"
    page = page_text(organiser.get(f"/organiser/{event.slug}/messages/new{query}"))
    assert "This message goes to 1 delegate." in page and "Confirmed" in page
    fields = compose(organiser, event, query, action="send", confirmed="y", expected_recipients="1")
    response = organiser.post(f"/organiser/{event.slug}/messages/new", data=fields)
    assert response.status_code == 303
    mailing = db.session.scalars(select(Mailing)).one()
    assert set(queued(mailing.id)) == {"lucia@puebla.example"}
    assert mailing.criteria["status"] == "confirmed"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "message_sent"))
    assert [entry.registration_id for entry in entries] == [delegates["es"].id]
    event_entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "mailing_sent")
    ).one()
    assert event_entry.details["recipients"] == 1


def test_chosen_delegates_only(client, event):
    delegates = people(client, event)
    chosen = DelegateFilter(selected=(delegates["fa"].public_id, delegates["en"].public_id))
    sent = send(event, chosen).mailing
    assert set(queued(sent.id)) == {"maryam@tehran.example", "tom@bristol.example"}


def test_an_empty_recipient_set_is_refused(organiser, event):
    people(organiser, event)
    query = "?status=waitlisted"
    fields = compose(organiser, event, query, action="send", confirmed="y", expected_recipients="0")
    response = organiser.post(f"/organiser/{event.slug}/messages/new", data=fields)
    assert response.status_code == 400
    assert "No delegate to write to" in page_text(response)
    with pytest.raises(messages.NoRecipients):
        send(event, DelegateFilter(status="waitlisted"))
    assert db.session.scalar(select(func.count(Mailing.id))) == 0


def test_recipients_are_queued_in_batches(client, event, monkeypatch):
    people(client, event)
    monkeypatch.setattr(messages, "BATCH_SIZE", 3)
    sent = send(event).mailing
    assert sent.recipients == 4 and len(queued(sent.id)) == 4


# --- sending once -------------------------------------------------------------------


def test_a_form_sent_twice_sends_the_message_once(organiser, event):
    people(organiser, event)
    url = f"/organiser/{event.slug}/messages/new"
    fields = compose(organiser, event, action="send", confirmed="y", expected_recipients="4")
    first = organiser.post(url, data=fields)
    second = organiser.post(url, data=fields)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert db.session.scalar(select(func.count(Mailing.id))) == 1
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.mailing_id.is_not(None))
        )
        == 4
    )
    page = page_text(organiser.get(second.location))
    assert "This message had been sent already: it was not sent again." in page


def submit_twice_at_once(app, event, run_in_threads) -> list[bool]:
    event_id = event.id

    def submit(_index):
        with app.app_context():
            return send(db.session.get(type(event), event_id)).created

    return sorted(run_in_threads(2, submit))


def test_simultaneous_submissions_queue_one_mailing(app, client, event, run_in_threads):
    people(client, event)
    assert submit_twice_at_once(app, event, run_in_threads) == [False, True]
    assert db.session.scalar(select(func.count(Mailing.id))) == 1
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.mailing_id.is_not(None))
        )
        == 4
    )


def test_without_the_event_lock_the_database_still_refuses_a_second_mailing(
    app, client, event, run_in_threads, monkeypatch
):
    """The lock makes the second submission find the first; without it, the unique
    submission key is what keeps a second mailing out."""
    people(client, event)
    monkeypatch.setattr(messages, "lock_event", lambda _event_id: None)
    try:
        submit_twice_at_once(app, event, run_in_threads)
    except AssertionError as refused:  # the threads' errors, when they met
        assert "submission_key" in str(refused)
    assert db.session.scalar(select(func.count(Mailing.id))) == 1


# --- delivery, progress, history ----------------------------------------------------


def test_messages_go_out_through_smtp_and_the_page_shows_progress(organiser, event, smtp_server):
    people(organiser, event)
    mailing = send(event).mailing
    detail = f"/organiser/{event.slug}/messages/{mailing.id}"
    page = organiser.get(detail).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "News for {name}" in unescape(page)
    assert messages.mailing_progress([mailing.id])[mailing.id] == messages.MailingProgress(queued=4)

    deliver_due()
    received = {
        envelope.rcpt_tos[0]: message_from_bytes(envelope.content, policy=policy.default)
        for envelope in smtp_server.messages
    }
    assert received["lucia@puebla.example"]["Subject"] == "Noticias para Lucía Pérez"
    assert "nos vemos en Conferencia de prueba." in received["lucia@puebla.example"].get_content()
    assert messages.mailing_progress([mailing.id])[mailing.id] == messages.MailingProgress(sent=4)
    listing = organiser.get(f"/organiser/{event.slug}/messages").get_data(as_text=True)
    assert "http-equiv" not in listing and "News for {name}" in unescape(listing)


def test_failures_are_listed_with_address_and_error(organiser, event, app, monkeypatch):
    people(organiser, event)
    mailing = send(event).mailing
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nothing listens: the server is down
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)

    deliver_due()
    progress = messages.mailing_progress([mailing.id])[mailing.id]
    assert progress == messages.MailingProgress(queued=4, retrying=4)
    page = page_text(organiser.get(f"/organiser/{event.slug}/messages/{mailing.id}"))
    assert "Retrying" in page and "ConnectionRefusedError" in page

    db.session.execute(OutboxMessage.__table__.update().values(next_attempt_at=datetime.now(UTC)))
    db.session.commit()
    deliver_due()
    progress = messages.mailing_progress([mailing.id])[mailing.id]
    assert progress == messages.MailingProgress(failed=4)
    page = page_text(organiser.get(f"/organiser/{event.slug}/messages/{mailing.id}"))
    assert "maryam@tehran.example" in page and "ConnectionRefusedError" in page
    assert "http-equiv" not in page  # nothing left to wait for


def test_the_delegate_page_lists_every_email_to_the_delegate(organiser, event, smtp_server):
    delegates = people(organiser, event)
    send(event)
    deliver_due()
    page = page_text(
        organiser.get(f"/organiser/{event.slug}/delegates/{delegates['es'].public_id}")
    )
    assert "Noticias para Lucía Pérez" in page  # the organisers' message, its body too
    assert "nos vemos en Conferencia de prueba." in page
    registered = db.session.scalars(
        select(OutboxMessage.subject).where(
            OutboxMessage.recipient == "lucia@puebla.example", OutboxMessage.mailing_id.is_(None)
        )
    ).one()
    assert registered in page  # and the registration e-mail
    assert "News for Tom Baker" not in page  # nobody else's


# --- who may -------------------------------------------------------------------------


def test_desk_volunteers_and_visitors_cannot_write_to_delegates(client, event):
    people(client, event)
    mailing = send(event).mailing
    urls = ["messages", "messages/new", f"messages/{mailing.id}"]
    for url in urls:
        response = client.get(f"/organiser/{event.slug}/{url}")
        assert response.status_code == 302 and "/staff/login" in response.location
    make_staff(event, "desk", "desk@staff.example")
    log_in(client, "desk@staff.example")
    for url in urls:
        assert client.get(f"/organiser/{event.slug}/{url}").status_code == 403
    fields = form_fields(client, "/staff/login") | TEXTS
    fields |= {"action": "send", "confirmed": "y", "expected_recipients": "4"}
    response = client.post(f"/organiser/{event.slug}/messages/new", data=fields)
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Mailing.id))) == 1


def test_another_events_mailing_is_not_found(organiser, event):
    other = make_event(slug="other-event")
    register(organiser, other, email="someone@else.example")
    mailing = send(other).mailing
    assert organiser.get(f"/organiser/{event.slug}/messages/{mailing.id}").status_code == 404


def test_the_messages_page_offers_to_write_to_the_confirmed_delegates(organiser, event):
    page = organiser.get(f"/organiser/{event.slug}/messages").get_data(as_text=True)
    assert f"/organiser/{event.slug}/messages/new?status=confirmed" in page
