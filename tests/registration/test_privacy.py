"""Privacy: everything held about a delegate as JSON, erasing a delegate while the
counts stay right, passport details erased after the retention date, and passport
details kept out of the logs."""

import io
import json
import logging
import re
import secrets
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from confreg.audit import AuditEntry
from confreg.badges import issue_token, letters
from confreg.badges.models import RegistrationPhoto
from confreg.checkin.models import CheckIn
from confreg.checkin.service import Scan, check_in
from confreg.events import enrolment
from confreg.events.models import Enrolment, ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.mail import OutboxMessage, deliver_due
from confreg.organiser.service import status_counts
from confreg.registration import privacy, service
from confreg.registration.links import manage_token
from confreg.registration.models import Invitation, Registration
from tests.conftest import delegate_details, form_fields, log_in, make_event, make_staff, register

VISA = dict(
    needs_visa_letter="y",
    passport_name="KARPOUCHTSIS ATHANASIOS",
    nationality="GR",
    passport_number="AE1234567",
    date_of_birth="1975-03-14",
)
#: Values that identify the delegate of `full_delegate`, wherever they may be stored.
PERSONAL_VALUES = (
    "Αθανάσιος",
    "Καρπουχτσής",
    "Athanasios",
    "Karpouchtsis",
    "a.karpouchtsis@serres.example",
    "thanos@serres.example",
    "Δήμος Σερρών",
    "Municipality of Serres",
    "Head of lifelong learning",
    "Serres",
    "No pork",
    "Wheelchair access",
    "KARPOUCHTSIS ATHANASIOS",
    "AE1234567",
    "1975-03-14",
    "OA 1234",
    "Hotel Union",
)


def service_details(**overrides) -> dict:
    """What service.register takes: the details of a delegate who needs a visa letter."""
    details = delegate_details(**overrides)
    details.pop("privacy_consent")
    details.update(needs_visa_letter=True, passport_name="KARPOUCHTSIS ATHANASIOS",
                   nationality="GR", passport_number="AE1234567",
                   date_of_birth=date(1975, 3, 14))  # fmt: skip
    return details | overrides


