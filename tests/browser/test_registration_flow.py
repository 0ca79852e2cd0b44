"""A delegate registers and manages the registration in a real browser: in English and
in Persian (right to left), with mistakes, with an impatient double click, on a phone.

Fields are found by their visible labels and buttons by their accessible names, so
these tests also prove that labels, roles and error descriptions reach assistive
technology. Persian labels come from the catalogue, so the tests follow the translation."""

import re
import threading
from functools import cache

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from sqlalchemy import select

from config import ROOT
from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.registration.models import Registration

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed; browser tests skipped"
).expect

pytestmark = pytest.mark.browser

CONSENT = "I have read the privacy notice and agree that my data is used for this event."


@cache
def _catalogue(locale: str):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def t(text: str, locale: str = "en") -> str:
    """`text` as the app shows it in `locale`: the catalogue's translation, else itself."""
    if locale == "en":
        return text
    message = _catalogue(locale).get(text)
    return (message.string if message else "") or text


def field(page, label: str, locale: str = "en"):
    """The form field labelled `label`, whether or not the label adds "(optional)"."""
    name = re.compile(rf"^{re.escape(t(label, locale))}(\s*\(.+\))?$")
    return page.get_by_label(name)


def consent(page, locale: str = "en"):
    return page.get_by_label(re.compile(f"^{re.escape(t(CONSENT, locale))}"))


def registrations() -> list[Registration]:
    db.session.expire_all()  # the live server wrote them from another thread
    return list(db.session.scalars(select(Registration)))


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def manage_path(app, event, message: OutboxMessage) -> str:
    """The personal link in an e-mail, as a path on the live server: e-mails link to
    BASE_URL, which is not where the test serves the app."""
    link = re.search(
        re.escape(app.config["BASE_URL"]) + rf"(/e/{re.escape(event.slug)}/manage/\S+)",
        message.body,
    )
    assert link, message.body
    return link.group(1)


def fill_in_athanasios(page, event):
    page.goto(f"/e/{event.slug}/register")
    field(page, "Given name").fill("Αθανάσιος")
    field(page, "Family name").fill("Καρπουχτσής")
    field(page, "Given name in Latin letters").fill("Athanasios")
    field(page, "Family name in Latin letters").fill("Karpouchtsis")
    field(page, "E-mail address").fill("a.karpouchtsis@serres.example")
    field(page, "Category").select_option(label="City official")
    field(page, "Organisation").fill("Δήμος Σερρών")
    field(page, "City").fill("Serres")
    field(page, "Country").select_option(label="Greece")
    field(page, "Preferred language").select_option(label="English")
    consent(page).check()


