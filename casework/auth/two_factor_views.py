"""Two-factor sign-in pages: the code after the password, setting up the
authenticator app (at sign-in where staff must, or from one's account),
and new recovery codes. The pages share the `auth` blueprint."""

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth import pending, throttle, two_factor
from casework.auth.forms import AccountEnrolForm, CodeForm, RecoveryCodesForm
from casework.auth.reauth import TooManyAttempts, confirm_password
from casework.auth.session import landing_url
from casework.auth.views import HOW_SIGNED_IN, bp, sign_in, start_session

NOT_RIGHT = (
    "That code is not right. Check that the time on your phone is set automatically, "
    "then enter the code it shows now."
)
USED = "That code has been used already. Wait for the next one, then enter it."
START_AGAIN = "Please sign in again."


def _code_refused(user, attempt) -> str:
    record(
        Action.LOGIN_FAILED,
        actor=user,
        obj=user,
        summary="Two-factor code refused: too many attempts",
    )
    return attempt.message


@bp.route("/login/code", methods=["GET", "POST"])
def second_step():
    """After the password: a code from the app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    user = pending.user_for(pending.CODE)
    if user is None:
        flash(START_AGAIN, "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        attempt = throttle.begin("code", user.email)
        if attempt.refused:
            form.code.errors = [_code_refused(user, attempt)]
            return render_template("auth/code.html", form=form), 429
        outcome = two_factor.check(user, form.code.data)
        if outcome in HOW_SIGNED_IN:
            attempt.succeeded()
            response = sign_in(user, HOW_SIGNED_IN[outcome])  # a fresh session...
            if outcome == two_factor.ACCEPTED_RECOVERY:  # ...then the message in it
                left = two_factor.recovery_codes_left(user)
                flash(
                    f"You used a recovery code; {left} left. "
                    "Make new ones from your account when you can.",
                    "info",
                )
            return response
        record(
            Action.LOGIN_FAILED, actor=user, obj=user, summary=two_factor.FAILURE_SUMMARY[outcome]
        )
        form.code.errors = [USED if outcome == two_factor.REPLAYED else NOT_RIGHT]
        status = 401
    elif form.errors:
        status = 422
    return render_template("auth/code.html", form=form), status


def _enrol_page(user, form, status, at_sign_in):
    secret = session.get(pending.ENROL_SECRET)
    if not secret:
        secret = session[pending.ENROL_SECRET] = two_factor.new_secret()
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "auth/enrol.html",
        form=form,
        user=user,
        qr_code=two_factor.qr_code(uri),
        secret=two_factor.grouped(secret),
        at_sign_in=at_sign_in,
    ), status


def _enrol(user, at_sign_in: bool):
    """Show the QR code and the secret; a code from the app confirms it."""
    form = CodeForm() if at_sign_in else AccountEnrolForm()
    secret = session.get(pending.ENROL_SECRET)
    if not (form.validate_on_submit() and secret):
        return _enrol_page(user, form, 422 if form.errors else 200, at_sign_in)
    if not at_sign_in:
        try:
            confirmed = confirm_password(user, form.password.data)
        except TooManyAttempts as refused:
            form.password.errors = [refused.description]
            return _enrol_page(user, form, 429, at_sign_in)
        if not confirmed:
            form.password.errors = ["That is not your password."]
            return _enrol_page(user, form, 422, at_sign_in)
    attempt = throttle.begin("code", user.email)
    if attempt.refused:
        form.code.errors = [_code_refused(user, attempt)]
        return _enrol_page(user, form, 429, at_sign_in)
    codes = two_factor.enrol(user, secret, form.code.data)
    if codes is None:
        record(
            Action.LOGIN_FAILED, actor=user, obj=user, summary="Wrong code setting up two-factor"
        )
        form.code.errors = [NOT_RIGHT]
        return _enrol_page(user, form, 422, at_sign_in)
    attempt.succeeded()
    session.pop(pending.ENROL_SECRET, None)
    if at_sign_in:
        start_session(user, "Signed in after setting up two-factor sign-in")
    return render_template("auth/recovery_codes.html", codes=codes, just_enrolled=True)


@bp.route("/login/set-up", methods=["GET", "POST"])
def enrol_at_sign_in():
    """Staff who must use two-factor sign-in and have not set it up: now,
    before anything else."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    user = pending.user_for(pending.ENROL)
    if user is None:
        flash(START_AGAIN, "info")
        return redirect(url_for("auth.login"))
    return _enrol(user, at_sign_in=True)


@bp.get("/account/two-factor")
@login_required
def two_factor_settings():
    user = current_user._get_current_object()
    return render_template(
        "auth/two_factor.html",
        left=two_factor.recovery_codes_left(user) if user.two_factor_enrolled else 0,
        form=RecoveryCodesForm(),
    )


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@login_required
def two_factor_enrol():
    """Set up (or move to a new phone) from one's account."""
    return _enrol(current_user._get_current_object(), at_sign_in=False)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def new_recovery_codes():
    """Ten new recovery codes after the password again; the old ones stop working."""
    user = current_user._get_current_object()
    form = RecoveryCodesForm()
    status = 422
    if user.two_factor_enrolled and form.validate_on_submit():
        try:
            confirmed = confirm_password(user, form.password.data)
        except TooManyAttempts as refused:
            form.password.errors = [refused.description]
            confirmed, status = False, 429
        else:
            if not confirmed:
                form.password.errors = ["That is not your password."]
        if confirmed:
            codes = two_factor.new_recovery_codes(user)
            return render_template("auth/recovery_codes.html", codes=codes, just_enrolled=False)
    elif not user.two_factor_enrolled:
        form.password.errors = ["Set up two-factor sign-in first."]
    left = two_factor.recovery_codes_left(user) if user.two_factor_enrolled else 0
    return render_template("auth/two_factor.html", left=left, form=form), status