def organiser(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def full_delegate(client, event) -> Registration:
    """A delegate with something in every place personal data is kept: visa and travel
    details, a changed address and organisation, a photo, an invitation, a session, a
    waiting list, a session invitation, a check-in, e-mails and a visa letter."""
    register(client, event, dietary_needs="No pork", accessibility_needs="Wheelchair access",
             **VISA)  # fmt: skip
    registration = db.session.scalars(select(Registration)).one()
    registration.arrival_on, registration.arrival_time = date(2031, 5, 5), time(14, 30)
    registration.arrival_flight, registration.hotel = "OA 1234", "Hotel Union"
    registration.accompanying_persons = 1
    db.session.add(
        Invitation(event_id=event.id, email="a.karpouchtsis@serres.example",
                   email_key="a.karpouchtsis@serres.example", given_name="Athanasios",
                   family_name="Karpouchtsis", category="city_official", locale="en",
                   registration_id=registration.id)
    )  # fmt: skip
    db.session.commit()
    changed = {name: getattr(registration, name) for name in service.DETAIL_FIELDS}
    changed |= {"email": "thanos@serres.example", "organisation": "Municipality of Serres"}
    service.update_details(registration, changed)

    track = Track(event=event, kind="plenary", name={"en": "Plenary"})
    room = Room(event=event, name="Hall", capacity=10)
    opening = programme_session(event, track, "Opening", 7, room=room)
    full = programme_session(event, track, "Study visit", 9, capacity=0)
    forum = programme_session(event, track, "Forum", 11, by_invitation=True)
    db.session.add_all([track, room, opening, full, forum])
    db.session.commit()
    enrolment.enrol(registration, opening)
    enrolment.enrol(registration, full)
    enrolment.invite(forum, registration)
    letters.save_photo(registration, jpeg_bytes())
    letters.approve_visa_letter(registration, None)
    check_in(event, Scan(nonce="n1", token=issue_token(registration), desk="Hall A, desk 2"), None)
    return registration


def programme_session(event, track, title: str, hour: int, **values) -> ProgrammeSession:
    start = datetime(2031, 5, 6, hour, tzinfo=UTC)
    return ProgrammeSession(event=event, track=track, title={"en": title}, starts_at=start,
                            ends_at=start + timedelta(hours=1), **values)  # fmt: skip


def everything_stored() -> str:
    """Every value of every row of every table, as text."""
    lines = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                lines.append(" | ".join(str(value) for value in row))
    return "\n".join(lines)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def dashboard_figures(client, event) -> list[str]:
    page = client.get(f"/organiser/{event.slug}/").get_data(as_text=True)
    return re.findall(r'class="number">([^<]*)<', page)


def erase_through_the_page(client, event, registration):
    url = f"/organiser/{event.slug}/delegates/{registration.public_id}/erase"
    return client.post(url, data=form_fields(client, url) | {"confirm": "y"})


# --- export ---------------------------------------------------------------------------


def test_export_holds_everything_known_about_the_delegate(client, event):
    organiser(client, event)
    registration = full_delegate(client, event)
    url = f"/organiser/{event.slug}/delegates/{registration.public_id}/personal-data.json"

    response = client.get(url)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    fields = data["registration"]
    assert fields["given_name"] == "Αθανάσιος"
    assert fields["latin_family_name"] == "Karpouchtsis"
    assert fields["email"] == "thanos@serres.example"
    assert fields["dietary_needs"] == "No pork"
    assert fields["passport_number"] == "AE1234567"
    assert fields["date_of_birth"] == "1975-03-14"
    assert fields["nationality"] == "GR"
    assert (fields["arrival_flight"], fields["arrival_time"]) == ("OA 1234", "14:30:00")
    assert fields["hotel"] == "Hotel Union"
    assert fields["badge_revision"] == 1
    assert fields["visa_letter_reference"] == registration.visa_letter_reference
    assert "badge_qr" not in fields
    assert [(s["session"], s["status"]) for s in data["sessions"]] == [
        ("Opening", "enrolled"),
        ("Study visit", "waitlisted"),
    ]
    assert data["session_invitations"] == ["Forum"]
    [checkin] = data["checkins"]
    assert (checkin["place"], checkin["desk"], checkin["result"]) == (
        "entrance",
        "Hall A, desk 2",
        "ok",
    )
    # The confirmation went to the address the delegate had then: it is theirs too.
    [mail] = data["emails"]
    assert mail["to"] == "a.karpouchtsis@serres.example"
    assert "Learning Cities Test Conference" in mail["subject"]
    assert f"/e/{event.slug}/manage/" in mail["body"]
    assert mail["status"] == "pending"
    photo = data["photo"]
    assert photo["held"] is True
    stored = db.session.get(RegistrationPhoto, registration.id)
    assert (photo["width"], photo["height"]) == (stored.width, stored.height)
    assert photo["bytes"] == len(stored.jpeg)
    assert data["invitation"]["family_name"] == "Karpouchtsis"
    actions = [entry["action"] for entry in data["history"]]
    assert actions[:2] == ["registered", "updated"]
    assert {"session_enrolled", "session_waitlisted", "photo_uploaded"} <= set(actions)
    assert "visa_letter_approved" in actions
    assert (
        db.session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "data_exported"))
        == "staff"
    )


def test_export_is_plain_json_from_the_service_too(app, event):
    submission = service.register(event, service_details(), secrets.token_urlsafe(24))
    data = privacy.personal_data(submission.registration)
    assert json.loads(json.dumps(data)) == data
    assert data["photo"] == {"held": False}
    assert data["invitation"] is None
    assert data["checkins"] == []


# --- erasure --------------------------------------------------------------------------


