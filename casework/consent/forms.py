from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.domain.consent import SCOPE_LABELS, Scope
from casework.forms import STRIP, KeptForm, MultiCheckboxField, options

SCOPE_CHOICES = options((s.value, SCOPE_LABELS[s]) for s in Scope)


class ConsentForm(KeptForm):
    """A new consent: every element of 42 CFR 2.31 but the signature."""

    kind = HiddenField()
    # "" is the loved one; a contact's id, that family member's own information.
    subject = SelectField("Whose information", default="")
    discloser = StringField(
        "Who may disclose it",
        validators=[DataRequired(message="Say who may disclose it."), Length(max=200)],
        filters=STRIP,
    )
    recipients = MultiCheckboxField("To these family members")
    recipient_class = StringField(
        "And/or to a class of recipients (for example, my treating providers)",
        validators=[Optional(), Length(max=200)],
        filters=STRIP,
    )
    purpose = TextAreaField(
        "The purpose",
        validators=[DataRequired(message="Say what it is for."), Length(max=2000)],
        filters=STRIP,
    )
    scopes = MultiCheckboxField("What information", choices=SCOPE_CHOICES)
    information = TextAreaField(
        "How much, in the person's own words (optional)",
        validators=[Optional(), Length(max=2000)],
        filters=STRIP,
    )
    expires_on = DateField("Ends on", validators=[Optional()])
    expiry_event = StringField(
        "Or ends when", validators=[Optional(), Length(max=200)], filters=STRIP
    )


class PaperSignatureForm(FlaskForm):
    signed_name = StringField(
        "Signed by",
        validators=[DataRequired(message="Give the name signed."), Length(max=120)],
        filters=STRIP,
    )
    signed_on = DateField(
        "Date beside the signature", validators=[DataRequired(message="Give the date signed.")]
    )
    received_on = DateField(
        "Scan received on", validators=[DataRequired(message="Give the day the scan came in.")]
    )
    version = HiddenField()


class RevokeForm(FlaskForm):
    note = StringField(
        "How the revocation came (a letter, an email...)",
        validators=[DataRequired(message="Say how the revocation came."), Length(max=500)],
        filters=STRIP,
    )
    version = HiddenField()


class ExpiryEventForm(FlaskForm):
    occurred_on = DateField(
        "The day it happened", validators=[DataRequired(message="Give the day it happened.")]
    )
    version = HiddenField()


class KindForm(FlaskForm):
    label = StringField(
        "Name of the kind",
        validators=[DataRequired(message="Name the kind."), Length(max=120)],
        filters=STRIP,
    )
    purpose = TextAreaField(
        "Default purpose",
        validators=[DataRequired(message="Give a default purpose."), Length(max=2000)],
        filters=STRIP,
    )
    scopes = MultiCheckboxField("Default information", choices=SCOPE_CHOICES)


class ArchiveKindForm(FlaskForm):
    reason = StringField(
        "Why it is archived",
        validators=[DataRequired(message="Say why."), Length(max=200)],
        filters=STRIP,
    )
