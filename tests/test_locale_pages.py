"""Every public page in every language, in the language's direction; and no English
left on the key pages in the two right-to-left languages."""

import re
from datetime import UTC, datetime, timedelta
from functools import cache
from html import unescape

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from config import ROOT
from confreg.events.models import ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.registration.links import manage_token
from confreg.registration.models import Registration
from tests.conftest import log_in, make_event, make_staff, register

RTL = {"ar", "fa"}
NINE_IN_LJUBLJANA = datetime(2031, 5, 6, 7, 0, tzinfo=UTC)

#: Organiser-entered content in the languages the pages are read in here, so that
#: an English fallback of the event's own texts is not mistaken for the UI's.
CONTENT = {
    "en": ("Learning Cities Test Conference", "Plenary", "Europe", "Session"),
    "fa": ("همایش آزمایشی شهرهای یادگیرنده", "نشست عمومی", "اروپا", "نشست"),
    "ar": ("المؤتمر التجريبي لمدن التعلم", "الجلسة العامة", "أوروبا", "جلسة"),
}

#: What the test types in as delegates: their own data, never the UI's.
DELEGATE = dict(
    given_name="مریم",
    family_name="احمدی",
    latin_given_name="Maryam",
    latin_family_name="Ahmadi",
    organisation="شهرداری اصفهان",
    job_title="مدیر آموزش",
    city="Isfahan",
    country="IR",
)


def build_event():
    event = make_event(name={code: texts[0] for code, texts in CONTENT.items()})
    plenary = Track(
        event=event, kind="plenary", colour="#1b4f72",
        name={code: texts[1] for code, texts in CONTENT.items()},
    )  # fmt: skip
    regional = Track(
        event=event, kind="regional", colour="#2874a6",
        name={code: texts[2] for code, texts in CONTENT.items()},
    )  # fmt: skip
    room = Room(event=event, name="Hall A", capacity=40)
    db.session.add_all([plenary, regional, room])
    for slot in range(2):
        start = NINE_IN_LJUBLJANA + timedelta(hours=2 * slot)
        for number in range(3):
            db.session.add(
                ProgrammeSession(
                    event=event, track=regional if number else plenary, room=room,
                    title={code: f"{texts[3]} {slot}.{number}" for code, texts in CONTENT.items()},
                    starts_at=start, ends_at=start + timedelta(minutes=90),
                    capacity=None if number else 30,
                )
            )  # fmt: skip
    db.session.commit()
    return event


def delegates(client, event, count: int = 1) -> list[Registration]:
    for number in range(count):
        response = register(client, event, **DELEGATE, email=f"maryam{number}@isfahan.example")
        assert response.status_code == 303, response.get_data(as_text=True)
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def html_attributes(page: str) -> dict[str, str]:
    tag = re.search(r"<html\b([^>]*)>", page)
    assert tag, page[:200]
    return dict(re.findall(r'(\w+)="([^"]*)"', tag.group(1)))


def test_every_public_page_renders_in_every_language_in_its_direction(app, client):
    event = build_event()
    [registration] = delegates(client, event)
    slug = event.slug
    pages = [
        "/",
        f"/e/{slug}/",
        f"/e/{slug}/register",
        f"/e/{slug}/programme",
        f"/e/{slug}/manage/{manage_token(registration)}",
        f"/e/{slug}/manage/lost",
        f"/e/{slug}/letters/verify",
        f"/e/{slug}/letters/verify?reference=VL-7K3M-Q9TX-2B4R",
        "/staff/login",
    ]
    problems = []
    for locale in app.config["LOCALES"]:
        client.set_cookie("confreg_locale", locale)
        for path in pages:
            response = client.get(path)
            if response.status_code != 200:
                problems.append((locale, path, response.status_code))
                continue
            html = html_attributes(response.get_data(as_text=True))
            expected = {"lang": locale, "dir": "rtl" if locale in RTL else "ltr"}
            if {name: html.get(name) for name in expected} != expected:
                problems.append((locale, path, html))
    assert problems == []