def test_erasing_removes_personal_values_everywhere_and_keeps_the_counts(client, event):
    organiser(client, event)
    registration = full_delegate(client, event)
    old_badge = issue_token(registration)
    manage = f"/e/{event.slug}/manage/{manage_token(registration)}"
    assert client.get(manage).status_code == 200
    stored = everything_stored()
    assert all(value in stored for value in PERSONAL_VALUES)
    figures = dashboard_figures(client, event)
    counts = status_counts(event)
    rows = {model: count(model) for model in (Registration, Enrolment, CheckIn, AuditEntry)}

    response = erase_through_the_page(client, event, registration)

    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Personal data erased." in page
    assert "Erased delegate" in page
    stored = everything_stored()
    assert [value for value in PERSONAL_VALUES if value in stored] == []
    db.session.refresh(registration)
    assert registration.erased_at is not None
    assert registration.email.endswith("@erased.invalid")
    assert (registration.status, registration.category, registration.country) == (
        "confirmed",
        "city_official",
        "GR",
    )
    assert registration.badge_revision == 2
    assert registration.badge_token == ""
    assert registration.visa_letter_reference  # a letter's check says it is void
    assert db.session.get(RegistrationPhoto, registration.id) is None
    assert status_counts(event) == counts
    assert dashboard_figures(client, event) == figures
    assert {model: count(model) for model in rows} == rows | {AuditEntry: rows[AuditEntry] + 1}
    history = db.session.scalars(
        select(AuditEntry).where(AuditEntry.registration_id == registration.id)
    ).all()
    updated = next(entry for entry in history if entry.action == "updated")
    assert updated.details == {"changes": {"email": ["…", "…"], "organisation": ["…", "…"]}}
    assert history[-1].action == "erased"
    assert history[-1].staff_user_id is not None
    # The confirmation was never sent: it is gone; nothing more is written to them.
    assert count(OutboxMessage) == 0
    service.cancel(registration)
    assert count(OutboxMessage) == 0
    # Their personal link and their badge open nothing any more.
    assert client.get(manage).status_code == 404
    answer = check_in(event, Scan(nonce="after", token=old_badge, desk="Hall B"), None)
    assert answer.result == "revoked"


def test_every_registration_field_is_erased_or_kept_on_purpose():
    kept = {
        # what the counts and the history need, and the erasure's own mark
        "id", "public_id", "event_id", "submission_key", "status", "status_changed_at",
        "category", "country", "preferred_locale", "privacy_consent_at", "session_wishes",
        "badge_revision", "visa_letter_reference", "visa_letter_approved_at", "erased_at",
        "manage_link_sent_at", "created_at", "updated_at",
        # replaced by an address nobody can receive mail at
        "email", "email_key",
    }  # fmt: skip
    columns = {column.key for column in Registration.__table__.columns}
    assert columns == kept | set(privacy._ERASED_VALUES)


def test_sent_messages_stay_counted_but_emptied(app, event):
    registration = service.register(event, service_details(), "key-1").registration
    deliveries = deliver_due()
    assert deliveries == 1

    privacy.erase(registration, None)

    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status == "sent"
    assert (message.recipient, message.subject, message.body) == (registration.email, "", "")


