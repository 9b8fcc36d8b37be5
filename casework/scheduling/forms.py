from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from casework.domain import sessions as rules
from casework.forms import (
    STRIP,
    FilterForm,
    MultiCheckboxField,
    blank_to_none,
    optional_text,
    options,
)
from casework.timeutil import local_today


class SessionForm(FlaskForm):
    kind = SelectField("Kind of session", choices=options(rules.KINDS))
    title = StringField("Title", validators=optional_text(120), filters=[blank_to_none])
    date = DateField("Date", validators=[InputRequired(message="Choose a date.")])
    time = TimeField("Start time", validators=[InputRequired(message="Choose a start time.")])
    duration_minutes = IntegerField(
        "Length in minutes",
        default=60,
        validators=[
            InputRequired(message="Say how long the session lasts."),
            NumberRange(
                rules.MIN_MINUTES,
                rules.MAX_MINUTES,
                message="A session lasts from 15 minutes to 12 hours (720 minutes).",
            ),
        ],
    )
    place_kind = SelectField("Where", choices=options(rules.PLACES))
    place = StringField(
        "Address, video link or phone number",
        validators=optional_text(500),
        filters=[blank_to_none],
    )
    contacts = MultiCheckboxField("Family and others attending", coerce=int)
    staff = MultiCheckboxField("Staff attending", coerce=int)
    notes = TextAreaField(
        "Notes for staff", validators=optional_text(5000), filters=[blank_to_none]
    )
    record_held = BooleanField("Record as already held (a session that has happened)")
    confirm_overlap = BooleanField("Schedule it anyway, overlap and all")
    reason = StringField(
        "Reason for the change", validators=optional_text(500), filters=[blank_to_none]
    )
    version = HiddenField()

    def validate_date(self, field) -> None:
        # Before the view turns the date into UTC: year 1 or 9999 would overflow there.
        if field.data is None:  # not a date: its own message says so
            return
        try:
            rules.check_date(field.data, local_today())
        except rules.SessionRuleError as exc:
            raise ValidationError(str(exc)) from exc


class ReasonForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired(), Length(max=500)], filters=STRIP)


class CalendarFilterForm(FilterForm):
    user = SelectField("Whose calendar", coerce=int, default=0)
    week = DateField("Week of", validators=[optional_text(10)[0]])