def test_delegate_registers_in_english_and_manages_the_registration(app, page, event):
    fill_in_athanasios(page, event)
    page.get_by_role("button", name="Register", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("a.karpouchtsis@serres.example")).to_be_visible()
    [registration] = registrations()
    assert (registration.given_name, registration.family_name) == ("Αθανάσιος", "Καρπουχτσής")
    assert (registration.country, registration.status) == ("GR", "confirmed")
    [message] = outbox()
    assert message.recipient == "a.karpouchtsis@serres.example"

    page.goto(manage_path(app, event, message))
    expect(page.get_by_text("Confirmed", exact=True)).to_be_visible()
    expect(page.get_by_text("Αθανάσιος Καρπουχτσής")).to_be_visible()

    page.get_by_role("link", name="Change my details").click()
    expect(field(page, "Organisation")).to_have_value("Δήμος Σερρών")
    field(page, "Organisation").fill("Municipality of Serres")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Your changes are saved.")
    expect(page.get_by_text("Municipality of Serres")).to_be_visible()
    assert registrations()[0].organisation == "Municipality of Serres"

    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("status")).to_contain_text("Your registration is cancelled.")
    expect(page.get_by_text("Cancelled", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Change my details")).to_have_count(0)
    assert registrations()[0].status == "cancelled"
    assert outbox()[-1].subject.endswith("is cancelled")


def test_invalid_form_keeps_everything_typed_and_focuses_the_error_summary(page, event):
    fill_in_athanasios(page, event)
    field(page, "E-mail address").fill("not an address")
    consent(page).uncheck()
    page.get_by_role("button", name="Register", exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the following")
    expect(summary.get_by_role("link")).to_have_text(
        [
            re.compile(r"^E-mail address: Enter a valid e-mail address"),
            re.compile(r"Accept the privacy notice to register\.$"),
        ]
    )
    email = field(page, "E-mail address")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Enter a valid e-mail address"))
    expect(consent(page)).to_have_accessible_description("Accept the privacy notice to register.")
    expect(field(page, "Given name")).not_to_have_attribute("aria-invalid", "true")

    expect(email).to_have_value("not an address")
    expect(field(page, "Given name")).to_have_value("Αθανάσιος")
    expect(field(page, "Family name")).to_have_value("Καρπουχτσής")
    expect(field(page, "Organisation")).to_have_value("Δήμος Σερρών")
    expect(field(page, "City")).to_have_value("Serres")
    expect(field(page, "Country")).to_have_value("GR")
    expect(field(page, "Category")).to_have_value("city_official")
    expect(consent(page)).not_to_be_checked()

    # The summary's links take keyboard and screen-reader users to the field.
    summary.get_by_role("link", name=re.compile("^E-mail address")).click()
    expect(email).to_be_focused()
    assert registrations() == []
    assert outbox() == []


def test_error_summary_has_focus_after_a_failed_submit(page, event):
    page.goto(f"/e/{event.slug}/register")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("alert")).to_be_focused(timeout=1_000)


def test_persian_registration_page_is_right_to_left(page, event):
    page.goto(f"/e/{event.slug}/register")
    page.get_by_label("Language", exact=True).select_option(label="فارسی")
    page.get_by_role("button", name="Change", exact=True).click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    heading = page.get_by_role("heading", level=1)
    expect(heading).not_to_contain_text("Register for")
    for part in t("Register for %(event)s", "fa").split("%(event)s"):
        expect(heading).to_contain_text(part.strip())
    # The language of the page is the one proposed for the e-mails.
    expect(field(page, "Preferred language", "fa")).to_have_value("fa")

    field(page, "Given name", "fa").fill("علی")
    field(page, "Family name", "fa").fill("رضایی")
    field(page, "Given name in Latin letters", "fa").fill("Ali")
    field(page, "Family name in Latin letters", "fa").fill("Rezaei")
    field(page, "E-mail address", "fa").fill("ali.rezaei@kermanshah.example")
    field(page, "Category", "fa").select_option(label=t("Mayor", "fa"))
    field(page, "Organisation", "fa").fill("شهرداری کرمانشاه")
    field(page, "City", "fa").fill("Kermanshah")
    field(page, "Country", "fa").select_option(label=Locale.parse("fa").territories["IR"])
    consent(page, "fa").check()
    page.get_by_role("button", name=t("Register", "fa"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Thank you", "fa"))
    [registration] = registrations()
    assert registration.preferred_locale == "fa"
    assert (registration.given_name, registration.latin_family_name) == ("علی", "Rezaei")
    assert registration.country == "IR"
    [message] = outbox()
    title = event.name["en"]  # the event has no Persian name
    assert message.subject != f"Your registration for {title}"
    assert message.subject == t("Your registration for %(event)s", "fa") % {"event": title}


def test_double_click_on_submit_creates_one_registration(app, page, event, monkeypatch):
    """Chromium drops a form submission it has not sent yet when the form is submitted
    again, so a plain double click reaches the server once. Here the server is slow to
    answer the first submission, as on a poor connection, and the impatient second
    click reaches it too."""
    posts, first_arrived, second_arrived = [], threading.Event(), threading.Event()
    serve = app.wsgi_app

    def slow_to_answer_first_post(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST":
            return serve(environ, start_response)
        posts.append(environ["PATH_INFO"])
        if len(posts) > 1:
            second_arrived.set()
            return serve(environ, start_response)
        response = serve(environ, start_response)  # the registration is stored by now
        first_arrived.set()
        second_arrived.wait(5)
        return response

    monkeypatch.setattr(app, "wsgi_app", slow_to_answer_first_post)
    fill_in_athanasios(page, event)
    # The mouse, unlike a locator, does not wait for the page to finish loading first.
    register = page.get_by_role("button", name="Register", exact=True)
    register.scroll_into_view_if_needed()
    box = register.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    assert first_arrived.wait(5)
    page.mouse.click(x, y)

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert posts == [f"/e/{event.slug}/register"] * 2
    assert len(registrations()) == 1
    assert len(outbox()) == 1


def test_phone_viewport_registration_form_has_no_horizontal_scroll(new_page, event):
    page = new_page(viewport={"width": 375, "height": 740})

    def overflows() -> bool:
        return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

    page.goto(f"/e/{event.slug}/register")
    assert page.evaluate("window.innerWidth") == 375
    assert not overflows(), "English form"
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert not overflows(), "English form with its error messages"
    page.get_by_label("Language", exact=True).select_option(label="فارسی")
    page.get_by_role("button", name="Change", exact=True).click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert not overflows(), "Persian form"
