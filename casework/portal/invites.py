"""The one-time invitation link a family member follows to set a portal password.

It lives outside /portal/ because whoever follows it is not signed in yet:
the token is the credential, and it works once.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import login_user

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.forms import SetPasswordForm
from casework.auth.passwords import MIN_LENGTH
from casework.extensions import db, limiter
from casework.portal import service
from casework.timeutil import utcnow

bp = Blueprint("invites", __name__)

DEFAULT_LIMIT = "10 per 15 minutes"


def _limit() -> str:
    return current_app.config.get("INVITE_LIMIT_PER_ADDRESS", DEFAULT_LIMIT)


def _refused(error: service.InviteError, status: int | None = None):
    if status is None:  # a link that existed is gone; one nobody issued is not found
        status = 410 if isinstance(error, service.InviteGone) else 404
    return render_template("portal/invite_invalid.html", message=str(error)), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def accept(token):
    try:
        found = service.find_invite(token)
    except service.InviteError as error:
        return _refused(error)
    form = SetPasswordForm()
    form.password.label.text = "Choose a password"
    if form.validate_on_submit():
        try:
            user = service.accept_invite(found, form.password.data)
        except service.InviteError as error:
            db.session.rollback()
            return _refused(error, 409)
        user.last_login_at = utcnow()
        record(Action.LOGIN, actor=user, obj=user, summary="Signed in from a portal invitation")
        session.clear()  # a fresh session at every sign-in
        login_user(user)
        flash(
            f"Your password is set. Next time, sign in with {user.email} and that password.",
            "success",
        )
        return redirect(url_for("portal.home"))
    html = render_template(
        "portal/invite.html",
        form=form,
        contact=found.contact,
        expires_at=found.expires_at,
        min_length=MIN_LENGTH,
    )
    return html, 422 if form.errors else 200
