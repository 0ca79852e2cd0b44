"""Forms of the programme editor. Texts written per language get one field per locale
the site offers; the event's main language is required, the others optional."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from babel import Locale, UnknownLocaleError
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from confreg.events.models import Event, ProgrammeSession, Room, Track
from confreg.events.programme import SessionDetails
from confreg.names import clean_multiline, clean_text
from confreg.registration.forms import ChoiceOf, PlainText
from confreg.registration.models import CATEGORIES

#: Track kinds as organisers read them, in the order of TRACK_KINDS.
TRACK_KIND_LABELS = {
    "plenary": _l("Plenary"),
    "regional": _l("Regional"),
    "thematic": _l("Thematic"),
    "mayors_forum": _l("Mayors' forum"),
    "study_visit": _l("Study visit"),
    "side_event": _l("Side event"),
}
#: Who may sign up for a session.
ELIGIBILITY = {
    "all": _l("Every confirmed delegate"),
    "categories": _l("Only delegates of the categories ticked below"),
    "invitation": _l("Only delegates invited by the organisers"),
}
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2})?$")


def language_in_current_locale(code: str) -> str:
    """'Spanish' for 'es' on an English page, 'español' on a Spanish one."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


def form_locales(event: Event) -> list[str]:
    """The locales texts are written in: the event's main one first."""
    offered = list(current_app.config["LOCALES"])
    return [event.default_locale] + [code for code in offered if code != event.default_locale]


def _add_localised_fields(
    form_class,
    name: str,
    event: Event,
    label: Callable[[str], str],
    required: Callable[[str], str] | None,
    maximum: int,
    multiline: bool = False,
) -> None:
    """One field `<name>_<locale>` per locale. `label` and `required` (the message when
    the event's main language is left empty; None: every language optional) take the
    language's name."""
    for code in form_locales(event):
        language = language_in_current_locale(code)
        must = required is not None and code == event.default_locale
        field_class = TextAreaField if multiline else StringField
        setattr(
            form_class,
            f"{name}_{code}",
            field_class(
                label(language),
                validators=[
                    PlainText(multiline=multiline),
                    DataRequired(required(language)) if must else Optional(),
                    Length(max=maximum, message=_l("Use at most %(max)d characters.")),
                ],
                filters=[clean_multiline if multiline else clean_text],
                render_kw={"maxlength": maximum, "lang": code},
            ),
        )


class _LocalisedForm(FlaskForm):
    def localised(self, name: str) -> dict[str, str]:
        """The texts of the per-locale fields `name`, leaving out the empty ones."""
        texts = {}
        for code in self.locales:
            if value := self[f"{name}_{code}"].data:
                texts[code] = value
        return texts

    def fill_localised(self, name: str, texts: dict[str, str]) -> None:
        for code in self.locales:
            self[f"{name}_{code}"].data = (texts or {}).get(code, "")


def colour_field(label, **render_kw) -> StringField:
    """A colour as ``#rrggbb`` (a track's in the timetable, a category's on badges)."""
    return StringField(
        label,
        validators=[
            DataRequired(_l("Choose a colour.")),
            Regexp(
                r"^#[0-9a-f]{6}$",
                message=_l("Give the colour as # and six hexadecimal digits, e.g. #1b4f72."),
            ),
        ],
        filters=[lambda value: value.strip().lower() if value else value],
        default="#5b6770",
        render_kw={"maxlength": 7, "dir": "ltr", **render_kw},
    )


class TrackForm(_LocalisedForm):
    kind = SelectField(
        _l("Kind"),
        validators=[
            DataRequired(_l("Choose the kind of track.")),
            ChoiceOf(_l("Choose a kind from the list.")),
        ],
        validate_choice=False,
    )
    colour = colour_field(_l("Colour in the timetable"))


def track_form(event: Event, track: Track | None = None, **kwargs) -> TrackForm:
    form_class = type("TrackForm", (TrackForm,), {})
    _add_localised_fields(
        form_class,
        "name",
        event,
        lambda language: _("Name in %(language)s", language=language),
        lambda language: _(
            "Enter the track's name in %(language)s, the event's main language.",
            language=language,
        ),
        200,
    )
    form = form_class(**kwargs)
    form.locales = form_locales(event)
    form.kind.choices = [(kind, str(label)) for kind, label in TRACK_KIND_LABELS.items()]
    if track is not None and not form.is_submitted():
        form.kind.data, form.colour.data = track.kind, track.colour
        form.fill_localised("name", track.name)
    return form


class RoomForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            PlainText(),
            DataRequired(_l("Enter the room's name, as on the signs at the venue.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
        filters=[clean_text],
        render_kw={"maxlength": 100},
    )
    capacity = IntegerField(
        _l("Seats"),
        validators=[
            InputRequired(_l("Enter the number of seats.")),
            NumberRange(min=1, max=1_000_000, message=_l("Enter a number from 1 to 1,000,000.")),
        ],
    )


def room_form(room: Room | None = None, **kwargs) -> RoomForm:
    return RoomForm(obj=room, **kwargs)


class LanguageCodes:
    """A list of language codes such as 'en, es, fr', each one Babel knows."""

    def __call__(self, form, field):
        for code in field.data:
            if not _LANGUAGE_CODE.match(code) or language_in_current_locale(code) == code:
                raise ValidationError(
                    _("%(code)s is not a language code. Use codes such as en, es, fr.", code=code)
                )


class LanguageCodesField(StringField):
    """Language codes separated by commas or spaces; the data is a list, in order,
    without repeats."""

    def process_formdata(self, valuelist):
        raw = " ".join(valuelist or []).replace(",", " ").replace("-", "_").split()
        codes = []
        for code in raw:
            parts = code.split("_")
            normal = "_".join([parts[0].lower(), *parts[1:]])
            if normal not in codes:
                codes.append(normal)
        self.data = codes

    def _value(self):
        return ", ".join(self.data or [])


class SessionForm(_LocalisedForm):
    track = SelectField(
        _l("Track"),
        validators=[ChoiceOf(_l("Choose a track from the list."))],
        validate_choice=False,
    )
    room = SelectField(
        _l("Room"), validators=[ChoiceOf(_l("Choose a room from the list."))], validate_choice=False
    )
    day = DateField(
        _l("Day"),
        validators=[InputRequired(_l("Enter the day."))],
        invalid_value_message=_l("Enter the date as year, month and day, e.g. 1980-04-23."),
    )
    starts = TimeField(
        _l("Starts at"),
        validators=[InputRequired(_l("Enter the time it starts."))],
        invalid_value_message=_l("Enter the time as hours and minutes, e.g. 14:30."),
    )
    ends = TimeField(
        _l("Ends at"),
        validators=[InputRequired(_l("Enter the time it ends."))],
        invalid_value_message=_l("Enter the time as hours and minutes, e.g. 14:30."),
    )
    capacity = IntegerField(
        _l("Seats"),
        validators=[
            Optional(),
            NumberRange(min=1, max=1_000_000, message=_l("Enter a number from 1 to 1,000,000.")),
        ],
        description=_l("Leave empty to offer as many seats as the room has."),
    )
    eligibility = RadioField(
        _l("Who may sign up"),
        default="all",
        validators=[InputRequired(_l("Choose who may sign up."))],
    )
    categories = SelectMultipleField(
        _l("Categories admitted"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    languages = LanguageCodesField(
        _l("Languages spoken"),
        validators=[LanguageCodes()],
        description=_l("Language codes separated by commas, e.g. en, es."),
        render_kw={"maxlength": 200, "dir": "ltr"},
    )
    interpreted_into = LanguageCodesField(
        _l("Interpreted into"),
        validators=[LanguageCodes()],
        description=_l("Language codes separated by commas, e.g. fr, ar, zh."),
        render_kw={"maxlength": 200, "dir": "ltr"},
    )

    def validate_starts(self, field):
        if self.day.data and field.data and not self._exists(self.day.data, field.data):
            raise ValidationError(
                _l("This time does not exist on that day: the clocks are put forward.")
            )

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("The session must end after it starts."))
        if self.day.data and field.data and not self._exists(self.day.data, field.data):
            raise ValidationError(
                _l("This time does not exist on that day: the clocks are put forward.")
            )

    def validate_categories(self, field):
        if self.eligibility.data == "categories" and not field.data:
            raise StopValidation(_l("Tick at least one category, or admit every delegate."))

    def details(self) -> SessionDetails:
        eligibility = self.eligibility.data
        return SessionDetails(
            title=self.localised("title"),
            description=self.localised("description"),
            track_id=int(self.track.data) if self.track.data else None,
            room_id=int(self.room.data) if self.room.data else None,
            starts_at=self._moment(self.day.data, self.starts.data),
            ends_at=self._moment(self.day.data, self.ends.data),
            capacity=self.capacity.data,
            eligible_categories=list(self.categories.data) if eligibility == "categories" else None,
            by_invitation=eligibility == "invitation",
            languages=self.languages.data,
            interpreted_into=self.interpreted_into.data,
        )

    def _exists(self, day: date, clock: time) -> bool:
        """Whether the wall-clock time happens at the venue that day (not skipped when
        the clocks go forward)."""
        return self._moment(day, clock).astimezone(self.zone).time() == clock

    def _moment(self, day: date, clock: time) -> datetime:
        """A wall-clock time at the venue, as a moment in UTC."""
        return datetime.combine(day, clock, tzinfo=self.zone).astimezone(UTC)


def session_form(event: Event, session: ProgrammeSession | None = None, **kwargs) -> SessionForm:
    form_class = type("SessionForm", (SessionForm,), {})
    _add_localised_fields(
        form_class,
        "title",
        event,
        lambda language: _("Title in %(language)s", language=language),
        lambda language: _(
            "Enter the title in %(language)s, the event's main language.", language=language
        ),
        300,
    )
    _add_localised_fields(
        form_class,
        "description",
        event,
        lambda language: _("Description in %(language)s", language=language),
        None,
        5000,
        multiline=True,
    )
    form = form_class(**kwargs)
    form.locales = form_locales(event)
    form.zone = event.zone
    form.eligibility.choices = list(ELIGIBILITY.items())
    form.categories.choices = list(CATEGORIES.items())
    form.track.choices = [("", _("No track"))] + [
        (str(track.id), track.title) for track in event.tracks
    ]
    form.room.choices = [("", _("No room yet"))] + [
        (str(room.id), _("%(room)s (%(num)d seats)", room=room.name, num=room.capacity))
        for room in event.rooms
    ]
    if session is not None and not form.is_submitted():
        _fill(form, event, session)
    elif not form.is_submitted():
        form.day.data = event.starts_on
    return form


def _fill(form: SessionForm, event: Event, session: ProgrammeSession) -> None:
    form.fill_localised("title", session.title)
    form.fill_localised("description", session.description)
    form.track.data = str(session.track_id) if session.track_id else ""
    form.room.data = str(session.room_id) if session.room_id else ""
    starts, ends = session.starts_at.astimezone(event.zone), session.ends_at.astimezone(event.zone)
    form.day.data, form.starts.data, form.ends.data = starts.date(), starts.time(), ends.time()
    form.capacity.data = session.capacity
    if session.by_invitation:
        form.eligibility.data = "invitation"
    elif session.eligible_categories is not None:
        form.eligibility.data = "categories"
    else:
        form.eligibility.data = "all"
    form.categories.data = list(session.eligible_categories or [])
    form.languages.data = list(session.languages or [])
    form.interpreted_into.data = list(session.interpreted_into or [])


class EventTextsForm(_LocalisedForm):
    """The event's own words in every language: its name, the registration form's help
    and the note in every registration e-mail."""


def event_texts_form(event: Event, **kwargs) -> EventTextsForm:
    form_class = type("EventTextsForm", (EventTextsForm,), {})
    _add_localised_fields(
        form_class,
        "name",
        event,
        lambda language: _("Event name in %(language)s", language=language),
        lambda language: _(
            "Enter the event's name in %(language)s, its main language.", language=language
        ),
        200,
    )
    _add_localised_fields(
        form_class,
        "registration_help",
        event,
        lambda language: _("Help above the registration form in %(language)s",
                           language=language),
        None,
        2000,
        multiline=True,
    )  # fmt: skip
    _add_localised_fields(
        form_class,
        "confirmation_note",
        event,
        lambda language: _("Note in registration e-mails in %(language)s", language=language),
        None,
        2000,
        multiline=True,
    )
    form = form_class(**kwargs)
    form.locales = form_locales(event)
    if not form.is_submitted():
        for name in ("name", "registration_help", "confirmation_note"):
            form.fill_localised(name, getattr(event, name))
    return form
