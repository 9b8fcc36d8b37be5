from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from casework.auth.models import ROLE_LABELS
from casework.auth.passwords import MIN_LENGTH
from casework.forms import STRIP, blank_to_none, options

NEW_PASSWORD = [
    DataRequired(),
    Length(min=MIN_LENGTH, message=f"Use at least {MIN_LENGTH} characters."),
    Length(max=200),
]


CODE_LABEL = "Code from your authenticator app"
CODE_HINT = "Six digits, or one of your recovery codes."


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)], filters=STRIP)
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    # Only shown while the account is held after too many attempts: the
    # password and a code together pass the hold (casework.auth.throttle).
    code = StringField(CODE_LABEL, validators=[Optional(), Length(max=64)], filters=STRIP)


class CodeForm(FlaskForm):
    code = StringField(
        CODE_LABEL,
        validators=[DataRequired("Enter the code."), Length(max=64)],
        filters=STRIP,
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class RecoveryCodesForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])


class AccountEnrolForm(CodeForm):
    """Setting up the app from one's account asks for the password first, so a
    session left open cannot swap in someone else's app."""

    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])


class UserForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Length(max=254), Email()], filters=STRIP
    )
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)], filters=STRIP)
    role = SelectField(
        "Role", choices=options((r.value, label) for r, label in ROLE_LABELS.items())
    )
    also_supervisor = BooleanField("Administrator with supervisor (clinical) access")
    phone = StringField(
        "Work phone", validators=[Optional(), Length(max=40)], filters=[blank_to_none]
    )
    password = PasswordField("Password", validators=NEW_PASSWORD)


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=NEW_PASSWORD)
    confirm = PasswordField(
        "Type it again", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
