"""Every field of the registration form: a clear message next to the field, nothing
typed lost, nothing stored."""

import re

import pytest
from sqlalchemy import select

from confreg.extensions import db
from confreg.registration.models import Registration
from tests.conftest import register


def field_error(page: str, field: str) -> str:
    match = re.search(rf'<span class="error" id="{field}-error">(.*?)</span>', page, re.S)
    return match.group(1).strip() if match else ""


def rejected(client, event, field, **overrides) -> str:
    """Send the form with `overrides`; check it is shown again with an error at
    `field` and that nothing was stored. Returns the error message."""
    response = register(client, event, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert db.session.scalars(select(Registration)).all() == []
    assert 'class="error-summary"' in page
    assert f'href="#{field}"' in page  # the summary links to the field
    assert 'aria-invalid="true"' in page
    message = field_error(page, field)
    assert message, f"no error shown next to {field}"
    return message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("given_name", "", "Enter your given name."),
        ("given_name", "   ", "Enter your given name."),
        ("given_name", "x" * 101, "Use at most 100 characters."),
        ("given_name", "Ana\x00", "Remove the invisible control characters"),
        ("given_name", "Ana\nMaria", "Remove the invisible control characters"),
        ("family_name", "\u202eevil", "Remove the invisible control characters"),
        ("latin_given_name", "Αθανάσιος", "Use Latin letters only"),
        ("latin_family_name", "y" * 101, "Use at most 100 characters."),
        ("email", "", "Enter your e-mail address."),
        ("email", "not-an-address", "Enter a valid e-mail address"),
        ("email", "someone@", "Enter a valid e-mail address"),
        ("email", "a@" + "b" * 250 + ".org", "Use at most 254 characters."),
        ("category", "", "Choose the category that describes you best."),
        ("category", "emperor", "Choose a category from the list."),
        ("organisation", "", "Enter the organisation you represent."),
        ("organisation", "o" * 201, "Use at most 200 characters."),
        ("job_title", "j" * 201, "Use at most 200 characters."),
        ("city", "", "Enter your city."),
        ("country", "", "Choose your country."),
        ("country", "XX", "Choose a country from the list."),
        ("country", "Greece", "Choose a country from the list."),
        ("preferred_locale", "", "Choose the language for your e-mails"),
        ("preferred_locale", "tlh", "Choose a language from the list."),
        ("dietary_needs", "d" * 501, "Use at most 500 characters."),
        ("accessibility_needs", "bell\x07", "Remove the invisible control characters"),
        ("privacy_consent", None, "Accept the privacy notice to register."),
    ],
)
def test_field_is_validated_with_a_clear_message(client, event, field, value, message):
    assert message in rejected(client, event, field, **{field: value})


VISA = dict(
    needs_visa_letter="y",
    passport_name="KARPOUCHTSIS ATHANASIOS",
    nationality="GR",
    passport_number="AB1234567",
    date_of_birth="1975-03-14",
)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("passport_name", "", "Enter your name exactly as your passport shows it."),
        ("passport_name", "Αθανάσιος", "Use Latin letters only"),
        ("nationality", "", "Choose your nationality."),
        ("nationality", "ZZ", "Choose a nationality from the list."),
        ("passport_number", "", "Enter your passport number."),
        ("passport_number", "12-34", "A passport number has 5 to 20 letters and digits."),
        ("passport_number", "A" * 21, "A passport number has 5 to 20 letters and digits."),
        ("date_of_birth", "", "Enter your date of birth."),
        ("date_of_birth", "14/03/1975", "Enter the date as year, month and day"),
        ("date_of_birth", "1975-02-30", "Enter the date as year, month and day"),
        ("date_of_birth", "2999-01-01", "Enter your real date of birth."),
        ("date_of_birth", "1800-01-01", "Enter your real date of birth."),
    ],
)
def test_visa_details_are_required_and_checked_when_a_letter_is_wanted(
    client, event, field, value, message
):
    errors = rejected(client, event, field, **(VISA | {field: value}))
    assert message in errors
    assert len(re.findall(r"(?:^|\. )(?:Enter|Choose|Use|A passport)", errors)) == 1, errors


def test_visa_details_are_ignored_and_dropped_without_a_letter(client, event):
    response = register(client, event, **(VISA | {"needs_visa_letter": None, "nationality": "ZZ"}))
    assert response.status_code == 303
    registration = db.session.scalars(select(Registration)).one()
    assert registration.needs_visa_letter is False
    assert (registration.passport_number, registration.nationality) == ("", "")
    assert registration.date_of_birth is None


def test_visa_details_are_stored_normalised(client, event):
    assert register(client, event, **(VISA | {"passport_number": "ab 123 4567"})).status_code == 303
    registration = db.session.scalars(select(Registration)).one()
    assert registration.passport_number == "AB1234567"
    assert registration.date_of_birth.isoformat() == "1975-03-14"


def test_everything_typed_is_shown_again_after_an_error(client, event):
    page = register(
        client,
        event,
        email="broken",
        given_name="Ayşe",
        family_name="Yılmaz",
        organisation="Balıkesir Büyükşehir Belediyesi",
        city="Balıkesir",
        country="TR",
        dietary_needs="Halal & <no pork>",
        needs_visa_letter="y",
        passport_number="U12345678",
    ).get_data(as_text=True)

    for typed in (
        'value="broken"',
        'value="Ayşe"',
        'value="Yılmaz"',
        'value="Balıkesir Büyükşehir Belediyesi"',
        '<option selected value="TR">',
        "Halal &amp; &lt;no pork&gt;</textarea>",
        'value="U12345678"',
        '<input checked id="needs_visa_letter"',
    ):
        assert typed in page, typed


def test_names_are_trimmed_and_normalised(client, event):
    decomposed = "Jos\u0065\u0301"  # é written as e + combining accent
    register(client, event, given_name=f"  {decomposed}  ", family_name="  de   la  Cruz ")
    registration = db.session.scalars(select(Registration)).one()
    assert registration.given_name == "José"
    assert registration.family_name == "de la Cruz"


def test_single_name_without_family_name_is_accepted(client, event):
    assert register(client, event, family_name="", latin_family_name="").status_code == 303


def test_persian_name_with_zero_width_non_joiner_is_accepted(client, event):
    assert register(client, event, given_name="نیم\u200cفاصله").status_code == 303


def test_field_errors_are_translated(client, event):
    client.set_cookie("confreg_locale", "es")
    message = rejected(client, event, "email", email="broken")
    assert "e-mail address" not in message