def test_a_second_erasure_is_refused(client, event):
    registration = service.register(event, service_details(), "key-1").registration
    privacy.erase(registration, None)
    erased_at = registration.erased_at

    with pytest.raises(privacy.AlreadyErased):
        privacy.erase(registration, None)

    db.session.refresh(registration)
    assert registration.erased_at == erased_at
    assert registration.badge_revision == 2
    organiser(client, event)
    token = form_fields(client, "/staff/login")["csrf_token"]
    url = f"/organiser/{event.slug}/delegates/{registration.public_id}/erase"
    response = client.post(url, data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 303
    assert "erased already" in client.get(response.location).get_data(as_text=True)


def test_erasure_needs_the_box_ticked(client, event):
    organiser(client, event)
    registration = service.register(event, service_details(), "key-1").registration
    url = f"/organiser/{event.slug}/delegates/{registration.public_id}/erase"
    page = client.get(url).get_data(as_text=True)
    assert "This cannot be undone." in page

    response = client.post(url, data=form_fields(client, url))

    assert response.status_code == 400
    assert "Tick the box to confirm the erasure." in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.erased_at is None
    assert registration.passport_number == "AE1234567"


def test_delegate_page_offers_export_and_erasure(client, event):
    organiser(client, event)
    registration = service.register(event, service_details(), "key-1").registration
    page = client.get(f"/organiser/{event.slug}/delegates/{registration.public_id}")
    text = page.get_data(as_text=True)
    assert "Download personal data (JSON)" in text
    assert f"/delegates/{registration.public_id}/erase" in text


# --- passport retention ---------------------------------------------------------------


def test_passport_details_are_erased_only_after_the_retention_date(app):
    event = make_event(passport_retention_until=date(2031, 6, 1))  # ends 2031-05-08
    kept_event = make_event(slug="no-retention")
    holder = service.register(event, service_details(), "key-1").registration
    without = service.register(
        event,
        service_details(email="no-visa@city.example", needs_visa_letter=False, passport_name="",
                        nationality="", passport_number="", date_of_birth=None),
        "key-2",
    ).registration  # fmt: skip
    elsewhere = service.register(kept_event, service_details(), "key-3").registration

    assert privacy.erase_expired_passports(date(2031, 6, 1)) == 0
    assert privacy.erase_expired_passports(date(2031, 6, 2)) == 1
    assert privacy.erase_expired_passports(date(2031, 6, 3)) == 0

    db.session.refresh(holder)
    assert (holder.passport_name, holder.passport_number, holder.nationality) == ("", "", "")
    assert holder.date_of_birth is None
    assert holder.given_name == "Αθανάσιος"  # nothing else goes
    assert db.session.get(Registration, elsewhere.id).passport_number == "AE1234567"
    erased = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "passport_erased")
    ).all()
    assert [(entry.registration_id, entry.actor) for entry in erased] == [(holder.id, "system")]
    assert without.id not in [entry.registration_id for entry in erased]


def test_the_command_erases_expired_passports(app):
    past = make_event(slug="iclc-2015", starts_on=date(2015, 9, 28), ends_on=date(2015, 9, 30),
                      passport_retention_until=date(2015, 12, 31))  # fmt: skip
    future = make_event(passport_retention_until=date(2031, 6, 1))
    old = service.register(past, service_details(), "key-1").registration
    service.register(future, service_details(), "key-2")
    runner = app.test_cli_runner()

    first = runner.invoke(args=["confreg", "erase-passports"])
    second = runner.invoke(args=["confreg", "erase-passports"])

    assert first.exit_code == 0, first.output
    assert "erased from 1 registration(s)" in first.output
    assert "erased from 0 registration(s)" in second.output
    assert db.session.get(Registration, old.id).passport_number == ""
    assert count(Registration) == 2
    kept = select(func.count()).where(Registration.passport_number == "AE1234567")
    assert db.session.scalar(kept) == 1


def test_privacy_page_sets_the_retention_date_not_before_the_end(client, event):
    organiser(client, event)
    service.register(event, service_details(), "key-1")
    url = f"/organiser/{event.slug}/privacy"
    page = client.get(url).get_data(as_text=True)
    assert "1 registration holds passport details for a visa letter." in page
    assert "erase-passports" in page
    dashboard = client.get(f"/organiser/{event.slug}/").get_data(as_text=True)
    assert f'href="{url}"' in dashboard

    too_early = client.post(
        url, data=form_fields(client, url) | {"passport_retention_until": "2031-05-07"}
    )
    not_a_date = client.post(
        url, data=form_fields(client, url) | {"passport_retention_until": "tomorrow"}
    )

    assert too_early.status_code == 400
    assert "choose May 8, 2031 or later" in too_early.get_data(as_text=True)
    assert not_a_date.status_code == 400
    assert "Enter the date as year, month and day" in not_a_date.get_data(as_text=True)
    db.session.refresh(event)
    assert event.passport_retention_until is None

    saved = client.post(
        url, data=form_fields(client, url) | {"passport_retention_until": "2031-05-08"}
    )

    assert saved.status_code == 303
    db.session.refresh(event)
    assert event.passport_retention_until == date(2031, 5, 8)
    change = db.session.scalars(select(AuditEntry).where(AuditEntry.subject == "privacy")).one()
    assert change.details["changes"] == {"passport_retention_until": [None, "2031-05-08"]}
    cleared = client.post(url, data=form_fields(client, url) | {"passport_retention_until": ""})
    assert cleared.status_code == 303
    db.session.refresh(event)
    assert event.passport_retention_until is None


