import json

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from casework.audit.queries import timeline
from casework.auth.guards import clinical_required, staff_required, supervisor_required
from casework.auth.models import User
from casework.cases import sections, service
from casework.cases.access import load_case, load_child
from casework.cases.forms import (
    ArchiveForm,
    CaseEditForm,
    CaseloadFilterForm,
    ContactForm,
    IntakeForm,
    PhaseForm,
    ReassignForm,
)
from casework.cases.models import PHASE_RANKS, Contact, FamilyCase
from casework.domain import phases
from casework.domain.phases import Phase
from casework.extensions import db
from casework.forms import Page, options, page_number

bp = Blueprint("cases", __name__, url_prefix="/cases")

SAFETY_PANEL_SIZE = 20
OPEN_STATUSES = ("active", "on_hold")


def _assigned_to(user_id: int, *conditions):
    """Cases led or co-led by this person, each branch with every condition,
    so each can walk its own index."""
    return or_(
        and_(FamilyCase.interventionist_id == user_id, *conditions),
        and_(FamilyCase.co_interventionist_id == user_id, *conditions),
    )


def _caseload_where(form: CaseloadFilterForm, *extra, narrowed: bool = True) -> list:
    """Who may see what, plus (when `narrowed`) the search and status chosen."""
    conditions = list(extra)
    if narrowed and form.q.data:
        term = form.q.data.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(FamilyCase.search_key.like(f"%{term}%", escape="\\"))
    if narrowed and form.status.data != "all":
        conditions.append(FamilyCase.status == form.status.data)
    if not current_user.sees_every_case:
        return [_assigned_to(current_user.id, *conditions)]
    if form.interventionist.data:
        return [_assigned_to(form.interventionist.data, *conditions)]
    return conditions


# A row shows its primary contact; each contact's case is the row itself.
ROW_LOADING = selectinload(FamilyCase.contacts).lazyload(Contact.case)

QUEUE_ORDER = (
    FamilyCase.phase_rank,
    FamilyCase.urgency_rank,
    FamilyCase.phase_entered_at,
    FamilyCase.id,
)


