"""Locale choice, right-to-left pages and complete catalogues."""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import make_event

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
CATALOGUES = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def html_tag(page: str) -> str:
    return page.split("<html", 1)[1].split(">", 1)[0]


def test_persian_page_is_right_to_left_and_translated(client, event):
    page = client.get(
        f"/e/{event.slug}/register", headers={"Accept-Language": "fa-IR,fa;q=0.9"}
    ).get_data(as_text=True)
    assert 'lang="fa"' in html_tag(page)
    assert 'dir="rtl"' in html_tag(page)
    assert "Register for" not in page
    assert "Given name" not in page
    assert "ایران" in page  # country names in Persian


def test_english_page_is_left_to_right(client, event):
    page = client.get(f"/e/{event.slug}/register", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert html_tag(page).strip() == 'lang="en" dir="ltr"'
    assert "Register for Learning Cities Test Conference" in page
    assert '<option value="IR">Iran</option>' in page


def test_language_menu_choice_beats_the_browser_and_is_kept(client, event):
    token = client.get("/").get_data(as_text=True).split('name="csrf_token" value="')[1]
    token = token.split('"', 1)[0]
    response = client.post(
        "/language", data={"csrf_token": token, "locale": "es", "next": f"/e/{event.slug}/"}
    )
    assert response.status_code == 303
    assert response.location == f"/e/{event.slug}/"
    page = client.get(f"/e/{event.slug}/", headers={"Accept-Language": "fa"}).get_data(as_text=True)
    assert 'lang="es"' in html_tag(page)
    assert "Conferencia de prueba" in page  # the event's own Spanish name


def test_language_menu_ignores_unknown_locales_and_foreign_redirects(client, event):
    token = client.get("/").get_data(as_text=True).split('name="csrf_token" value="')[1]
    token = token.split('"', 1)[0]
    response = client.post(
        "/language", data={"csrf_token": token, "locale": "xx", "next": "https://evil.example/"}
    )
    assert response.location == "/"
    assert "confreg_locale" not in response.headers.get("Set-Cookie", "")


def test_event_default_locale_when_the_browser_asks_for_nothing_offered(client, app):
    event = make_event(default_locale="es")
    page = client.get(f"/e/{event.slug}/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'lang="es"' in html_tag(page)


def test_event_times_are_shown_in_the_event_zone_with_the_zone_named(client, app):
    from datetime import UTC, datetime

    from confreg.events.models import ProgrammeSession
    from confreg.extensions import db

    event = make_event()
    db.session.add(
        ProgrammeSession(
            event=event,
            title={"en": "Opening plenary"},
            starts_at=datetime(2031, 5, 6, 7, 0, tzinfo=UTC),
            ends_at=datetime(2031, 5, 6, 8, 30, tzinfo=UTC),
        )
    )
    db.session.commit()
    page = client.get(f"/e/{event.slug}/programme", headers={"Accept-Language": "en"})
    page = page.get_data(as_text=True)
    assert '<h3 class="slot-time">9:00\u202fAM</h3>' in page
    assert "All times: Slovenia Time." in page
    assert "Tuesday, May 6, 2031" in page


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_catalogue_is_complete_and_its_placeholders_match(po):
    with po.open("rb") as source:
        catalogue = read_po(source)
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert untranslated == []
    assert [(message.id, errors) for message, errors in catalogue.check()] == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_brace_placeholders_of_letter_texts_are_kept(po):
    """The built-in visa letter names its values in braces; a translation that renames
    or drops one would print a wrong or empty letter."""
    import re

    braces = re.compile(r"\{[a-z_]+\}")
    with po.open("rb") as source:
        catalogue = read_po(source)
    mismatched = [
        message.id
        for message in catalogue
        if isinstance(message.id, str)
        and message.string
        and sorted(braces.findall(message.id)) != sorted(braces.findall(message.string))
    ]
    assert mismatched == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_compiled_catalogue_is_up_to_date(po, tmp_path):
    """The committed .mo is what compiling the .po gives (run tools/catalogues.py)."""
    with po.open("rb") as source:
        catalogue = read_po(source)
    fresh = tmp_path / "messages.mo"
    with fresh.open("wb") as target:
        write_mo(target, catalogue)
    assert po.with_suffix(".mo").read_bytes() == fresh.read_bytes()


def test_every_extracted_string_is_in_every_catalogue():
    with (TRANSLATIONS / "messages.pot").open("rb") as source:
        template = {message.id for message in read_po(source) if message.id}
    for po in CATALOGUES:
        with po.open("rb") as source:
            ids = {message.id for message in read_po(source) if message.id}
        assert template == ids, po


def test_template_holds_every_string_in_the_code(tmp_path):
    """Strings added without running tools/catalogues.py would stay in English."""
    import subprocess
    import sys

    fresh = tmp_path / "messages.pot"
    root = TRANSLATIONS.parent
    extract = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract"]
    keywords = ["-k", "_l", "-k", "lazy_gettext"]
    subprocess.run(
        [*extract, "-F", "babel.cfg", *keywords, "-o", str(fresh), "."], cwd=root, check=True
    )
    with fresh.open("rb") as source:
        extracted = {message.id for message in read_po(source) if message.id}
    with (TRANSLATIONS / "messages.pot").open("rb") as source:
        committed = {message.id for message in read_po(source) if message.id}
    assert extracted == committed


def test_persian_form_errors_are_persian(client, event):
    from tests.conftest import register

    client.set_cookie("confreg_locale", "fa")
    page = register(client, event, email="broken", country="XX").get_data(as_text=True)
    assert 'dir="rtl"' in html_tag(page)
    english_phrases = ("Please correct", "(optional)", "Enter a valid", "Choose a country")
    for english in (*english_phrases, "Register"):
        assert english not in page, english