# --- who may -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "desk"])
def test_only_organisers_export_erase_or_set_retention(client, event, who):
    registration = service.register(event, service_details(), "key-1").registration
    base = f"/organiser/{event.slug}"
    if who == "desk":
        make_staff(event, "desk")
        log_in(client, "desk@staff.example")
    token = form_fields(client, "/staff/login")["csrf_token"]
    attempts = [
        client.get(f"{base}/delegates/{registration.public_id}/personal-data.json"),
        client.get(f"{base}/delegates/{registration.public_id}/erase"),
        client.post(f"{base}/delegates/{registration.public_id}/erase",
                    data={"csrf_token": token, "confirm": "y"}),
        client.post(f"{base}/privacy",
                    data={"csrf_token": token, "passport_retention_until": "2031-06-01"}),
    ]  # fmt: skip
    for response in attempts:
        if who == "anonymous":
            assert response.status_code == 302 and "/staff/login" in response.location
        else:
            assert response.status_code == 403
    db.session.refresh(registration)
    assert registration.erased_at is None
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "data_exported")) == 0
    assert db.session.get(type(event), event.id).passport_retention_until is None


# --- logs ------------------------------------------------------------------------------


def test_passport_details_never_reach_the_logs(client, event, app, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "log")
    caplog.set_level(logging.DEBUG)
    # Alembic's logging configuration quietens SQLAlchemy; an operator may not.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    organiser(client, event)

    register(client, event, **VISA)
    registration = db.session.scalars(select(Registration)).one()
    url = f"/organiser/{event.slug}/visa-letters"
    approved = client.post(f"{url}/{registration.public_id}/approve", data=form_fields(client, url))
    mine = client.get(f"/e/{event.slug}/manage/{manage_token(registration)}/visa-letter.pdf")
    theirs = client.get(f"{url}/{registration.public_id}.pdf")
    deliver_due()  # the log backend writes every e-mail to the log

    assert approved.status_code == 303
    assert mine.mimetype == theirs.mimetype == "application/pdf"
    logged = {record.name.split(".")[0] for record in caplog.records}
    assert {"sqlalchemy", "confreg"} <= logged  # SQL statements and the e-mail
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert "AE1234567" not in text, record.name
        assert "1975-03-14" not in text, record.name


def test_a_database_error_does_not_carry_passport_details(app, event):
    registration = service.register(event, service_details(), "key-1").registration
    twin = Registration(event=event, public_id=registration.public_id, status="confirmed",
                        given_name="X", email="x@city.example", email_key="x@city.example",
                        category="other", country="GR", preferred_locale="en",
                        passport_number="AE1234567", date_of_birth=date(1975, 3, 14),
                        privacy_consent_at=datetime.now(UTC))  # fmt: skip
    db.session.add(twin)

    with pytest.raises(IntegrityError) as raised:
        db.session.commit()

    db.session.rollback()
    assert "AE1234567" not in str(raised.value)
    assert "1975-03-14" not in str(raised.value)


def test_an_erased_delegate_gets_no_badge_and_is_not_in_the_desks_list(app, event):
    from confreg.badges.service import badge_filter
    from confreg.checkin.snapshot import desk_snapshot

    kept = service.register(event, service_details(), "key-1").registration
    erased = service.register(
        event, service_details(email="other@serres.example"), "key-2"
    ).registration
    privacy.erase(erased, None)

    assert db.session.scalars(badge_filter(event)).all() == [kept]
    listed = {row["public_id"] for row in desk_snapshot(event, "en")["registrations"]}
    assert listed == {kept.public_id}


def test_an_erased_delegates_badge_is_refused_however_it_was_made(client, event):
    from confreg.badges.service import issue_token, verify_token

    registration = service.register(event, service_details(), "key-1").registration
    privacy.erase(registration, None)
    organiser(client, event)
    page = client.get(f"/organiser/{event.slug}/delegates/{registration.public_id}")
    assert "Print badge (PDF)" not in page.get_data(as_text=True)
    assert "Approve" not in page.get_data(as_text=True)
    token = issue_token(registration)  # a badge signed after the erasure all the same
    assert verify_token(event, token).refusal == "revoked"
