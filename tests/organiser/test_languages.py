"""Organisers' texts in every language, the translations still missing, and delegate
lists sorted as people of the visitor's language sort names."""

import re

import pytest

from confreg.extensions import db
from tests.conftest import form_fields, log_in, make_staff, register


@pytest.fixture
def organiser(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    return client


def names_in_order(page: str) -> list[str]:
    return re.findall(r'<a href="/organiser/[^"]+/delegates/[^"]+"><bdi>([^<]+)</bdi>', page)


def test_names_sort_by_letters_not_by_code_points(organiser, event):
    for number, family in enumerate(("Zoë", "émile", "Ábel", "Müller", "Καρπουχτσής")):
        register(organiser, event, email=f"d{number}@example.org", given_name="X",
                 family_name=family)  # fmt: skip
    page = organiser.get(f"/organiser/{event.slug}/delegates?sort=name").get_data(as_text=True)
    families = [name.split(" ", 1)[1] for name in names_in_order(page)]
    assert families == ["Ábel", "émile", "Müller", "Zoë", "Καρπουχτσής"]


def test_turkish_letters_sort_as_turkish_on_postgresql(app, organiser, event):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("locale collations come from PostgreSQL's ICU; SQLite sorts by the root order")
    for number, family in enumerate(("Demir", "Çelik", "Cengiz")):
        register(organiser, event, email=f"t{number}@example.org", given_name="X",
                 family_name=family)  # fmt: skip
    organiser.set_cookie("confreg_locale", "tr")
    page = organiser.get(f"/organiser/{event.slug}/delegates?sort=name").get_data(as_text=True)
    assert [name.split(" ", 1)[1] for name in names_in_order(page)] == ["Cengiz", "Çelik", "Demir"]


def test_event_texts_are_shown_in_the_visitors_language_with_a_fallback(organiser, event, app):
    url = f"/organiser/{event.slug}/texts"
    fields = form_fields(organiser, url) | {
        "name_en": "Learning Cities Test Conference",
        "name_es": "Conferencia de prueba",
        "registration_help_en": "Bring your passport.",
        "registration_help_fa": "گذرنامه‌تان را همراه بیاورید.",
        "confirmation_note_en": "See you in Ljubljana!",
    }
    assert organiser.post(url, data=fields).status_code == 303
    persian = organiser.get(f"/e/{event.slug}/register", headers={"Accept-Language": "fa"})
    assert "گذرنامه‌تان را همراه بیاورید." in persian.get_data(as_text=True)
    spanish = organiser.get(f"/e/{event.slug}/register", headers={"Accept-Language": "es"})
    assert "Bring your passport." in spanish.get_data(as_text=True)  # the main language

    from confreg.mail import OutboxMessage

    register(organiser, event, email="note@example.org", preferred_locale="en")
    bodies = [message.body for message in db.session.query(OutboxMessage).all()]
    assert any("See you in Ljubljana!" in body for body in bodies)


def test_the_event_name_stays_required_in_the_main_language(organiser, event):
    url = f"/organiser/{event.slug}/texts"
    page = organiser.post(url, data=form_fields(organiser, url) | {"name_en": ""}).get_data(
        as_text=True
    )
    assert "Enter the event&#39;s name in English" in page
    db.session.refresh(event)
    assert event.name["en"] == "Learning Cities Test Conference"


def test_organisers_see_which_translations_are_missing(organiser, event):
    page = organiser.get(f"/organiser/{event.slug}/translations").get_data(as_text=True)
    assert "1 text lacks translations." in page  # the event name: en and es only
    assert page.count('class="written"') == 2