@bp.get("/")
@staff_required
def caseload():
    if not current_user.has_clinical_access:
        # Staff land here after sign-in; an administrator's work is the accounts.
        return redirect(url_for("users.index"))
    form = CaseloadFilterForm(request.args)
    staff = service.staff_names() if current_user.sees_every_case else []
    form.interventionist.choices = options([(0, "Everyone"), *staff])
    if not form.validate():
        return render_template(
            "cases/caseload.html", form=form, page=None, counts={}, groups=[]
        ), 400
    counts = dict(
        db.session.execute(
            select(FamilyCase.phase, func.count())
            .where(*_caseload_where(form))
            .group_by(FamilyCase.phase)
        ).all()
    )
    chosen = [FamilyCase.phase_rank == PHASE_RANKS[form.phase.data]] if form.phase.data else []
    per_page = current_app.config["CASELOAD_PAGE_SIZE"]
    number = page_number()
    rows = list(
        db.session.scalars(
            select(FamilyCase)
            .where(*_caseload_where(form, *chosen))
            .options(ROW_LOADING)
            .order_by(*QUEUE_ORDER)
            .limit(per_page)
            .offset((number - 1) * per_page)
        )
    )
    total = counts.get(form.phase.data, 0) if form.phase.data else sum(counts.values())
    page = Page(rows, number, per_page, total)
    # Safety first: every open case with an unanswered safety concern, above the
    # rest and whatever the search or phase shown.
    alerts = list(
        db.session.scalars(
            select(FamilyCase)
            .where(
                *_caseload_where(
                    form,
                    FamilyCase.status.in_(OPEN_STATUSES),
                    FamilyCase.safety_alert == true(),
                    narrowed=False,
                )
            )
            .options(ROW_LOADING)
            .order_by(*QUEUE_ORDER)
            .limit(SAFETY_PANEL_SIZE)
        )
    )
    groups: list[tuple[Phase, list[FamilyCase]]] = []
    for item in rows:
        if not groups or groups[-1][0] != item.phase_enum:
            groups.append((item.phase_enum, []))
        groups[-1][1].append(item)
    outlook = sections.outlook({c.id: c for c in rows + alerts}.values())
    return render_template(
        "cases/caseload.html",
        form=form,
        page=page,
        counts=counts,
        groups=groups,
        total=sum(counts.values()),
        alerts=alerts,
        steps={c.id: outlook.next_step(c) for c in rows + alerts},
        panels=sections.caseload_panels(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@clinical_required
def new_case():
    form = IntakeForm()
    lead_choices = service.staff_choices()
    if current_user.sees_every_case:
        form.interventionist_id.choices = options((u.id, u.name) for u in lead_choices)
    else:
        form.interventionist_id.choices = options([(current_user.id, current_user.name)])
    if request.method == "GET":
        form.interventionist_id.data = current_user.id
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in service.CASE_FIELDS}
        contact = {
            "name": form.contact_name.data,
            "relationship_to_loved_one": form.contact_relationship.data,
            "phone": form.contact_phone.data,
            "email": form.contact_email.data,
        }
        case = service.create_case(data, contact, form.interventionist_id.data)
        flash(f"Case {case.reference} opened.", "success")
        return redirect(url_for("cases.overview", ref=case.reference))
    return render_template("cases/new.html", form=form), 422 if form.errors else 200


@bp.get("/<ref>/")
@clinical_required
def overview(ref):
    case = load_case(ref)
    outlook = sections.outlook([case])
    return render_template(
        "cases/overview.html",
        case=case,
        events=timeline(case),
        steps=outlook.steps(case),
        outlook=outlook,
        overview_sections=sections.overviews(),
    )


@bp.route("/<ref>/edit", methods=["GET", "POST"])
@clinical_required
def edit(ref):
    case = load_case(ref)
    form = CaseEditForm(obj=case) if request.method == "GET" else CaseEditForm()
    if case.status == "closed":  # only the phase form closes or reopens a case
        form.status.choices = options([("closed", "Closed")])
    if request.method == "GET":
        form.version.data = case.version
        form.loaded.data = json.dumps(service.snapshot(case))
        form.concerns.data = case.concerns
        html = render_template("cases/edit.html", case=case, form=form)
        return html
    if not form.validate_on_submit():
        return render_template("cases/edit.html", case=case, form=form), 422
    if str(case.version) != form.version.data:
        return _edit_conflict(case, form)
    data = {name: getattr(form, name).data for name in service.EDITABLE_FIELDS}
    service.update_case(case, data)
    try:
        db.session.flush()  # a stale version shows here, before the response
    except StaleDataError:
        db.session.rollback()
        return _edit_conflict(db.session.get(FamilyCase, case.id), form)
    flash("Case details saved.", "success")
    return redirect(url_for("cases.overview", ref=case.reference))


def _edit_conflict(case: FamilyCase, form: CaseEditForm):
    """Someone saved first: show their changes and keep this person's typing."""
    try:
        loaded = json.loads(form.loaded.data or "{}")
    except ValueError:
        loaded = {}
    if not isinstance(loaded, dict):  # a hidden field the browser sent back altered
        loaded = {}
    current = service.snapshot(case)
    theirs = (
        [
            (getattr(form, name).label.text, loaded.get(name), current[name])
            for name in service.changed_fields(loaded, current)
            if name in current
        ]
        if loaded
        else []
    )
    form.version.data = case.version
    form.loaded.data = json.dumps(current)
    return render_template(
        "cases/edit.html", case=case, form=form, conflict=True, theirs=theirs
    ), 409


@bp.route("/<ref>/contacts/new", methods=["GET", "POST"])
@clinical_required
def new_contact(ref):
    case = load_case(ref)
    form = ContactForm()
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in service.CONTACT_FIELDS}
        contact = service.save_contact(case, None, data)
        flash(f"{contact.name} added.", "success")
        return redirect(url_for("cases.overview", ref=ref) + "#contacts")
    html = render_template("cases/contact_form.html", case=case, form=form, contact=None)
    return html, 422 if form.errors else 200