# What a reader sees or hears: text, and the attributes read out or shown as labels.
_HIDDEN_FROM_CHECK = re.compile(
    r"<(script|style)\b.*?</\1>"
    # language names are written in their own language, English among them
    r'|<select\b[^>]*\bid="(?:locale-menu|preferred_locale)".*?</select>',
    re.S,
)
_READ_ATTRIBUTE = re.compile(r'\s(?:aria-label|alt|title|placeholder|data-label)="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def visible_text(page: str, entered: list[str]) -> str:
    page = _HIDDEN_FROM_CHECK.sub(" ", page)
    text = " ".join([*_READ_ATTRIBUTE.findall(page), _TAG.sub(" ", page)])
    text = unescape(text)
    for value in sorted(entered, key=len, reverse=True):
        text = text.replace(value, " ")
    return " ".join(text.split())


def _is_wording(fragment: str) -> bool:
    words = re.findall(r"[A-Za-z]+", fragment)
    return len(words) >= 2 or any(len(word) >= 6 for word in words)


@cache
def english_wording(locale: str) -> tuple[tuple[str, re.Pattern], ...]:
    """The catalogue's English sentences and labels (the parts between placeholders)
    that this language's catalogue does not keep as they are, each with a pattern
    that finds it as whole words."""
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        translated = read_po(po)
    with (ROOT / "translations" / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    wording = {}
    for message in template:
        if not message.id:
            continue
        entry = translated.get(message.id)
        strings = entry.string if entry else ""
        translation = " ".join(strings) if isinstance(strings, tuple | list) else strings
        for english in message.id if isinstance(message.id, tuple) else (message.id,):
            for fragment in _PLACEHOLDER.split(english):
                fragment = " ".join(fragment.split()).strip(" ,.:;()·–-")
                if _is_wording(fragment) and fragment not in translation:
                    words = r"\s+".join(map(re.escape, fragment.split()))
                    wording[fragment] = re.compile(rf"(?<!\w){words}(?!\w)")
    return tuple(wording.items())


def untranslated(page: str, locale: str, entered: list[str]) -> list[str]:
    text = visible_text(page, entered)
    return [english for english, pattern in english_wording(locale) if pattern.search(text)]


@pytest.mark.parametrize("locale", sorted(RTL))
def test_key_pages_show_no_english_in_right_to_left_languages(app, client, locale, monkeypatch):
    event = build_event()
    registrations = delegates(client, event, count=3)
    entered = [
        *DELEGATE.values(), *(registration.email for registration in registrations),
        "Hall A", "Not an address",
    ]  # fmt: skip
    client.set_cookie("confreg_locale", locale)
    failed_form = register(
        client, event, given_name="", email="Not an address", country="XX",
        needs_visa_letter="y", passport_number="12", date_of_birth="1890-01-01",
        privacy_consent=None,
    )  # fmt: skip
    assert failed_form.status_code == 200
    assert 'class="error-summary"' in failed_form.get_data(as_text=True)
    monkeypatch.setitem(app.config, "DELEGATES_PER_PAGE", 1)
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    pages = {
        "registration form with errors": failed_form,
        "programme": client.get(f"/e/{event.slug}/programme"),
        "personal page": client.get(f"/e/{event.slug}/manage/{manage_token(registrations[0])}"),
        "delegate list": client.get(f"/organiser/{event.slug}/delegates?page=2"),
    }
    assert 'rel="next"' in pages["delegate list"].get_data(as_text=True)

    english = {
        name: untranslated(response.get_data(as_text=True), locale, entered)
        for name, response in pages.items()
    }
    assert {name: found for name, found in english.items() if found} == {}
    assert [response.status_code for response in pages.values()] == [200] * len(pages)


def test_the_check_finds_english_left_on_a_page():
    page = "<p>ثبت نام</p><p>Please correct the following</p><label>Family name</label>"
    assert set(untranslated(page, "fa", entered=[])) == {
        "Please correct the following",
        "Family name",
    }
    assert untranslated(page, "fa", entered=["Family name"]) == ["Please correct the following"]
