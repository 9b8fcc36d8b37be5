"""Account administration, for administrators."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from casework.auth import access_requests, service
from casework.auth.forms import SetPasswordForm, UserForm
from casework.auth.guards import admin_required
from casework.auth.models import User
from casework.extensions import db
from casework.forms import ConfirmForm, page_number

bp = Blueprint("users", __name__, url_prefix="/admin/users")

HELD = " Their clinical access waits for a supervisor to confirm it again on Access review."


@bp.get("/")
@admin_required
def index():
    page = db.paginate(
        select(User).order_by(User.active.desc(), User.role, User.name),
        page=page_number(),
        per_page=50,
        error_out=False,
    )
    return render_template("auth/users.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = UserForm()
    if form.validate_on_submit():
        try:
            # Clinical access asked for here waits for a supervisor's confirmation.
            user, asked = access_requests.create_user(
                by=current_user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                also_supervisor=form.also_supervisor.data,
                phone=form.phone.data,
            )
        except service.EmailTaken as exc:
            form.email.errors = [str(exc)]
        else:
            waits = " Its clinical access waits for a supervisor's confirmation." if asked else ""
            flash(f"Account created for {user.email}.{waits}", "success")
            return redirect(url_for("users.detail", user_id=user.id))
    return render_template("auth/user_new.html", form=form), 422 if form.errors else 200


def _user_or_404(user_id: int) -> User:
    # An id past what the column holds (a 32-bit integer on PostgreSQL) is
    # nobody's, rather than a database error.
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        abort(404)
    return user


@bp.get("/<int:user_id>")
@admin_required
def detail(user_id):
    user = _user_or_404(user_id)
    return render_template(
        "auth/user_detail.html", user=user, password_form=SetPasswordForm(), confirm=ConfirmForm()
    )


@bp.post("/<int:user_id>/password")
@admin_required
def set_password(user_id):
    user = _user_or_404(user_id)
    form = SetPasswordForm()
    if not form.validate_on_submit():
        return render_template(
            "auth/user_detail.html", user=user, password_form=form, confirm=ConfirmForm()
        ), 422
    service.set_password(user, form.password.data)
    held = access_requests.hold_after_takeover_risk(user, current_user, "a new password")
    flash(
        f"New password set for {user.email}; their other sessions are signed out."
        + (HELD if held else ""),
        "success",
    )
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/active")
@admin_required
def set_active(user_id):
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    activate = request.form.get("active") == "1"
    if user.id == current_user.id and not activate:
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("users.detail", user_id=user.id))
    service.set_active(user, activate)
    flash(f"{user.email} is {'active' if activate else 'deactivated'}.", "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/two-factor/reset")
@admin_required
def reset_two_factor(user_id):
    """For a lost phone: the user's app and recovery codes stop working, they
    are signed out, and set it up again at their next sign-in."""
    from casework.auth import two_factor

    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    two_factor.reset(user, actor=current_user._get_current_object())
    held = access_requests.hold_after_takeover_risk(user, current_user, "a two-factor reset")
    flash(
        f"Two-factor sign-in reset for {user.email}: they set it up again at their next sign-in."
        + (HELD if held else ""),
        "success",
    )
    return redirect(url_for("users.detail", user_id=user.id))
