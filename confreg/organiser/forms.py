from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from confreg.names import clean_multiline, clean_text
from confreg.organiser import exports
from confreg.registration.forms import PlainText


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason, as the delegate will read it"),
        validators=[
            PlainText(multiline=True),
            DataRequired(_l("Say why, so that the delegate understands the decision.")),
            Length(max=1000, message=_l("Use at most %(max)d characters.")),
        ],
        filters=[clean_multiline],
        render_kw={"maxlength": 1000},
    )


#: What the delegate list's bulk form can do with a selection, as stable codes.
BULK_ACTIONS = {
    "approve": _l("Approve"),
    "waitlist": _l("Move to the waiting list"),
    "reject": _l("Reject"),
    "message": _l("Send a message"),
    "badges": _l("Print badges"),
    "export": _l("Export"),
}


class BulkActionForm(FlaskForm):
    action = SelectField(_l("With them"), choices=list(BULK_ACTIONS.items()))
    scope = RadioField(
        _l("Delegates"),
        choices=[
            ("selected", _l("Those ticked on this page")),
            ("all", _l("Every delegate the filters find")),
        ],
        default="selected",
    )
    reason = TextAreaField(
        _l("Reason for rejecting, as the delegates will read it"),
        validators=[
            PlainText(multiline=True),
            Length(max=1000, message=_l("Use at most %(max)d characters.")),
        ],
        filters=[clean_multiline],
        render_kw={"maxlength": 1000},
    )

    def validate_reason(self, field) -> None:
        if self.action.data == "reject" and not field.data:
            raise ValidationError(_l("Say why, so that the delegates understand the decision."))


class ExportForm(FlaskForm):
    format = RadioField(
        _l("Format"), choices=[("xlsx", _l("Excel workbook (XLSX)")), ("csv", _l("CSV"))],
        default="xlsx",
    )  # fmt: skip
    columns = SelectMultipleField(
        _l("Columns"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one column."))],
    )

    def __init__(self, kind: str, **kwargs):
        super().__init__(**kwargs)
        self.columns.choices = [
            (name, column.label) for name, column in exports.columns(kind).items()
        ]


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string."""

    class Meta:
        csrf = False

    action = SelectField(_l("What"), validators=[Optional()])
    actor = SelectField(
        _l("Made by"),
        choices=[("", _l("Anyone")), ("delegate", _l("Delegate")), ("staff", _l("Staff")),
                 ("system", _l("System"))],
        validators=[Optional()],
    )  # fmt: skip
    staff_user = SelectField(_l("Staff member"), validators=[Optional()])
    delegate = StringField(
        _l("Delegate"), filters=[clean_text], validators=[Length(max=200)],
        render_kw={"maxlength": 200},
    )  # fmt: skip
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])

    def __init__(self, actions: dict, staff_users: list, **kwargs):
        super().__init__(**kwargs)
        self.action.choices = [("", _l("Anything"))] + [
            (code, label) for code, label in actions.items()
        ]
        self.staff_user.choices = [("", _l("Anyone"))] + [
            (str(user.id), user.email) for user in staff_users
        ]

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The last day cannot be before the first."))


class EventSettingsForm(FlaskForm):
    capacity = IntegerField(
        _l("Places"),
        validators=[
            Optional(),
            NumberRange(min=1, max=1_000_000, message=_l("Enter a number from 1 to 1,000,000.")),
        ],
        description=_l("Leave empty for no limit. Registrations past it join the waiting list."),
    )
    requires_approval = BooleanField(_l("An organiser approves each registration"))
    desk_walk_ins = BooleanField(_l("Desk volunteers may register walk-in delegates"))
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens"),
        validators=[Optional()],
        invalid_value_message=_l("Enter a date and time."),
    )
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes"),
        validators=[Optional()],
        invalid_value_message=_l("Enter a date and time."),
    )

    def __init__(self, event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = event.zone
        if not self.is_submitted():
            self.capacity.data = event.capacity
            self.requires_approval.data = event.requires_approval
            self.desk_walk_ins.data = event.desk_walk_ins
            for name in ("registration_opens_at", "registration_closes_at"):
                moment = getattr(event, name)
                local = moment.astimezone(self.zone).replace(tzinfo=None) if moment else None
                getattr(self, name).data = local

    def validate_registration_closes_at(self, field):
        opens = self.registration_opens_at.data
        if field.data and opens and field.data <= opens:
            raise ValidationError(_l("Registration must close after it opens."))

    def settings(self) -> dict:
        return {
            "capacity": self.capacity.data,
            "requires_approval": self.requires_approval.data,
            "desk_walk_ins": self.desk_walk_ins.data,
            "registration_opens_at": self._moment(self.registration_opens_at.data),
            "registration_closes_at": self._moment(self.registration_closes_at.data),
        }

    def _moment(self, local: datetime | None) -> datetime | None:
        """A wall-clock time at the venue, as a moment."""
        return local.replace(tzinfo=self.zone) if local else None


class DelegateByEmailForm(FlaskForm):
    """Names a delegate of the event by the address they registered with."""

    email = StringField(
        _l("Delegate's e-mail address"),
        validators=[
            PlainText(),
            DataRequired(_l("Enter the address the delegate registered with.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
        ],
        filters=[clean_text],
        render_kw={"maxlength": 254, "dir": "ltr", "type": "email"},
    )


class EventDatesForm(FlaskForm):
    starts_on = DateField(
        _l("First day"),
        validators=[DataRequired(_l("Enter the first day."))],
        invalid_value_message=_l("Enter the date as year, month and day, e.g. 1980-04-23."),
    )
    ends_on = DateField(
        _l("Last day"),
        validators=[DataRequired(_l("Enter the last day."))],
        invalid_value_message=_l("Enter the date as year, month and day, e.g. 1980-04-23."),
    )
    move_programme = BooleanField(
        _l("Move every session by the same number of days, at the same time of day"),
        default=True,
    )

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot come before the first."))
