"""The whole story in a real Chromium against the real server, each person in a browser
of their own: a delegate registers in Persian for an event that needs approval and
asks for a session, gets the Persian e-mail with the personal link through a real SMTP
server, an organiser approves, the delegate chooses another session and downloads the
badge, and a desk volunteer scans the code printed on that badge twice."""

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from babel import Locale
from sqlalchemy import select

from confreg.events.models import Enrolment, ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.mail import deliver_due
from confreg.registration.models import Registration
from tests.badges.pdf_reading import qr_codes
from tests.browser.test_desk import AMBER, DESK_EMAIL, GREEN, expect_answer, open_desk, scan
from tests.browser.test_registration_flow import consent, field, t
from tests.conftest import STAFF_PASSWORD, make_event, make_staff

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed; browser tests skipped"
).expect

pytestmark = pytest.mark.browser

EVENT_NAME = {"en": "Learning Cities Journey Conference", "fa": "همایش شهرهای یادگیرنده"}
OPENING = {"en": "Opening plenary", "fa": "نشست عمومی افتتاحیه"}
ASIA_PACIFIC = {
    "en": "Regional session: Asia and the Pacific",
    "fa": "نشست منطقه‌ای آسیا و اقیانوسیه",
}
ZAHRA = ("زهرا کریمی", "Zahra Karimi")
ZAHRA_EMAIL = "zahra.karimi@isfahan.example"
ORGANISER_EMAIL = "organiser@staff.example"
NINE_IN_LJUBLJANA = datetime(2031, 5, 6, 7, 0, tzinfo=UTC)


@pytest.fixture
def journey_event(app):
    """An event that needs approval, with a Persian name and two sessions one after the
    other, an organiser and a desk volunteer."""
    event = make_event(name=EVENT_NAME, requires_approval=True)
    track = Track(event=event, kind="plenary", name={"en": "Plenary", "fa": "عمومی"})
    room = Room(event=event, name="Main hall", capacity=200)
    for number, title in enumerate((OPENING, ASIA_PACIFIC)):
        starts_at = NINE_IN_LJUBLJANA + timedelta(hours=2 * number)
        db.session.add(
            ProgrammeSession(
                event=event, track=track, room=room, title=title, starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=90), capacity=40,
            )
        )  # fmt: skip
    db.session.commit()
    make_staff(event, "organiser", ORGANISER_EMAIL)
    make_staff(event, "desk", DESK_EMAIL)
    return event


def fa(text: str, **values: str) -> str:
    """`text` as the Persian pages and e-mails show it."""
    return t(text, "fa") % values if values else t(text, "fa")


def registration() -> Registration:
    db.session.remove()  # the live server wrote it from its own threads
    return db.session.scalars(select(Registration)).one()


def enrolled_titles(registration: Registration) -> list[str]:
    """The English titles of the sessions the delegate has a seat in, in time order."""
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .join(Enrolment, Enrolment.session_id == ProgrammeSession.id)
        .where(Enrolment.registration_id == registration.id, Enrolment.status == "enrolled")
        .order_by(ProgrammeSession.starts_at)
    )
    return [session.title["en"] for session in sessions]


def delivered(smtp_server, count: int) -> EmailMessage:
    """Sends what the outbox holds (as the mail worker does) and returns the newest of
    the `count` messages the SMTP server has received by then."""
    deliver_due()
    assert len(smtp_server.messages) == count
    envelope = smtp_server.messages[-1]
    assert envelope.rcpt_tos == [ZAHRA_EMAIL]
    return message_from_bytes(envelope.content, policy=policy.default)


def personal_path(app, event, message: EmailMessage) -> str:
    """The personal link in the e-mail, as a path on the live server: e-mails link to
    BASE_URL, which is not where the test serves the app."""
    link = re.search(
        re.escape(app.config["BASE_URL"]) + rf"(/e/{re.escape(event.slug)}/manage/\S+)",
        message.get_content(),
    )
    assert link, message.get_content()
    return link.group(1)


