"""The form an organiser writes a message to delegates in: a subject and a text per
language, the event's main language required, with placeholders checked."""

import re
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import HiddenInput

from confreg.events.models import Event
from confreg.organiser.messages import PLACEHOLDERS
from confreg.organiser.programme_forms import (
    _add_localised_fields,
    _LocalisedForm,
    form_locales,
    language_in_current_locale,
)
from confreg.placeholders import PlaceholderText

_SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{32}$")


class MessageForm(_LocalisedForm):
    #: Identifies this writing of the message: sending the form again sends nothing new.
    submission_key = HiddenField()
    #: The number of recipients the organiser saw when confirming.
    expected_recipients = IntegerField(widget=HiddenInput(), validators=[Optional()])
    confirmed = BooleanField(_l("I have read the preview: send this message now"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(24)

    def validate_submission_key(self, field):
        if not _SUBMISSION_KEY.match(field.data or ""):
            raise ValidationError(_l("The form was damaged in transit. Please submit it again."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for code in self.locales:
            subject, body = self[f"subject_{code}"], self[f"body_{code}"]
            language = language_in_current_locale(code)
            if body.data and not subject.data and not subject.errors:
                subject.errors.append(_("Write a subject in %(language)s too.", language=language))
                valid = False
            if subject.data and not body.data and not body.errors:
                body.errors.append(_("Write the text in %(language)s too.", language=language))
                valid = False
        return valid


def message_form(event: Event, **kwargs) -> MessageForm:
    form_class = type("MessageForm", (MessageForm,), {})
    _add_localised_fields(
        form_class,
        "subject",
        event,
        lambda language: _("Subject in %(language)s", language=language),
        lambda language: _(
            "Write the subject in %(language)s, the event's main language.", language=language
        ),
        200,
    )
    _add_localised_fields(
        form_class,
        "body",
        event,
        lambda language: _("Text in %(language)s", language=language),
        lambda language: _(
            "Write the text in %(language)s, the event's main language.", language=language
        ),
        10000,
        multiline=True,
    )
    for code in form_locales(event):
        for name in ("subject", "body"):
            getattr(form_class, f"{name}_{code}").kwargs["validators"].append(
                PlaceholderText(PLACEHOLDERS)
            )
    form = form_class(**kwargs)
    form.locales = form_locales(event)
    return form
