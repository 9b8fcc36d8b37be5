from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from casework.cases.models import CONCERNS, CONTACT_METHODS, STATUSES, URGENCIES
from casework.domain.phases import CLOSING_REASONS, PHASE_LABELS
from casework.forms import (
    STRIP,
    DateField,
    FilterForm,
    MultiCheckboxField,
    QuickSelect,
    blank_to_none,
    optional_text,
    options,
)
from casework.timeutil import local_today

STRIP_OR_NONE = [blank_to_none]


class CaseForm(FlaskForm):
    loved_one_name = StringField(
        "Loved one's full name", validators=[DataRequired(), Length(max=120)], filters=STRIP
    )
    preferred_name = StringField("Goes by", validators=optional_text(80), filters=STRIP_OR_NONE)
    pronouns = StringField("Pronouns", validators=optional_text(40), filters=STRIP_OR_NONE)
    date_of_birth = DateField("Date of birth", validators=[Optional()])
    age = IntegerField(
        "Age (if the date of birth is not known)", validators=[Optional(), NumberRange(0, 120)]
    )
    concerns = MultiCheckboxField(
        "Primary concerns", choices=options(CONCERNS), validators=[DataRequired()]
    )
    referral_source = StringField(
        "Referred by", validators=optional_text(200), filters=STRIP_OR_NONE
    )
    urgency = SelectField("Urgency", choices=options(URGENCIES), default="routine")
    summary = TextAreaField(
        "What the family told us", validators=optional_text(5000), filters=STRIP_OR_NONE
    )

    def validate_date_of_birth(self, field):
        if field.data and field.data > local_today():
            raise ValidationError("The date of birth cannot be in the future.")
        if field.data and field.data.year < 1900:
            raise ValidationError("Check the year of birth.")

    def validate_concerns(self, field):
        if not field.data:
            raise ValidationError("Choose at least one concern.")


class IntakeForm(CaseForm):
    interventionist_id = SelectField("Interventionist", coerce=int, validate_choice=True)
    contact_name = StringField(
        "Name of the person who called",
        validators=[DataRequired(), Length(max=120)],
        filters=STRIP,
    )
    contact_relationship = StringField(
        "Their relationship to the loved one",
        validators=[DataRequired(), Length(max=60)],
        filters=STRIP,
    )
    contact_phone = StringField("Phone", validators=optional_text(40), filters=STRIP_OR_NONE)
    contact_email = EmailField(
        "Email", validators=[Optional(), Length(max=254), Email()], filters=STRIP_OR_NONE
    )


class CaseEditForm(CaseForm):
    status = SelectField(
        "Status", choices=options((k, v) for k, v in STATUSES.items() if k != "closed")
    )
    version = HiddenField()
    # The values as the editor first saw them, to show what someone else changed.
    loaded = HiddenField()


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)], filters=STRIP)
    relationship_to_loved_one = StringField(
        "Relationship to the loved one",
        validators=[DataRequired(), Length(max=60)],
        filters=STRIP,
    )
    phone = StringField("Phone", validators=optional_text(40), filters=STRIP_OR_NONE)
    email = EmailField(
        "Email", validators=[Optional(), Length(max=254), Email()], filters=STRIP_OR_NONE
    )
    preferred_method = SelectField(
        "Best way to reach them", choices=options(CONTACT_METHODS), default="phone"
    )
    is_primary = BooleanField("Primary contact for this case")
    notes = TextAreaField("Notes", validators=optional_text(2000), filters=STRIP_OR_NONE)
    version = HiddenField()

    def validate_preferred_method(self, field):
        if field.data == "email" and not self.email.data:
            raise ValidationError("Add an email address to reach them by email.")
        if field.data in ("phone", "text") and not self.phone.data:
            raise ValidationError("Add a phone number to reach them by phone or text.")


class ArchiveForm(FlaskForm):
    reason = StringField(
        "Why is this being archived?",
        validators=[DataRequired(), Length(max=200)],
        filters=STRIP,
    )


class PhaseForm(FlaskForm):
    target = SelectField("Move the case to", validate_choice=False)
    closing_reason = SelectField(
        "Closing reason",
        choices=options([("", "—"), *CLOSING_REASONS.items()]),
        validators=[Optional()],
    )
    reason = TextAreaField("Reason", validators=optional_text(1000), filters=STRIP)
    override_reason = TextAreaField(
        "Supervisor override: why the intervention may go ahead without a safety plan",
        validators=optional_text(1000),
        filters=STRIP,
    )


class ReassignForm(FlaskForm):
    interventionist_id = SelectField("Interventionist", coerce=int)
    co_interventionist_id = SelectField("Co-interventionist", coerce=int)
    reason = StringField(
        "Reason for the change", validators=[DataRequired(), Length(max=500)], filters=STRIP
    )
    version = HiddenField()
    # Who was on the case when the page was opened, to say what changed since.
    loaded_lead = HiddenField()
    loaded_co = HiddenField()

    def validate_co_interventionist_id(self, field):
        if field.data and field.data == self.interventionist_id.data:
            raise ValidationError("Choose someone other than the lead interventionist.")


class CaseloadFilterForm(FilterForm):
    q = StringField("Search", validators=optional_text(120), filters=STRIP)
    phase = SelectField(
        "Phase",
        choices=options([("", "All phases")] + [(p.value, lbl) for p, lbl in PHASE_LABELS.items()]),
        default="",
        widget=QuickSelect(),
    )
    status = SelectField(
        "Status",
        choices=options({**STATUSES, "all": "Any status"}),
        default="active",
        widget=QuickSelect(),
    )
    interventionist = SelectField("Interventionist", coerce=int, default=0, widget=QuickSelect())
