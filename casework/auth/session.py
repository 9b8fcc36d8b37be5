"""Who is signed in: the per-user session token and the idle timeout."""

from datetime import UTC, datetime

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from casework.auth.models import User
from casework.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def end_idle_sessions():
    """Sign out anyone idle longer than the configured minutes."""
    if request.endpoint in (None, "static", "healthz"):
        return None
    now = datetime.now(UTC).timestamp()
    last_seen = session.get("seen")
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if current_user.is_authenticated and last_seen and now - last_seen > idle_limit:
        logout_user()
        session.clear()
        flash("You were signed out after a period of inactivity.", "info")
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated:
        session["seen"] = now
        session.permanent = True
    return None


def landing_url(user) -> str:
    return url_for("portal.home") if user.is_family else url_for("cases.caseload")
