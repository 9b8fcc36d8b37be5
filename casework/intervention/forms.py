from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casework.domain import intervention as rules
from casework.forms import (
    STRIP,
    DateField,
    KeptForm,
    MultiCheckboxField,
    optional_field,
    options,
)


class PlanForm(FlaskForm):
    approach = SelectField("Approach", choices=options(rules.APPROACHES))
    approach_other = StringField("If other, which", **optional_field(200))
    arise_level = SelectField(
        "ARISE level",
        coerce=int,
        choices=options([(0, "Not ARISE"), *rules.ARISE_LEVELS.items()]),
        default=0,
    )
    level_reason = StringField("Why the level changes", **optional_field(500))
    session_id = SelectField("The day (a session on the case)", coerce=int, default=0)
    chair_user_id = SelectField("Staff chairing", coerce=int, default=0)
    version = HiddenField()


class MemberForm(FlaskForm):
    contact_id = SelectField("From the family's contacts", coerce=int, default=0)
    name = StringField("Or someone else: name", **optional_field(120))
    relationship = StringField("Who they are to the loved one", **optional_field(60))
    role = SelectField("Role", choices=options(rules.ROLES), default="speaker")
    reading_order = IntegerField(
        "Reading order", validators=[Optional(), NumberRange(1, 50, message="From 1 to 50.")]
    )
    seat = IntegerField(
        "Seat", validators=[Optional(), NumberRange(1, 50, message="From 1 to 50.")]
    )
    attends_rehearsal = BooleanField("Comes to the rehearsal", default=True)
    attends_day = BooleanField("Comes on the day", default=True)
    staff_notes = TextAreaField("Notes for staff only", **optional_field(2000))
    version = HiddenField()


class LetterForm(KeptForm):
    body = TextAreaField(
        "Letter",
        validators=[Length(max=20_000, message="A letter holds at most 20,000 characters.")],
    )
    version = HiddenField()


class CommentForm(FlaskForm):
    comment = TextAreaField(
        "Comment for the letter's author",
        validators=[DataRequired(message="Write a comment for the author."), Length(max=5000)],
        filters=STRIP,
    )


class ReasonForm(FlaskForm):
    reason = StringField(
        "Why it is reopened",
        validators=[DataRequired(message="Say why."), Length(max=500)],
        filters=STRIP,
    )


class BottomLineForm(KeptForm):
    text = TextAreaField("If help is refused, I will…", **optional_field(5000))


class CommitmentsForm(FlaskForm):
    behaviours = MultiCheckboxField(
        "Enabling I commit to stop", choices=options(rules.ENABLING_BEHAVIOURS)
    )
    own_words = StringField("In my own words", **optional_field(500))


class PlacementForm(FlaskForm):
    facility = StringField(
        "Facility",
        validators=[DataRequired(message="Name the facility."), Length(max=200)],
        filters=STRIP,
    )
    level = SelectField("Level of care", choices=options(rules.LEVELS_OF_CARE))
    address = StringField("Address", **optional_field(300))
    contact_name = StringField("Contact person", **optional_field(120))
    phone = StringField("Phone", **optional_field(40))
    bed_date = DateField("Bed held until (date)", validators=[Optional()])
    bed_time = TimeField("Bed held until (time)", validators=[Optional()])
    insurance_verified_by = StringField("Insurance verified by", **optional_field(120))
    insurance_date = DateField("Verified on", validators=[Optional()])
    payer = StringField("Payer", **optional_field(120))
    authorization_number = StringField("Authorization number", **optional_field(60))
    expected_cost = StringField("Expected cost to the family", **optional_field(120))
    admission_date = DateField("Admission date", validators=[Optional()])
    admission_time = TimeField("Admission time", validators=[Optional()])
    transport_driver = StringField("Who drives", **optional_field(120))
    transport_route = StringField("Route or flight", **optional_field(300))
    transport_companion = StringField("Who goes with them", **optional_field(120))
    what_to_pack = TextAreaField("What to pack", **optional_field(3000))
    financial_relationship = SelectField(
        "Financial relationship between the practice and this facility",
        choices=options(rules.FINANCIAL_RELATIONSHIPS),
    )
    financial_text = StringField("Describe it for the family", **optional_field(500))
    version = HiddenField()


class OutcomeForm(KeptForm):
    outcome = SelectField("Outcome", choices=options({"": "Choose…", **rules.OUTCOMES}))
    date = DateField("Date", validators=[DataRequired(message="Give the date.")])
    time = TimeField("Time", validators=[DataRequired(message="Give the time.")])
    detail = StringField("What was offered or agreed (delay, counter-offer)", **optional_field(500))
    admitted_date = DateField("Admitted on", validators=[Optional()])
    admitted_time = TimeField("Admitted at", validators=[Optional()])
    placement_id = SelectField("Admitted to", coerce=int, default=0)
    early_reason = StringField("Recorded before the planned day because", **optional_field(500))
    narrative = TextAreaField(
        "What happened (the start of a note you sign afterwards)",
        validators=[DataRequired(message="Tell what happened."), Length(max=20_000)],
    )


class RehearsalForm(FlaskForm):
    done = MultiCheckboxField("Done", coerce=int)


class ChecklistForm(FlaskForm):
    items = TextAreaField(
        "Rehearsal checklist (one item a line)",
        validators=[DataRequired(message="Give at least one item."), Length(max=4000)],
    )
