"""Who is signed in: the per-user session token and the idle timeout.

The idle limit is the server's: every request from a signed-in user records
when it was seen (`session["seen"]`), and the first request after
SESSION_IDLE_MINUTES without one ends the session. The signed cookie itself
lives longer (SESSION_COOKIE_HOURS), so that a form posted after the limit
still passes its CSRF check and names the account it came from: what it
held is kept for that account (casework.auth.kept_forms) instead of lost.
After an idle sign-out the session remembers whose it was (`ENDED`) until
someone signs in, so that a form posted later from another open tab is kept
too. Each page knows the limit (the `session_clock` context, read by
static/js/session.js), warns before it and can renew the session.
"""

from datetime import UTC, datetime

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user, user_logged_in

from casework.auth import kept_forms
from casework.auth.models import User
from casework.extensions import db, login_manager

ENDED = "ended"  # {"user": the account's session id, "at": when} after an idle sign-out
SIGNED_OUT = "You were signed out after a period of inactivity."
KEPT = SIGNED_OUT + " What you typed is kept: sign in again to go back to it."
# Endpoints that answer the page's script in JSON rather than with a redirect.
SESSION_ENDPOINTS = ("auth.session_status", "auth.session_renew")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _now() -> float:
    return datetime.now(UTC).timestamp()


def idle_seconds() -> int:
    return round(current_app.config["SESSION_IDLE_MINUTES"] * 60)


def remaining_seconds() -> int:
    """Seconds before the signed-in user's session ends if nothing happens; 0
    when it has ended or nobody is signed in. Reading it renews nothing."""
    seen = session.get("seen")
    if not current_user.is_authenticated or seen is None:
        return 0
    return max(0, round(seen + idle_seconds() - _now()))


def session_started(sender, user, **extra) -> None:
    """Every sign-in (the login form, an invitation) starts the idle clock."""
    session["seen"] = _now()
    session.permanent = True


def end_idle_sessions():
    """Sign out anyone idle longer than the configured minutes, keeping what
    a form posted at that moment held."""
    if request.endpoint in (None, "static", "healthz", "auth.session_status"):
        return None
    now = _now()
    if current_user.is_authenticated:
        last_seen = session.get("seen")
        if last_seen is not None and now - last_seen <= idle_seconds():
            session["seen"] = now
            session.permanent = True
            return None
        user = current_user._get_current_object()
        csrf_token = session.get("csrf_token")
        logout_user()
        session.clear()
        session[ENDED] = {"user": user.get_id(), "at": now}
        if csrf_token is not None:
            session["csrf_token"] = csrf_token  # forms still open in other tabs stay valid
        session.permanent = True
        return _signed_out(user)
    ended = session.get(ENDED)
    if ended and kept_forms.keepable():
        # Another tab's form, after this browser's session ended: still that
        # account's, unless it has signed out everywhere since.
        user = load_user(str(ended.get("user", "")))
        if user is not None and now - ended.get("at", 0) < kept_hours_in_seconds():
            return _signed_out(user)
    return None


def kept_hours_in_seconds() -> int:
    return current_app.config["KEPT_FORM_HOURS"] * 3600


def _signed_out(user):
    if request.endpoint in SESSION_ENDPOINTS:
        return {"signed_in": False, "remaining": 0}, 401
    kept = kept_forms.keep(user) if kept_forms.keepable() else None
    flash(KEPT if kept is not None else SIGNED_OUT, "info")
    return redirect(url_for("auth.login"))


def session_clock() -> dict:
    """What every signed-in page tells its script (templates/base.html)."""
    if not current_user.is_authenticated:
        return {}
    return {
        "session_idle_seconds": idle_seconds(),
        "session_warning_seconds": min(
            current_app.config["SESSION_WARNING_SECONDS"], idle_seconds()
        ),
    }


def landing_url(user) -> str:
    return url_for("portal.home") if user.is_family else url_for("cases.caseload")


def register(app) -> None:
    app.before_request(end_idle_sessions)
    app.context_processor(session_clock)
    user_logged_in.connect(session_started, app)
