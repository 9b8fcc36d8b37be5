"""The family member's own forms: their part of the intervention, the
check-in they send when a follow-up is due, and signing or revoking a consent.

Each intervention form has its own prefix, so the three can sit on one page
and post to it; all are KeptForms, so what was typed past the idle limit
comes back after signing in again.
"""

from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from casework.domain.followups import LOVED_ONE_STATUSES
from casework.domain.instruments import INSTRUMENTS
from casework.domain.intervention import ENABLING_BEHAVIOURS
from casework.forms import STRIP, KeptForm, MultiCheckboxField, options

MAX_LETTER = 20_000
MAX_BOTTOM_LINE = 4_000
MAX_OWN_WORDS = 500


class OwnLetterForm(KeptForm):
    body = TextAreaField(
        "Your letter to your loved one",
        validators=[
            Length(
                max=MAX_LETTER,
                message=f"A letter holds at most {MAX_LETTER:,} characters. Try to keep it "
                "to one page: about three minutes when read aloud.",
            )
        ],
    )
    # The letter's version when this page was loaded: a save from an older tab is refused.
    version = HiddenField()
    save = SubmitField("Save my letter")
    share = SubmitField("Save and send for review")


class BottomLineForm(KeptForm):
    text = TextAreaField(
        "Your bottom line",
        validators=[
            Length(
                max=MAX_BOTTOM_LINE,
                message=f"Your bottom line holds at most {MAX_BOTTOM_LINE:,} characters.",
            )
        ],
    )
    save = SubmitField("Save my bottom line")


class CommitmentsForm(KeptForm):
    behaviours = MultiCheckboxField(
        "I will stop",
        choices=options(ENABLING_BEHAVIOURS),
        validate_choice=True,
    )
    own_words = TextAreaField(
        "In my own words",
        validators=[
            Length(
                max=MAX_OWN_WORDS,
                message=f"Please keep this to {MAX_OWN_WORDS} characters or fewer.",
            )
        ],
    )
    save = SubmitField("Save what I will stop")


# ---- the check-in -----------------------------------------------------------------

WHO_5 = INSTRUMENTS["WHO-5"]
MAX_WELLBEING = 500  # MemberCheckIn.wellbeing
MAX_LOVED_ONE_WORDS = 500  # CheckIn.loved_one_words
MAX_NEEDS = 2_000
# The statuses as a family member would say them.
LOVED_ONE_CHOICES = {**LOVED_ONE_STATUSES, "unknown": "I'm not sure"}
CHOOSE_ONE = "Please choose the answer closest to how you felt."
CHOOSE_STATUS = "Please choose one, or “I'm not sure”."


def _who5_item(item):
    return RadioField(
        item.text,
        choices=options((option.value, option.label) for option in item.options),
        coerce=int,
        validators=[InputRequired(message=CHOOSE_ONE)],
        invalid_choice_message=CHOOSE_ONE,
        invalid_value_message=CHOOSE_ONE,
    )


def _length(limit: int, what: str):
    return [Length(max=limit, message=f"Please keep {what} to {limit:,} characters or fewer.")]


class CheckInForm(KeptForm):
    wellbeing = TextAreaField(
        "How have you been, in a few words?",
        filters=STRIP,
        validators=_length(MAX_WELLBEING, "this"),
    )
    q1 = _who5_item(WHO_5.items[0])
    q2 = _who5_item(WHO_5.items[1])
    q3 = _who5_item(WHO_5.items[2])
    q4 = _who5_item(WHO_5.items[3])
    q5 = _who5_item(WHO_5.items[4])
    loved_one_status = RadioField(
        "As far as you know, where is your loved one now?",
        choices=options(LOVED_ONE_CHOICES),
        validators=[InputRequired(message=CHOOSE_STATUS)],
        invalid_choice_message=CHOOSE_STATUS,
    )
    loved_one_words = TextAreaField(
        "How are they doing, in a few words?",
        filters=STRIP,
        validators=_length(MAX_LOVED_ONE_WORDS, "this"),
    )
    needs = TextAreaField(
        "Is there anything you need?", filters=STRIP, validators=_length(MAX_NEEDS, "this")
    )
    send = SubmitField("Send to my interventionist")

    ITEMS = ("q1", "q2", "q3", "q4", "q5")

    def who5_fields(self):
        return [self[key] for key in self.ITEMS]

    def who5_answers(self) -> dict[str, int]:
        return {key: self[key].data for key in self.ITEMS}


# ---- consents -----------------------------------------------------------------------


class SignConsentForm(KeptForm):
    signed_name = StringField(
        "Type your full name to sign",
        filters=STRIP,
        validators=[
            DataRequired(message="Please type your full name to sign."),
            Length(min=2, max=120, message="Please type your full name (up to 120 characters)."),
        ],
    )
    agree = BooleanField(
        "I have read this and agree",
        validators=[
            DataRequired(message="Please tick the box to say you have read this and agree.")
        ],
    )
    # The consent's version when the page was loaded: a change since is refused.
    version = HiddenField()
    sign = SubmitField("Sign this consent")


class RevokeConsentForm(KeptForm):
    confirm = BooleanField(
        "I want to revoke this consent now",
        validators=[DataRequired(message="Please tick the box to confirm.")],
    )
    version = HiddenField()
    revoke = SubmitField("Revoke this consent")
