"""The one form of messages: writing one (a member or staff)."""

from wtforms import SubmitField, TextAreaField
from wtforms.validators import ValidationError

from casework.domain import messages as rules
from casework.forms import KeptForm


def _sendable(form, field):
    refused = rules.problem(field.data or "")
    if refused:
        raise ValidationError(refused)


class MessageForm(KeptForm):
    body = TextAreaField(
        "Your message",
        filters=[rules.tidy],
        validators=[_sendable],
        render_kw={"rows": 6},
    )
    send = SubmitField("Send message")
