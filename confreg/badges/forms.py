"""Forms of badges and documents: photo upload, badge and letter settings, printing."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from confreg.badges.documents import LETTER_PLACEHOLDERS
from confreg.badges.pdf import LAYOUTS
from confreg.badges.service import badge_colour
from confreg.events.models import Event
from confreg.names import clean_multiline, clean_text
from confreg.organiser.programme_forms import (
    colour_field,
    form_locales,
    language_in_current_locale,
)
from confreg.placeholders import PlaceholderText
from confreg.registration.forms import ChoiceOf, PlainText
from confreg.registration.models import CATEGORIES, STATUSES


class PhotoForm(FlaskForm):
    photo = FileField(
        _l("Photo"),
        validators=[FileRequired(_l("Choose a photo to upload."))],
        description=_l("A passport-style photo, JPEG or PNG, up to 5 MB."),
        render_kw={"accept": "image/jpeg,image/png"},
    )


class BadgeSettingsForm(FlaskForm):
    layout = SelectField(
        _l("Badge layout"),
        validators=[
            DataRequired(_l("Choose a layout from the list.")),
            ChoiceOf(_l("Choose a layout from the list.")),
        ],
        validate_choice=False,
    )
    shows_photo = BooleanField(_l("Print the delegate's photo on the badge, when there is one"))

    def colours(self) -> dict[str, str]:
        return {code: self[f"colour_{code}"].data for code in CATEGORIES}


def badge_settings_form(event: Event, **kwargs) -> BadgeSettingsForm:
    class Form(BadgeSettingsForm):
        pass

    for code, label in CATEGORIES.items():
        setattr(Form, f"colour_{code}", colour_field(label, type="color"))
    form = Form(**kwargs)
    form.layout.choices = [(code, layout.label) for code, layout in LAYOUTS.items()]
    if not form.is_submitted():
        form.layout.data = event.badge_layout
        form.shows_photo.data = event.badge_shows_photo
        for code in CATEGORIES:
            form[f"colour_{code}"].data = badge_colour(event, code)
    return form


class LetterSettingsForm(FlaskForm):
    signatory = StringField(
        _l("Signed by"),
        validators=[PlainText(), Optional(), Length(max=200)],
        filters=[clean_text],
    )
    signatory_title = StringField(
        _l("Signatory's title"),
        validators=[PlainText(), Optional(), Length(max=200)],
        filters=[clean_text],
    )

    def texts(self) -> dict[str, str]:
        return {code: self[f"text_{code}"].data for code in self.locales}


def letter_settings_form(event: Event, **kwargs) -> LetterSettingsForm:
    class Form(LetterSettingsForm):
        locales = form_locales(event)

    for code in Form.locales:
        setattr(
            Form,
            f"text_{code}",
            TextAreaField(
                _l("Letter text in %(language)s", language=language_in_current_locale(code)),
                validators=[
                    PlainText(multiline=True),
                    PlaceholderText(LETTER_PLACEHOLDERS),
                    Length(max=5000),
                ],
                filters=[clean_multiline],
                render_kw={"lang": code, "rows": 8},
            ),
        )
    form = Form(**kwargs)
    if not form.is_submitted():
        form.signatory.data = event.visa_letter_signatory
        form.signatory_title.data = event.visa_letter_signatory_title
        for code in Form.locales:
            form[f"text_{code}"].data = event.visa_letter_text.get(code, "")
    return form


class BadgeFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter; printing itself is a POST with its own form

    category = SelectField(_l("Category"), validators=[Optional()], validate_choice=False)
    status = SelectField(
        _l("Status"), validators=[Optional()], validate_choice=False, default="confirmed"
    )
    not_printed = BooleanField(_l("Only badges not printed yet"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _l("All categories")), *CATEGORIES.items()]
        self.status.choices = [("", _l("Every status")), *STATUSES.items()]

    def values(self) -> dict:
        category = self.category.data if self.category.data in CATEGORIES else ""
        status = self.status.data if self.status.data in STATUSES else ""
        return {"category": category, "status": status, "not_printed": bool(self.not_printed.data)}
