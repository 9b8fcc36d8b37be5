"""Forms of who reaches what: break-glass access and an account's role."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from casework.auth.models import ROLE_LABELS
from casework.forms import STRIP, options


def _reference(value):
    return value.strip().upper() if isinstance(value, str) else value


class BreakGlassForm(FlaskForm):
    reference = StringField(
        "Case reference",
        validators=[DataRequired("Give the case's reference."), Length(max=20)],
        filters=[_reference],
    )
    reason = TextAreaField(
        "Why you need this case now",
        validators=[
            DataRequired("Say why you need this case now."),
            Length(min=10, max=1000, message="Say why in 10 to 1,000 characters."),
        ],
        filters=STRIP,
    )


class RoleForm(FlaskForm):
    role = SelectField(
        "Role", choices=options((r.value, label) for r, label in ROLE_LABELS.items())
    )
    also_supervisor = BooleanField("Administrator with supervisor (clinical) access")
