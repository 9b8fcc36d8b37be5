from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth import kept_forms, pending, service, throttle, two_factor
from casework.auth.forms import ChangePasswordForm, LoginForm
from casework.auth.reauth import TooManyAttempts, confirm_password
from casework.auth.session import idle_seconds, landing_url, remaining_seconds

bp = Blueprint("auth", __name__)

NO_MATCH = "That email and password do not match an active account."
HELD = (
    " If you use an authenticator app, enter a code from it as well to sign in now "
    "(your password is checked with it)."
)
HOW_SIGNED_IN = {
    two_factor.ACCEPTED_APP: "Signed in with a code from an authenticator app",
    two_factor.ACCEPTED_RECOVERY: "Signed in with a recovery code",
}


def _login_page(form, status, held=False):
    return render_template("auth/login.html", form=form, held=held), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form, 401 if form.errors else 200)
    email = form.email.data
    # Counted before the password is checked (casework.auth.throttle).
    attempt = throttle.begin("password", email)
    if attempt.refused == "address":
        record(Action.LOGIN_FAILED, summary="Sign-in refused: too many attempts from this address")
        form.password.errors = [attempt.message]
        return _login_page(form, 429)
    if attempt.refused:
        return _held(form, attempt)
    user = service.check_password(email, form.password.data)
    if user is None:
        form.password.errors = [NO_MATCH]
        return _login_page(form, 401)
    attempt.succeeded()
    return after_password(user)


def _held(form, attempt):
    """The account has had too many attempts. Without a code: wait. With
    one, the password and the code are checked together and only the pair is
    answered, so the hold stops guessing at the password but never the
    person who has it and their authenticator app."""
    email = form.email.data
    if not form.code.data:
        record(Action.LOGIN_FAILED, summary=f"Sign-in refused for {email[:200]}: too many attempts")
        form.password.errors = [attempt.message + HELD]
        return _login_page(form, 429, held=True)
    second = throttle.begin("code", email, everywhere=False)
    if second.refused:
        record(Action.LOGIN_FAILED, summary=f"Sign-in refused for {email[:200]}: too many attempts")
        form.code.errors = [second.message]
        return _login_page(form, 429, held=True)
    user = service.check_password(email, form.password.data)
    outcome = two_factor.check(user, form.code.data) if user is not None else two_factor.WRONG
    if outcome in HOW_SIGNED_IN:
        second.succeeded()
        return sign_in(user, HOW_SIGNED_IN[outcome] + " while the account was held")
    if user is not None:
        record(
            Action.LOGIN_FAILED, actor=user, obj=user, summary=two_factor.FAILURE_SUMMARY[outcome]
        )
    form.code.errors = ["The password or the code is not right."]
    return _login_page(form, 429, held=True)


def after_password(user):
    """The password was right: a second factor next, where there is one."""
    if user.two_factor_enrolled:
        pending.start(user, pending.CODE)
        return redirect(url_for("auth.second_step"))
    if user.is_staff and current_app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"]:
        pending.start(user, pending.ENROL)
        return redirect(url_for("auth.enrol_at_sign_in"))
    return sign_in(user)


def start_session(user, summary=None) -> None:
    session.clear()  # a fresh session at every sign-in
    service.signed_in(user, summary)
    login_user(user)


def sign_in(user, summary=None):
    start_session(user, summary)
    # Back to a form kept when the last session ended, if one waits.
    return redirect(kept_forms.return_url(user) or landing_url(user))


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    user.rotate_session_token()  # every cookie this user holds stops working
    record(Action.LOGOUT, obj=user)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            confirmed = confirm_password(user, form.current.data)
        except TooManyAttempts as refused:
            form.current.errors = [refused.description]
            return render_template("auth/change_password.html", form=form), 429
        if not confirmed:
            form.current.errors = ["That is not your current password."]
        else:
            service.set_password(user, form.password.data, actor=user)
            login_user(user)  # this browser carries on with the new token
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(landing_url(user))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


# ---- the session clock (static/js/session.js) ------------------------------------------


@bp.get("/session")
def session_status():
    """How long the session has left. Reading it renews nothing (the idle
    hook leaves this endpoint alone), so other tabs' activity shows here."""
    remaining = remaining_seconds()
    return {"signed_in": remaining > 0, "remaining": remaining}


@bp.post("/session/renew")
def session_renew():
    """Stay signed in: the idle hook has already restarted the clock; CSRF
    (the X-CSRFToken header or a csrf_token field) is checked before it."""
    if not current_user.is_authenticated:
        return {"signed_in": False, "remaining": 0}, 401
    return {"signed_in": True, "remaining": idle_seconds()}