@bp.route("/<ref>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@clinical_required
def edit_contact(ref, contact_id):
    case = load_case(ref)
    contact = load_child(case, Contact, contact_id, archived_at=None)
    form = ContactForm(obj=contact) if request.method == "GET" else ContactForm()
    if request.method == "GET":
        form.version.data = contact.version
    elif form.validate_on_submit():
        if str(contact.version) != form.version.data:
            form.version.data = contact.version
            return render_template(
                "cases/contact_form.html", case=case, form=form, contact=contact, conflict=True
            ), 409
        data = {name: getattr(form, name).data for name in service.CONTACT_FIELDS}
        service.save_contact(case, contact, data)
        flash(f"{contact.name} saved.", "success")
        return redirect(url_for("cases.overview", ref=ref) + "#contacts")
    html = render_template(
        "cases/contact_form.html", case=case, form=form, contact=contact, archive_form=ArchiveForm()
    )
    return html, 422 if form.errors else 200


@bp.post("/<ref>/contacts/<int:contact_id>/archive")
@clinical_required
def archive_contact(ref, contact_id):
    case = load_case(ref)
    contact = load_child(case, Contact, contact_id, archived_at=None)
    form = ArchiveForm()
    if not form.validate_on_submit():
        return render_template(
            "cases/contact_form.html",
            case=case,
            form=ContactForm(obj=contact),
            contact=contact,
            archive_form=form,
        ), 422
    service.archive_contact(case, contact, form.reason.data)
    flash(f"{contact.name} archived.", "success")
    return redirect(url_for("cases.overview", ref=ref) + "#contacts")


def _phase_targets(case: FamilyCase) -> list[tuple[str, str]]:
    phase = case.phase_enum
    if phase is Phase.CLOSED:
        back_to = Phase(case.closed_from_phase or Phase.SCHEDULING)
        return [(back_to.value, f"Reopen into {back_to.label}")]
    targets = []
    if nxt := phases.next_phase(phase):
        targets.append((nxt.value, f"Forward to {nxt.label}"))
    if prev := phases.previous_phase(phase):
        targets.append((prev.value, f"Back to {prev.label} (needs a reason)"))
    targets.append((Phase.CLOSED.value, "Close the case"))
    return targets


@bp.route("/<ref>/phase", methods=["GET", "POST"])
@clinical_required
def change_phase(ref):
    case = load_case(ref)
    form = PhaseForm()
    form.target.choices = options(_phase_targets(case))
    if form.validate_on_submit():
        try:
            transition = phases.plan(
                case.phase,
                form.target.data,
                reason=form.reason.data,
                closing_reason=form.closing_reason.data or None,
                closed_from=case.closed_from_phase,
            )
        except phases.TransitionError as exc:
            form.target.errors = [*form.target.errors, str(exc)]
        else:
            blockers = sections.blockers(case, transition)
            override = form.override_reason.data if current_user.sees_every_case else ""
            if blockers and not override:
                form.target.errors = [*form.target.errors, *blockers]
                return _phase_page(case, form, blockers)
            if blockers:
                service.override_gate(case, blockers, override)
            service.change_phase(case, current_user, transition, form.closing_reason.data or None)
            flash(f"{case.reference} is now in {case.phase_enum.label}.", "success")
            return redirect(url_for("cases.overview", ref=ref))
    return _phase_page(case, form, [])


def _phase_page(case, form, blockers):
    if not blockers:
        # Say so before anyone tries: the next step forward is gated.
        blockers = sections.forward_blockers(case)
    html = render_template("cases/phase.html", case=case, form=form, blockers=blockers)
    return html, 422 if form.errors else 200


@bp.route("/<ref>/reassign", methods=["GET", "POST"])
@supervisor_required
def reassign(ref):
    case = load_case(ref)
    form = ReassignForm()
    staff = service.staff_choices()
    form.interventionist_id.choices = options((u.id, u.name) for u in staff)
    form.co_interventionist_id.choices = options([(0, "None")] + [(u.id, u.name) for u in staff])
    if request.method == "GET":
        form.interventionist_id.data = case.interventionist_id
        form.co_interventionist_id.data = case.co_interventionist_id or 0
    if form.validate_on_submit():
        lead = db.session.get(User, form.interventionist_id.data)
        co_id = form.co_interventionist_id.data
        co = db.session.get(User, co_id) if co_id else None
        service.reassign(case, lead, co, form.reason.data)
        flash(f"{case.reference} is now with {lead.name}.", "success")
        return redirect(url_for("cases.overview", ref=ref))
    html = render_template("cases/reassign.html", case=case, form=form)
    return html, 422 if form.errors else 200
