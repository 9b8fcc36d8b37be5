"""Who reaches what: break-glass access to a case, the supervisors' review of
access (clinical access asked for from the web, break-glass grants), and an
account's role, which is a request when it reaches more of the clinical record."""

from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, load_only

from casework.audit.service import record_list
from casework.auth import access_requests
from casework.auth.access_requests import AccessRequest, RequestRefused
from casework.auth.guards import admin_required, staff_required, supervisor_required
from casework.auth.models import User
from casework.cases import access, break_glass
from casework.cases.access_forms import BreakGlassForm, RoleForm
from casework.cases.break_glass import BreakGlassGrant
from casework.cases.models import FamilyCase
from casework.extensions import db
from casework.forms import ConfirmForm, page_number
from casework.transaction import flush_or_conflict

bp = Blueprint("access", __name__)

REVIEWED_SHOWN = 20


def break_glass_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not break_glass.may_break_glass(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _get_or_404(model, id_: int):
    found = db.session.get(model, id_) if access.fits_column(model.id, id_) else None
    if found is None:
        abort(404)
    return found


# ---- break-glass access -------------------------------------------------------------


@bp.route("/break-glass/", methods=["GET", "POST"])
@break_glass_required
def break_glass_form():
    form = BreakGlassForm()
    if request.method == "GET":
        form.reference.data = (request.args.get("ref") or "").strip().upper()[:20]
    if form.validate_on_submit():
        opened = access.break_the_glass(form.reference.data, form.reason.data)
        if opened is None:
            form.reference.errors = [*form.reference.errors, "No case has that reference."]
        else:
            case, grant = opened
            if grant is None:
                flash(f"{case.reference} is one of your cases already.", "info")
            # Otherwise the banner on the case's pages says it all, while it lasts.
            return redirect(url_for("cases.overview", ref=case.reference))
    return render_template("cases/break_glass.html", form=form), 422 if form.errors else 200


@bp.app_template_global()
def offers_break_glass() -> bool:
    """Whether a page may offer the signed-in user emergency access."""
    return break_glass.may_break_glass(current_user)


@bp.app_template_global()
def break_glass_banner(case):
    """The grant this request reached the case through, if any (no query)."""
    return g.get("break_glass_grants", {}).get(case.id)


# ---- the supervisors' review ----------------------------------------------------------


def _review_page(status: int = 200):
    # A grant's case by its reference alone, and its people by name.
    loading = (
        joinedload(BreakGlassGrant.case).options(load_only(FamilyCase.reference), lazyload("*")),
        joinedload(BreakGlassGrant.user).load_only(User.name),
    )
    to_review = db.paginate(
        select(BreakGlassGrant)
        .where(BreakGlassGrant.reviewed_at.is_(None))
        .options(*loading)
        .order_by(BreakGlassGrant.granted_at, BreakGlassGrant.id),
        page=page_number(),
        per_page=50,
        error_out=False,
    )
    reviewed = db.session.scalars(
        select(BreakGlassGrant)
        .where(BreakGlassGrant.reviewed_at.is_not(None))
        .options(*loading, joinedload(BreakGlassGrant.reviewed_by).load_only(User.name))
        .order_by(BreakGlassGrant.reviewed_at.desc(), BreakGlassGrant.id.desc())
        .limit(REVIEWED_SHOWN)
    ).all()
    record_list(grant.case.reference for grant in [*to_review.items, *reviewed])
    html = render_template(
        "cases/access_review.html",
        waiting=access_requests.waiting(),
        to_review=to_review,
        reviewed=reviewed,
        confirm=ConfirmForm(),
    )
    return html, status


@bp.get("/review/access")
@supervisor_required
def review():
    return _review_page()


def _answer(request_id: int, answer, said):
    """Confirm or decline a request; `said(user, request)` is the message."""
    asked = _get_or_404(AccessRequest, request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        user = answer(asked, current_user)
    except RequestRefused as exc:
        flash(str(exc), "error")
        return _review_page(409)
    flush_or_conflict("Another supervisor answered this request a moment ago.")
    flash(said(user, asked), "success")
    return redirect(url_for("access.review"))


@bp.post("/review/access/requests/<int:request_id>/confirm")
@supervisor_required
def confirm_request(request_id):
    return _answer(
        request_id,
        access_requests.confirm,
        lambda user, asked: f"{user.email} now has clinical access ({asked.role_label}).",
    )


@bp.post("/review/access/requests/<int:request_id>/decline")
@supervisor_required
def decline_request(request_id):
    return _answer(
        request_id,
        access_requests.decline,
        lambda user, asked: f"Declined: {user.email} keeps the access it had.",
    )


@bp.post("/review/access/grants/<int:grant_id>/reviewed")
@supervisor_required
def review_grant(grant_id):
    grant = _get_or_404(BreakGlassGrant, grant_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if grant.reviewed_at is None:
        grant.case = db.session.get(FamilyCase, grant.case_id)
        break_glass.review(grant, current_user)
        flush_or_conflict("Another supervisor reviewed this a moment ago.")
        flash("Marked as reviewed.", "success")
    return redirect(url_for("access.review"))


# ---- an account's role ------------------------------------------------------------------


@bp.post("/admin/users/<int:user_id>/role")
@admin_required
def change_role(user_id):
    user = _get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400, description="Choose a role from the list.")
    try:
        asked = access_requests.change_role(
            user, form.role.data, form.also_supervisor.data, current_user
        )
    except RequestRefused as exc:
        flash(str(exc), "error")
    else:
        if asked is None:
            flash(f"{user.email} is now {user.role_label}.", "success")
        else:
            flash(
                f"Clinical access for {user.email} ({asked.role_label}) waits for a "
                "supervisor's confirmation; until then the account keeps what it had.",
                "success",
            )
    return redirect(url_for("users.detail", user_id=user.id))


@bp.app_template_global()
def role_panel(user) -> dict:
    """The user page's role form, and the request waiting on the account."""
    waiting = db.session.scalar(
        select(AccessRequest)
        .where(AccessRequest.user_id == user.id, AccessRequest.decision.is_(None))
        .options(joinedload(AccessRequest.requested_by))
    )
    form = RoleForm(formdata=None, role=user.role, also_supervisor=user.also_supervisor)
    return {"form": form, "waiting": waiting}


@bp.get("/account/waiting")
@staff_required
def waiting():
    """Where an account lands whose clinical access is not confirmed yet."""
    if current_user.is_admin:
        return redirect(url_for("users.index"))
    if current_user.has_clinical_access:
        return redirect(url_for("cases.caseload"))
    return render_template("auth/waiting.html")
