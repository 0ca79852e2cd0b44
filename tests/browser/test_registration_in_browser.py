"""Registering and managing a registration in a real browser, in English and Persian,
on a laptop and on a phone."""

import re

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.registration.models import Registration
from tests.test_i18n import TRANSLATIONS

pytestmark = pytest.mark.browser


def stored() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration)))


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def personal_link(message: OutboxMessage) -> str:
    return re.search(r"http://confreg\.test(/e/\S+/manage/\S+)", message.body).group(1)


def fill_in(page, labels, **values):
    """Type into the fields found by their visible labels, as a person would."""
    for key, value in values.items():
        field = page.get_by_label(labels[key], exact=True)
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)


def labels_in(locale: str) -> dict[str, str]:
    """Field labels as the catalogue translates them, so the test follows the catalogue."""
    english = {
        "given": "Given name",
        "family": "Family name",
        "latin_given": "Given name in Latin letters",
        "latin_family": "Family name in Latin letters",
        "email": "E-mail address",
        "category": "Category",
        "organisation": "Organisation",
        "city": "City",
        "country": "Country",
    }
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source)
    return {key: catalogue.get(text).string or text for key, text in english.items()}


def optional(label: str, locale: str = "en") -> str:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        word = read_po(source).get("optional").string
    return f"{label} ({word})"


def register_athanasios(page, event):
    page.goto(f"/e/{event.slug}/register")
    labels = labels_in("en")
    for key in ("family", "latin_given", "latin_family"):
        labels[key] = optional(labels[key])
    fill_in(
        page,
        labels,
        given="Αθανάσιος",
        family="Καρπουχτσής",
        latin_given="Athanasios",
        latin_family="Karpouchtsis",
        email="a.karpouchtsis@serres.example",
        category="City official",
        organisation="Δήμος Σερρών",
        city="Serres",
        country="Greece",
    )
    page.get_by_label(re.compile("I have read the privacy notice")).check()


def test_delegate_registers_and_manages_the_registration(page, event):
    register_athanasios(page, event)
    page.get_by_role("button", name="Register").click()

    page.get_by_role("heading", name="Thank you").wait_for()
    assert len(stored()) == 1
    page.goto(personal_link(outbox()[0]))
    assert page.get_by_text("Confirmed", exact=True).is_visible()
    assert page.get_by_text("Αθανάσιος Καρπουχτσής").is_visible()

    page.get_by_role("link", name="Change my details").click()
    page.get_by_label("Organisation", exact=True).fill("Municipality of Serres")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("Your changes are saved.").is_visible()
    assert page.get_by_text("Municipality of Serres").is_visible()

    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    assert page.get_by_text("This registration is cancelled.").is_visible()
    assert [r.status for r in stored()] == ["cancelled"]


def test_errors_are_summarised_and_nothing_typed_is_lost(page, event):
    register_athanasios(page, event)
    page.get_by_label("E-mail address", exact=True).fill("not an address")
    page.get_by_label(re.compile("I have read the privacy notice")).uncheck()
    page.get_by_role("button", name="Register").click()

    summary = page.get_by_role("alert")
    assert "Enter a valid e-mail address" in summary.inner_text()
    assert "Accept the privacy notice to register." in summary.inner_text()
    email = page.get_by_label("E-mail address", exact=True)
    assert email.get_attribute("aria-invalid") == "true"
    assert email.input_value() == "not an address"
    assert page.get_by_label("Given name", exact=True).input_value() == "Αθανάσιος"
    assert page.get_by_label("Organisation", exact=True).input_value() == "Δήμος Σερρών"
    assert page.get_by_label("Country", exact=True).input_value() == "GR"
    summary.get_by_role("link", name=re.compile("E-mail address")).click()
    assert email.evaluate("element => element === document.activeElement")
    assert stored() == []


def test_persian_delegate_registers_right_to_left(browser, live_server, event):
    context = browser.new_context(base_url=live_server, locale="fa-IR")
    page = context.new_page()
    page.goto(f"/e/{event.slug}/register")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "Register for" not in heading

    labels = labels_in("fa")
    for key in ("family", "latin_given", "latin_family"):
        labels[key] = optional(labels[key], "fa")
    fill_in(
        page,
        labels,
        given="علی",
        family="رضایی",
        latin_given="Ali",
        latin_family="Rezaei",
        email="ali.rezaei@kermanshah.example",
        organisation="شهرداری کرمانشاه",
        city="Kermanshah",
        country="ایران",
    )
    page.get_by_label(labels["category"], exact=True).select_option("mayor")
    page.locator("#privacy_consent").check()
    page.locator("button[type=submit].primary").click()
    page.wait_for_url(re.compile("/register/thanks$"))

    [registration] = stored()
    assert registration.preferred_locale == "fa"
    assert (registration.given_name, registration.country) == ("علی", "IR")
    [message] = outbox()
    assert "Your registration" not in message.subject
    page.goto(personal_link(message))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_text("علی رضایی").first.is_visible()
    context.close()


def test_double_click_on_register_creates_one_registration(page, event):
    register_athanasios(page, event)
    page.locator("main form").evaluate("form => { form.requestSubmit(); form.requestSubmit(); }")
    page.get_by_role("heading", name="Thank you").wait_for()
    assert len(stored()) == 1
    assert len(outbox()) == 1


def test_registration_form_fits_a_phone_screen(browser, live_server, event):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    for locale in ("en", "fa"):
        context.add_cookies([{"name": "confreg_locale", "value": locale, "url": live_server}])
        page.goto(f"/e/{event.slug}/register")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, locale
    context.close()
