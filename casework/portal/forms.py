"""The family member's own forms on their part of the intervention.

Each form has its own prefix, so the three can sit on one page and post to
it; they are KeptForms, so a letter typed past the idle limit comes back
after signing in again.
"""

from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import Length

from casework.domain.intervention import ENABLING_BEHAVIOURS
from casework.forms import KeptForm, MultiCheckboxField, options

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
