from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casework.domain import followups, risk
from casework.forms import (
    STRIP,
    DateField,
    FieldList,
    KeptForm,
    MultiCheckboxField,
    optional_field,
    options,
)


class MemberReportForm(FlaskForm):
    class Meta:
        csrf = False  # part of the check-in form, which carries the token

    contact_id = HiddenField()
    wellbeing = StringField("How they are", **optional_field(500))
    commitments = SelectField(
        "Keeping their commitments to stop enabling",
        choices=options({"": "Not discussed", **followups.COMMITMENTS}),
        default="",
    )
    supports_attended = StringField("Their supports since the last check-in", **optional_field(300))


class CheckInForm(KeptForm):
    held_on = DateField("Date", validators=[DataRequired(message="Give the date.")])
    due_on = HiddenField()
    method = SelectField(
        "How",
        choices=options({k: v for k, v in followups.METHODS.items() if k != "portal"}),
    )
    reached = MultiCheckboxField("Who was reached")
    loved_one_status = SelectField(
        "Where the loved one is", choices=options(followups.LOVED_ONE_STATUSES), default="unknown"
    )
    days_since_use = IntegerField(
        "Days since last use, if known",
        validators=[Optional(), NumberRange(0, 36500, message="A number of days from 0.")],
    )
    returned_to_use = BooleanField("A return to use since the last check-in")
    return_detail = TextAreaField("What happened", **optional_field(1000))
    medication = StringField("Medication for addiction treatment", **optional_field(300))
    meetings = StringField("Mutual-help meetings", **optional_field(300))
    work_and_housing = StringField("Changes in work or housing", **optional_field(500))
    new_safety_concern = SelectField(
        "A new safety concern",
        choices=options({"": "None", **{k: v[0] for k, v in risk.FLAGS.items()}}),
        default="",
    )
    members = FieldList(FormField(MemberReportForm))
    narrative = TextAreaField(
        "What was said (the start of a note you sign)",
        validators=[DataRequired(message="Write what was said."), Length(max=20_000)],
    )


class PathwayForm(FlaskForm):
    pathway = SelectField("Pathway", choices=options(followups.PATHWAYS))
    start = DateField("From", validators=[DataRequired(message="Give the day it starts from.")])
    reason = StringField(
        "Why", validators=[DataRequired(message="Say why."), Length(max=500)], filters=STRIP
    )


class SupportForm(FlaskForm):
    contact_id = SelectField("Family member", coerce=int)
    kind = SelectField("Support", choices=options(followups.SUPPORTS))
    detail = StringField("Which group or counsellor", **optional_field(300))
    started_on = DateField("Since", validators=[Optional()])