def register_in_persian(page, event) -> None:
    page.goto(f"/e/{event.slug}/register")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.get_by_role("heading", level=1)).to_contain_text(EVENT_NAME["fa"])
    field(page, "Given name", "fa").fill("زهرا")
    field(page, "Family name", "fa").fill("کریمی")
    field(page, "Given name in Latin letters", "fa").fill("Zahra")
    field(page, "Family name in Latin letters", "fa").fill("Karimi")
    field(page, "E-mail address", "fa").fill(ZAHRA_EMAIL)
    field(page, "Category", "fa").select_option(label=fa("Deputy mayor"))
    field(page, "Organisation", "fa").fill("شهرداری اصفهان")
    field(page, "Job title", "fa").fill("معاون آموزش و یادگیری مادام‌العمر")
    field(page, "City", "fa").fill("اصفهان")
    field(page, "Country", "fa").select_option(label=Locale.parse("fa").territories["IR"])
    expect(field(page, "Preferred language", "fa")).to_have_value("fa")
    field(page, "Dietary needs", "fa").fill("گیاه‌خوار")
    page.get_by_label(re.compile(re.escape(OPENING["fa"]))).check()
    consent(page, "fa").check()
    page.get_by_role("button", name=fa("Register"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("Thank you"))


def approve_as_organiser(page, event) -> None:
    page.goto("/staff/login")
    page.get_by_label("E-mail address").fill(ORGANISER_EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/staff/")
    page.goto(f"/organiser/{event.slug}/delegates")
    page.get_by_role("link", name=ZAHRA[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ZAHRA[0])
    expect(page.get_by_text("Pending approval", exact=True)).to_be_visible()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Approved: Confirmed.")


def choose_session_and_download_badge(page, personal: str) -> bytes:
    page.goto(personal)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_text(fa("Confirmed"), exact=True)).to_be_visible()
    choices = page.locator("li.session-choice")
    # The session asked for while registering is kept, now that the place is confirmed.
    expect(choices.filter(has_text=OPENING["fa"])).to_contain_text(fa("You have a seat"))
    choices.filter(has_text=ASIA_PACIFIC["fa"]).get_by_role("button", name=fa("Choose")).click()
    expect(page.get_by_role("status")).to_have_text(
        fa("You have a seat in %(session)s.", session=ASIA_PACIFIC["fa"])
    )
    expect(choices.filter(has_text=ASIA_PACIFIC["fa"])).to_contain_text(fa("You have a seat"))

    with page.expect_download() as download:
        page.get_by_role("link", name=fa("Download my badge (PDF)")).click()
    return Path(download.value.path()).read_bytes()


def test_a_delegate_registers_in_persian_is_approved_and_checked_in_at_the_desk(
    app, new_page, journey_event, smtp_server
):
    event = journey_event
    delegate = new_page(locale="fa-IR")  # a Persian-speaking browser
    register_in_persian(delegate, event)
    zahra = registration()
    assert (zahra.status, zahra.preferred_locale, zahra.country) == ("pending", "fa", "IR")
    assert (zahra.full_name, zahra.latin_name, zahra.category) == (*ZAHRA, "deputy_mayor")
    assert enrolled_titles(zahra) == []  # no seat before the organisers approve

    message = delivered(smtp_server, 1)
    assert message["Subject"] == fa("Your registration for %(event)s", event=EVENT_NAME["fa"])
    body = message.get_content()
    assert fa("Dear %(name)s,", name=ZAHRA[0]) in body
    assert (
        fa(
            "thank you for registering. The organisers will look at your registration"
            " and write to you again."
        )
        in body
    )
    personal = personal_path(app, event, message)

    approve_as_organiser(new_page(), event)
    zahra = registration()
    assert zahra.status == "confirmed"
    assert enrolled_titles(zahra) == [OPENING["en"]]
    approval = delivered(smtp_server, 2)
    assert approval["Subject"] == fa(
        "Your registration for %(event)s is approved", event=EVENT_NAME["fa"]
    )

    badge = choose_session_and_download_badge(delegate, personal)
    zahra = registration()
    assert enrolled_titles(zahra) == [OPENING["en"], ASIA_PACIFIC["en"]]
    assert badge.startswith(b"%PDF-")
    [token] = qr_codes(badge)
    assert token == zahra.badge_token

    desk = open_desk(new_page(), event)
    scan(desk, token)
    answer = expect_answer(desk, GREEN, "Checked in", *ZAHRA)
    expect(answer.locator(".answer-message")).to_have_text("Checked in. Welcome!")
    scan(desk, token)
    answer = expect_answer(desk, AMBER, "Already checked in", *ZAHRA)
    expect(answer.locator(".answer-message")).to_contain_text("at Hall A")
