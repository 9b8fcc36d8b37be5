"""The assessment as forms: one sub-form per section, rows for repeating parts."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from casework.forms import (
    DateField,
    FieldList,
    KeptForm,
    MultiCheckboxField,
    blank_to_none,
    optional_text,
    options,
)
from casework.timeutil import local_today

TEXT = {"validators": optional_text(2000), "filters": [blank_to_none]}
SHORT = {"validators": optional_text(120), "filters": [blank_to_none]}

STAGES = {
    "precontemplation": "Precontemplation: not yet thinking about change",
    "contemplation": "Contemplation: thinking about it, unsure",
    "preparation": "Preparation: planning to change soon",
    "action": "Action: making changes now",
    "maintenance": "Maintenance: keeping changes going",
}
HEAVY_USE = {"alcohol": "Alcohol", "benzodiazepines": "Benzodiazepines", "opioids": "Opioids"}
LEVELS = {
    "": "—",
    "withdrawal_management": "Withdrawal management (detox)",
    "residential": "Residential",
    "partial_hospitalisation": "Partial hospitalization",
    "intensive_outpatient": "Intensive outpatient",
    "outpatient": "Outpatient",
    "mat": "Medication treatment",
    "mutual_help": "Mutual-help group",
    "other": "Other",
}
OUTCOMES = {
    "": "—",
    "completed": "Completed",
    "left_early": "Left early",
    "ongoing": "Still in treatment",
    "unknown": "Not known",
}
MAT_OPENNESS = {
    "": "Not discussed",
    "open": "Open to it",
    "unsure": "Unsure",
    "not_open": "Not open to it",
}


class InterviewedForm(Form):
    loved_one = BooleanField("The loved one was interviewed")
    family = StringField("Family members interviewed", **SHORT)


class SubstanceRow(Form):
    substance = StringField("Substance", **SHORT)
    route = StringField("Route", **SHORT)
    frequency = StringField("How often", **SHORT)
    amount = StringField("How much", **SHORT)
    age_first_use = IntegerField("Age at first use", validators=[Optional(), NumberRange(0, 120)])
    last_use = StringField("Last use", **SHORT)


class UseForm(Form):
    overdose_history = BooleanField("Has overdosed before")
    injection_use = BooleanField("Injects drugs")
    notes = TextAreaField("Notes on use", **TEXT)


class MentalHealthForm(Form):
    diagnoses = TextAreaField("Diagnoses", **TEXT)
    symptoms = TextAreaField("Symptoms the family sees", **TEXT)
    treatment = TextAreaField("Current treatment and medications", **TEXT)
    hospitalisations = TextAreaField("Hospital stays", **TEXT)


class TreatmentRow(Form):
    level = SelectField("Level of care", choices=options(LEVELS), default="")
    where = StringField("Where", **SHORT)
    when = StringField("When", **SHORT)
    outcome = SelectField("How it ended", choices=options(OUTCOMES), default="")


class MedicalForm(Form):
    heavy_recent_use = MultiCheckboxField("Heavy recent use of", choices=options(HEAVY_USE))
    pregnancy = BooleanField("Pregnant or may be pregnant")
    chronic_conditions = TextAreaField("Chronic conditions", **TEXT)


class SafetyForm(Form):
    suicidal_thoughts = BooleanField("Thoughts of suicide")
    suicide_attempts = BooleanField("Past suicide attempts")
    self_harm = BooleanField("Self-harm")
    violence = BooleanField("Violence towards others")
    weapons_in_home = BooleanField("Weapons in the home")
    children_in_home = BooleanField("Children in the home")
    vulnerable_adults_in_home = BooleanField("Vulnerable adults in the home")
    impaired_driving = BooleanField("Drives while impaired")
    notes = TextAreaField("Safety notes", **TEXT)


class LifeForm(Form):
    legal = TextAreaField("Legal", **TEXT)
    work = TextAreaField("Work or school", **TEXT)
    money = TextAreaField("Money", **TEXT)


class FamilyForm(Form):
    household = TextAreaField("Who lives together", **TEXT)
    enabling = TextAreaField("Who enables, and how", **TEXT)
    influencers = TextAreaField("People the loved one listens to", **TEXT)
    conflicts = TextAreaField("Conflicts", **TEXT)
    earlier_attempts = TextAreaField("Earlier attempts to get help", **TEXT)


class ReadinessForm(Form):
    stage = SelectField("Stage of change", choices=options({"": "—", **STAGES}), default="")
    ruler = IntegerField(
        "Readiness ruler (0 not ready to 10 ready)", validators=[Optional(), NumberRange(0, 10)]
    )


class PreferencesForm(Form):
    insurance_carrier = StringField("Insurance carrier", **SHORT)
    member_number = StringField("Member number", **SHORT)
    budget = StringField("Budget", **SHORT)
    location = StringField("Location wishes", **SHORT)
    gender_specific = BooleanField("Wants a gender-specific program")
    faith_based = BooleanField("Wants a faith-based program")
    mat_openness = SelectField(
        "Open to medication for addiction treatment", choices=options(MAT_OPENNESS), default=""
    )


SECTIONS = (
    ("interviewed", "Who was interviewed"),
    ("substances", "Substance use"),
    ("use", "Overdose and injection"),
    ("mental_health", "Mental health"),
    ("prior_treatment", "Earlier treatment"),
    ("medical", "Medical and withdrawal risk"),
    ("safety", "Safety"),
    ("life", "Legal, work and money"),
    ("family", "Family dynamics"),
    ("readiness", "Readiness for change"),
    ("preferences", "Treatment preferences and constraints"),
)


class AssessmentForm(KeptForm):
    interviewed = FormField(InterviewedForm)
    substances = FieldList(FormField(SubstanceRow), min_entries=3, max_entries=20)
    use = FormField(UseForm)
    mental_health = FormField(MentalHealthForm)
    prior_treatment = FieldList(FormField(TreatmentRow), min_entries=2, max_entries=20)
    medical = FormField(MedicalForm)
    safety = FormField(SafetyForm)
    life = FormField(LifeForm)
    family = FormField(FamilyForm)
    readiness = FormField(ReadinessForm)
    preferences = FormField(PreferencesForm)
    version = HiddenField()

    def section_data(self) -> dict:
        """The answers as plain data, empty rows dropped."""
        data = {name: getattr(self, name).data for name, _ in SECTIONS}
        data["substances"] = [r for r in data["substances"] if any(v for v in r.values())]
        data["prior_treatment"] = [r for r in data["prior_treatment"] if any(v for v in r.values())]
        return data


class ReviseForm(FlaskForm):
    reason = StringField(
        "Why is the assessment changing?",
        validators=[DataRequired(), Length(max=500)],
        filters=[blank_to_none],
    )


class SafetyPlanForm(KeptForm):
    warning_signs = TextAreaField(
        "Warning signs a crisis may be coming", validators=[DataRequired(), Length(max=4000)]
    )
    coping_steps = TextAreaField(
        "What helps: steps and places", validators=optional_text(4000), filters=[blank_to_none]
    )
    people_to_call = TextAreaField(
        "People and services to call (988 included)", validators=[DataRequired(), Length(max=4000)]
    )
    means_safety = TextAreaField(
        "Making the home safer (medicines, weapons)",
        validators=optional_text(4000),
        filters=[blank_to_none],
    )


class SafetyReviewForm(KeptForm):
    note = TextAreaField(
        "What you reviewed and decided",
        validators=[DataRequired(message="Say what was reviewed and decided."), Length(max=4000)],
    )


def screening_form_class(instrument, respondents: list[tuple[str, str]]):
    """A form for any instrument, built from its definition."""

    class ScreeningForm(KeptForm):
        administered_on = DateField("Date given", validators=[InputRequired()])

        def validate_administered_on(self, field):
            if field.data and field.data > local_today():
                raise ValidationError("A screening cannot be dated in the future.")

        respondent = SelectField("Who answered", choices=options(respondents))
        sex = SelectField(
            "Sex of the person screened (for the AUDIT-C cut-off)",
            choices=options({"": "Not recorded", "female": "Female", "male": "Male"}),
            default="",
        )

    for item in instrument.items:
        field = RadioField(
            item.text,
            choices=options((str(o.value), o.label) for o in item.options),
            validators=[InputRequired(message="Choose an answer.")],
        )
        setattr(ScreeningForm, item.key, field)
    return ScreeningForm
