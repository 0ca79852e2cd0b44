import re
import secrets
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from confreg.i18n import available_locales, country_choices, language_name
from confreg.names import clean_multiline, clean_text, has_forbidden_characters, is_latin
from confreg.registration.models import CATEGORIES
from confreg.registration.service import DETAIL_FIELDS
from confreg.registration.travel import TRAVEL_FIELDS

_PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
_SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class PlainText:
    """Refuses control characters and bidi overrides (and line breaks, unless allowed)."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field):
        raw = " ".join(field.raw_data or [])
        if has_forbidden_characters(raw, multiline=self.multiline):
            raise StopValidation(_l("Remove the invisible control characters from this field."))


class LatinLetters:
    def __call__(self, form, field):
        if field.data and not is_latin(field.data):
            raise ValidationError(_l("Use Latin letters only (accents are fine)."))


class RequiredIfVisa:
    """Required when a visa letter is asked for; ignored otherwise."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not form.needs_visa_letter.data:
            field.errors[:] = []
            raise StopValidation
        if field.errors:  # already says why the value is unusable
            raise StopValidation
        if not field.data:
            raise StopValidation(self.message)


class EmailAddress:
    """A deliverable-looking address, normalised (domain lower-cased, IDNA)."""

    def __call__(self, form, field):
        try:
            result = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError as error:
            message = _l("Enter a valid e-mail address, e.g. name@example.org.")
            raise ValidationError(message) from error
        field.data = result.normalized


class InvitedAddress:
    """The address an invitation was sent to: another one is refused."""

    def __init__(self, email: str):
        self.email = email

    def __call__(self, form, field):
        if (field.data or "").strip().lower() != self.email.lower():
            message = _l(
                "This invitation is for %(email)s; the address cannot be changed.", email=self.email
            )
            raise ValidationError(message)


