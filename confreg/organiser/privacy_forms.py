from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField
from wtforms.validators import DataRequired, Optional


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that this delegate's personal data will be erased for good"),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))],
    )


class PassportRetentionForm(FlaskForm):
    passport_retention_until = DateField(
        _l("Keep passport details until"),
        validators=[Optional()],
        invalid_value_message=_l("Enter the date as year, month and day, e.g. 1980-04-23."),
        description=_l("Leave empty to keep them until you erase delegates one by one."),
    )
