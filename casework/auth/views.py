from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth import kept_forms, service
from casework.auth.forms import ChangePasswordForm, LoginForm
from casework.auth.reauth import TooManyAttempts, confirm_password
from casework.auth.session import idle_seconds, landing_url, remaining_seconds
from casework.extensions import limiter

bp = Blueprint("auth", __name__)


def _login_account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed_login(response) -> bool:
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_failed_login,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed_login,
)
def login():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at every sign-in
            login_user(user)
            # Back to a form kept when the last session ended, if one waits.
            return redirect(kept_forms.return_url(user) or landing_url(user))
        g.login_failed = True
        form.password.errors = ["That email and password do not match an active account."]
    return render_template("auth/login.html", form=form), 401 if form.errors else 200


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