class ChoiceOf:
    """Checks a select's value against its choices with our own message."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise StopValidation(self.message)


class OptionalDateField(DateField):
    """A date that may be left empty, with a clear message when it is not a date."""

    def process_formdata(self, valuelist):
        if not "".join(valuelist or []).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


def _length(maximum: int):
    return Length(max=maximum, message=_l("Use at most %(max)d characters."))


def _text(label, maximum, required_message=None, latin=False, description=None, multiline=False):
    validators = [PlainText(multiline)]
    validators.append(DataRequired(required_message) if required_message else Optional())
    validators.append(_length(maximum))
    if latin:
        validators.append(LatinLetters())
    field_class = TextAreaField if multiline else StringField
    return field_class(
        label,
        validators=validators,
        filters=[clean_multiline if multiline else clean_text],
        description=description,
        render_kw={"maxlength": maximum},
    )


class DelegateDetailsForm(FlaskForm):
    """A delegate's details, as given when registering and changed later."""

    given_name = _text(
        _l("Given name"),
        100,
        _l("Enter your given name."),
        description=_l("As written in your own script. If you have only one name, enter it here."),
    )
    family_name = _text(_l("Family name"), 100, description=_l("As written in your own script."))
    latin_given_name = _text(
        _l("Given name in Latin letters"),
        100,
        latin=True,
        description=_l("Only if your name is written in another script, e.g. Athanasios."),
    )
    latin_family_name = _text(_l("Family name in Latin letters"), 100, latin=True)
    email = StringField(
        _l("E-mail address"),
        validators=[
            PlainText(),
            DataRequired(_l("Enter your e-mail address.")),
            _length(254),
            EmailAddress(),
        ],
        filters=[clean_text],
        render_kw={"maxlength": 254, "autocomplete": "email", "dir": "ltr"},
    )
    category = SelectField(
        _l("Category"),
        validators=[
            DataRequired(_l("Choose the category that describes you best.")),
            ChoiceOf(_l("Choose a category from the list.")),
        ],
        validate_choice=False,
    )
    organisation = _text(
        _l("Organisation"),
        200,
        _l("Enter the organisation you represent."),
        description=_l("For example: City of Serres, or Ministry of Education."),
    )
    job_title = _text(_l("Job title"), 200)
    city = _text(_l("City"), 100, _l("Enter your city."))
    country = SelectField(
        _l("Country"),
        validators=[
            DataRequired(_l("Choose your country.")),
            ChoiceOf(_l("Choose a country from the list.")),
        ],
        validate_choice=False,
    )
    preferred_locale = SelectField(
        _l("Preferred language"),
        validators=[
            DataRequired(_l("Choose the language for your e-mails and documents.")),
            ChoiceOf(_l("Choose a language from the list.")),
        ],
        validate_choice=False,
        description=_l("We write to you in this language."),
    )
    dietary_needs = _text(
        _l("Dietary needs"), 500, multiline=True, description=_l("For example: vegetarian, halal.")
    )
    accessibility_needs = _text(
        _l("Accessibility needs"),
        500,
        multiline=True,
        description=_l("For example: wheelchair access, sign language interpretation."),
    )
    needs_visa_letter = BooleanField(_l("I need a visa invitation letter"))
    passport_name = StringField(
        _l("Name as in your passport"),
        validators=[
            PlainText(),
            RequiredIfVisa(_l("Enter your name exactly as your passport shows it.")),
            _length(200),
            LatinLetters(),
        ],
        filters=[clean_text],
        render_kw={"maxlength": 200},
    )
    nationality = SelectField(
        _l("Nationality"),
        validators=[
            RequiredIfVisa(_l("Choose your nationality.")),
            ChoiceOf(_l("Choose a nationality from the list.")),
        ],
        validate_choice=False,
    )
    passport_number = StringField(
        _l("Passport number"),
        validators=[PlainText(), RequiredIfVisa(_l("Enter your passport number."))],
        filters=[lambda value: clean_text(value).replace(" ", "").upper()],
        render_kw={"maxlength": 20, "dir": "ltr", "autocapitalize": "characters"},
    )
    date_of_birth = OptionalDateField(
        _l("Date of birth"),
        validators=[RequiredIfVisa(_l("Enter your date of birth."))],
        invalid_value_message=_l("Enter the date as year, month and day, e.g. 1980-04-23."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = [("", _l("Choose…")), *country_choices()]
        self.country.choices = countries
        self.nationality.choices = countries
        self.category.choices = [("", _l("Choose…")), *CATEGORIES.items()]
        self.preferred_locale.choices = [
            (code, language_name(code)) for code in available_locales()
        ]

    def validate_passport_number(self, field):
        if not _PASSPORT_NUMBER.match(field.data):
            raise ValidationError(_l("A passport number has 5 to 20 letters and digits."))

    def validate_date_of_birth(self, field):
        today = date.today()
        if not date(today.year - 120, 1, 1) <= field.data <= today:
            raise ValidationError(_l("Enter your real date of birth."))

    def details(self) -> dict:
        return {name: getattr(self, name).data for name in DETAIL_FIELDS}


class RegistrationForm(DelegateDetailsForm):
    #: Sessions chosen now, taken up once the registration is confirmed.
    sessions = SelectMultipleField(
        _l("Sessions you would like to attend"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        invalid_value_message=_l("Choose sessions from the list."),
        invalid_choice_message=_l("Choose sessions from the list (%(value)s is not one)."),
    )
    privacy_consent = BooleanField(
        _l("I have read the privacy notice and agree that my data is used for this event."),
        validators=[DataRequired(_l("Accept the privacy notice to register."))],
    )
    #: Identifies this filling-in of the form: sending it again creates nothing new.
    submission_key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(24)

    def accept_invitation(self, invitation) -> None:
        """Registering through an invitation: its details are filled in, and its address
        is shown read-only and cannot be changed."""
        self.email.render_kw = dict(self.email.render_kw or {}, readonly=True)
        self.email.validators = [*self.email.validators, InvitedAddress(invitation.email)]
        if not self.is_submitted():
            self.email.data = invitation.email
            self.given_name.data = invitation.given_name
            self.family_name.data = invitation.family_name
            self.category.data = invitation.category
            self.preferred_locale.data = invitation.locale

    def validate_submission_key(self, field):
        if not _SUBMISSION_KEY.match(field.data or ""):
            raise ValidationError(_l("The form was damaged in transit. Please submit it again."))


class LostLinkForm(FlaskForm):
    email = StringField(
        _l("E-mail address"),
        validators=[
            PlainText(),
            DataRequired(_l("Enter your e-mail address.")),
            _length(254),
            EmailAddress(),
        ],
        filters=[clean_text],
        render_kw={"maxlength": 254, "autocomplete": "email", "dir": "ltr"},
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: nothing but the CSRF token."""


class OptionalTimeField(TimeField):
    """A time of day that may be left empty; browsers send seconds when asked for them."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format=["%H:%M", "%H:%M:%S"], **kwargs)

    def process_formdata(self, valuelist):
        if not "".join(valuelist or []).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


def _flight(label):
    return StringField(
        label,
        validators=[PlainText(), Optional()],
        filters=[clean_text],
        description=_l("As on your ticket, e.g. AM 0402 or LH403."),
        render_kw={"maxlength": 20, "dir": "ltr", "autocapitalize": "characters"},
    )


class TravelForm(FlaskForm):
    """A delegate's travel, as the hosts plan transfers, rooms and meals with it; the
    rules are travel.update_travel's, this only reads what was typed."""

    arrival_on = OptionalDateField(
        _l("Arrival date"),
        invalid_value_message=_l("Enter the date as year, month and day, e.g. 2026-09-27."),
    )
    arrival_time = OptionalTimeField(
        _l("Arrival time"),
        invalid_value_message=_l("Enter the time as hours and minutes, e.g. 14:35."),
        description=_l("Local time at the conference city."),
    )
    arrival_flight = _flight(_l("Arrival flight"))
    departure_on = OptionalDateField(
        _l("Departure date"),
        invalid_value_message=_l("Enter the date as year, month and day, e.g. 2026-09-27."),
    )
    departure_time = OptionalTimeField(
        _l("Departure time"),
        invalid_value_message=_l("Enter the time as hours and minutes, e.g. 14:35."),
        description=_l("Local time at the conference city."),
    )
    departure_flight = _flight(_l("Departure flight"))
    hotel = _text(_l("Hotel"), 200, description=_l("Where you will stay, if you know it already."))
    wants_airport_transfer = BooleanField(_l("I would like an airport transfer"))
    accompanying_persons = IntegerField(
        _l("Accompanying persons"),
        validators=[Optional()],
        invalid_value_message=_l("Enter a whole number, e.g. 0 or 2."),
        description=_l("People travelling with you who join the transfers and meals."),
        render_kw={"min": 0, "max": 10, "inputmode": "numeric"},
    )

    def travel(self) -> dict:
        values = {name: getattr(self, name).data for name in TRAVEL_FIELDS}
        values["accompanying_persons"] = values["accompanying_persons"] or 0
        return values
