from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casework.domain import notes as rules
from casework.forms import (
    STRIP,
    DateField,
    FilterForm,
    KeptForm,
    MultiCheckboxField,
    blank_to_none,
    options,
)

# A note's text may be long (a 90-minute interview), but not unbounded.
MAX_BODY = 60_000


class NoteForm(KeptForm):
    """A note's content. The kind is chosen when a contact note is started;
    a session note's kind, time and length come from its session. What was
    typed survives the session ending (KeptForm)."""

    kind = SelectField(
        "Kind of contact", choices=options({k: rules.KINDS[k] for k in rules.CONTACT_KINDS})
    )
    date = DateField("Date", validators=[DataRequired(message="Choose the date of the contact.")])
    time = TimeField("Time", validators=[DataRequired(message="Choose the time of the contact.")])
    duration_minutes = IntegerField(
        "Length in minutes",
        validators=[
            Optional(),
            NumberRange(1, 720, message="A contact lasts from 1 minute to 12 hours (720 minutes)."),
        ],
    )
    collateral_name = StringField(
        "Who the contact was with (name and role)",
        validators=[Optional(), Length(max=200)],
        filters=[blank_to_none],
    )
    contacts = MultiCheckboxField("Family members who took part", coerce=int)
    staff = MultiCheckboxField("Staff who took part", coerce=int)
    body = TextAreaField(
        "Note",
        validators=[Length(max=MAX_BODY, message=f"A note holds at most {MAX_BODY:,} characters.")],
    )
    version = HiddenField()
    password = PasswordField("Your password, to sign")
    save = SubmitField("Save draft")
    sign = SubmitField("Sign and lock")


class AddendumForm(FlaskForm):
    reason = StringField(
        "Why this addendum",
        validators=[DataRequired(message="Say why the addendum is needed."), Length(max=300)],
        filters=STRIP,
    )
    body = TextAreaField(
        "Addendum",
        validators=[DataRequired(message="Write the addendum."), Length(max=MAX_BODY)],
    )
    password = PasswordField(
        "Your password, to sign", validators=[DataRequired(message="Enter your password to sign.")]
    )


class CosignForm(FlaskForm):
    password = PasswordField(
        "Your password, to co-sign",
        validators=[DataRequired(message="Enter your password to co-sign.")],
    )


class ReturnForm(FlaskForm):
    comment = TextAreaField(
        "What should the author change?",
        validators=[DataRequired(message="Say what the author should change."), Length(max=5000)],
        filters=STRIP,
    )


class ReviewForm(FlaskForm):
    comment = TextAreaField(
        "Comment for the author (optional)",
        validators=[Optional(), Length(max=5000)],
        filters=[blank_to_none],
    )


SIGNED_FILTERS = {"": "Signed or not", "signed": "Signed", "unsigned": "Not signed yet"}


class NotesFilterForm(FilterForm):
    kind = SelectField("Kind", choices=options({"": "Any kind", **rules.KINDS}), default="")
    author = SelectField("Author", coerce=int, default=0)
    signed = SelectField("Signed", choices=options(SIGNED_FILTERS), default="")


class HeadingsForm(FlaskForm):
    session = TextAreaField(
        "Session notes start with these headings (one a line)",
        validators=[DataRequired(message="Give at least one heading."), Length(max=2000)],
    )
    contact = TextAreaField(
        "Contact notes start with these headings (one a line)",
        validators=[DataRequired(message="Give at least one heading."), Length(max=2000)],
    )


class SupervisionForm(FlaskForm):
    mode = SelectField("Supervision", choices=options(rules.SUPERVISION))
