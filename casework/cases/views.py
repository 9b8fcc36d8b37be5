import json
import re
from collections import namedtuple
from dataclasses import dataclass
from functools import cache

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, and_, bindparam, func, or_, select, true
from sqlalchemy.orm import joinedload, lazyload, load_only
from sqlalchemy.orm.exc import StaleDataError

from casework.audit.queries import timeline
from casework.audit.service import record_list
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
from casework.forms import MAX_ID, Page, loaded_values, options, page_number, whole_number
from casework.transaction import CONFLICTS, roll_back_conflict

# A link to a case page, as the caseload's side panels print them.
CASE_LINK = re.compile(r'href="/cases/(C-\d{4}-\d+)/')

bp = Blueprint("cases", __name__, url_prefix="/cases")

SAFETY_PANEL_SIZE = 20
OPEN_STATUSES = ("active", "on_hold")


def _assigned_to(user_id, *conditions):
    """Cases led or co-led by this person, each branch with every condition,
    so each can walk its own index."""
    return or_(
        and_(FamilyCase.interventionist_id == user_id, *conditions),
        and_(FamilyCase.co_interventionist_id == user_id, *conditions),
    )


@dataclass(frozen=True)
class _Shape:
    """What decides the caseload's statements; the values go in as parameters,
    so each shape's statements are built (and their cache keys made) once per
    process instead of on every request."""

    everyone: bool  # no one's own cases: every case, or one chosen lead's
    lead: bool  # a chosen lead's cases (`who`)
    search: bool  # `term`
    status: bool  # `status`
    phase: bool  # `phase_rank`
    names: bool  # each row's lead by name (a supervisor's page)
    per_page: int


def _caseload_where(shape: _Shape, *extra, narrowed: bool = True) -> list:
    """Who may see what, plus (when `narrowed`) the search and status chosen."""
    conditions = list(extra)
    if narrowed and shape.search:
        conditions.append(FamilyCase.search_key.like(bindparam("term"), escape="\\"))
    if narrowed and shape.status:
        conditions.append(FamilyCase.status == bindparam("status"))
    if shape.everyone and not shape.lead:
        return conditions
    return [_assigned_to(bindparam("who"), *conditions)]


# A row shows the case's own fields and what the sections' next steps read,
# its primary contact's name and relationship (two columns of the same
# statement, not the case's contacts as records), and the lead's name only
# where it is shown.
ROW_COLUMNS = load_only(
    FamilyCase.reference,
    FamilyCase.loved_one_name,
    FamilyCase.preferred_name,
    FamilyCase.urgency,
    FamilyCase.phase,
    FamilyCase.phase_entered_at,
    FamilyCase.status,
    FamilyCase.closed_from_phase,
    FamilyCase.interventionist_id,
    FamilyCase.co_interventionist_id,
    FamilyCase.risk_flags,
    FamilyCase.safety_alert,
    FamilyCase.version,
)

PrimaryContact = namedtuple("PrimaryContact", "name relationship_to_loved_one")


def _primary_contact(column):
    """`column` of the case's primary contact, as FamilyCase.primary_contact
    chooses it: the first active contact marked primary, else the first active one."""
    return (
        select(column)
        .where(Contact.case_id == FamilyCase.id, Contact.archived_at.is_(None))
        .order_by(Contact.is_primary.desc(), Contact.id)
        .limit(1)
        .correlate(FamilyCase)
        .scalar_subquery()
    )


ROW_CONTACT = (
    _primary_contact(Contact.name),
    _primary_contact(Contact.relationship_to_loved_one),
)

QUEUE_ORDER = (
    FamilyCase.phase_rank,
    FamilyCase.urgency_rank,
    FamilyCase.phase_entered_at,
    FamilyCase.id,
)


@cache
def _caseload_statements(shape: _Shape) -> tuple[Select, Select, Select]:
    """The counts by phase, the page of cases, the safety panel."""
    loading = (
        ROW_COLUMNS,
        lazyload(FamilyCase.contacts),
        lazyload(FamilyCase.co_interventionist),
        joinedload(FamilyCase.interventionist).load_only(User.name)
        if shape.names
        else lazyload(FamilyCase.interventionist),
    )
    counts = (
        select(FamilyCase.phase, func.count())
        .where(*_caseload_where(shape))
        .group_by(FamilyCase.phase)
    )
    chosen = [FamilyCase.phase_rank == bindparam("phase_rank")] if shape.phase else []
    rows = (
        select(FamilyCase, *ROW_CONTACT)
        .where(*_caseload_where(shape, *chosen))
        .options(*loading)
        .order_by(*QUEUE_ORDER)
        .limit(shape.per_page)
        .offset(bindparam("offset"))
    )
    # Safety first: every open case with an unanswered safety concern, above the
    # rest and whatever the search or phase shown.
    alerts = (
        select(FamilyCase, *ROW_CONTACT)
        .where(
            *_caseload_where(
                shape,
                FamilyCase.status.in_(OPEN_STATUSES),
                FamilyCase.safety_alert == true(),
                narrowed=False,
            )
        )
        .options(*loading)
        .order_by(*QUEUE_ORDER)
        .limit(SAFETY_PANEL_SIZE)
    )
    return counts, rows, alerts


def _with_contacts(found, contacts: dict) -> list[FamilyCase]:
    """The cases of (case, contact name, relationship) rows; their contacts into `contacts`."""
    cases = []
    for case, name, relationship in found:
        cases.append(case)
        if name is not None:
            contacts[case.id] = PrimaryContact(name, relationship)
    return cases


@bp.get("/")
@staff_required
def caseload():
    if not current_user.has_clinical_access:
        # Staff land here after sign-in; an administrator's work is the accounts,
        # and an account whose clinical access is not confirmed yet waits.
        return redirect(url_for("users.index" if current_user.is_admin else "access.waiting"))
    form = CaseloadFilterForm(request.args)
    everyone = current_user.sees_every_case
    staff = service.staff_names() if everyone else []
    form.interventionist.choices = options([(0, "Everyone"), *staff])
    if not form.validate():
        return render_template(
            "cases/caseload.html", form=form, page=None, counts={}, groups=[]
        ), 400
    shape = _Shape(
        everyone=everyone,
        lead=everyone and bool(form.interventionist.data),
        search=bool(form.q.data),
        status=form.status.data != "all",
        phase=bool(form.phase.data),
        names=everyone,
        per_page=current_app.config["CASELOAD_PAGE_SIZE"],
    )
    number = page_number()
    parameters = {
        "who": form.interventionist.data if everyone else current_user.id,
        "status": form.status.data,
        "offset": (number - 1) * shape.per_page,
    }
    if shape.search:
        term = form.q.data.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        parameters["term"] = f"%{term}%"
    if shape.phase:
        parameters["phase_rank"] = PHASE_RANKS[form.phase.data]
    counts_query, rows_query, alerts_query = _caseload_statements(shape)
    counts = dict(db.session.execute(counts_query, parameters).all())
    contacts: dict[int, PrimaryContact] = {}
    rows = _with_contacts(db.session.execute(rows_query, parameters), contacts)
    total = counts.get(form.phase.data, 0) if form.phase.data else sum(counts.values())
    page = Page(rows, number, shape.per_page, total)
    alerts = _with_contacts(db.session.execute(alerts_query, parameters), contacts)
    groups: list[tuple[Phase, list[FamilyCase]]] = []
    for item in rows:
        if not groups or groups[-1][0] != item.phase_enum:
            groups.append((item.phase_enum, []))
        groups[-1][1].append(item)
    shown = list({c.id: c for c in rows + alerts}.values())
    outlook = sections.outlook(shown)
    page_html = render_template(
        "cases/caseload.html",
        form=form,
        page=page,
        counts=counts,
        groups=groups,
        total=sum(counts.values()),
        alerts=alerts,
        contacts=contacts,
        steps={c.id: outlook.next_step(c) for c in shown},
        panels=sections.caseload_panels(current_user),
    )
    # The names on the page, one audit event: the rows, and the cases the side
    # panels (week ahead, notes, follow-ups) link to.
    record_list([*(c.reference for c in shown), *CASE_LINK.findall(page_html)])
    return page_html


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
    events = timeline(case)
    return render_template(
        "cases/overview.html",
        case=case,
        events=events,
        event_marks=_timeline_marks(case, events),
        steps=outlook.steps(case),
        outlook=outlook,
        overview_sections=sections.overviews(),
    )


def _timeline_marks(case, events) -> dict:
    """What the sections say beside the timeline's records (a held session's
    note), on the newest event of each record: {event id: [Mark]}."""
    newest: dict[tuple[str, int], int] = {}
    for e in events:
        if e.object_type and (e.object_id or "").isdigit():
            newest.setdefault((e.object_type, int(e.object_id)), e.id)
    found = {}
    for kind in sorted({kind for kind, _ in newest}):
        ids = sorted(i for k, i in newest if k == kind)
        for record_id, said in sections.marks(case, kind, ids).items():
            found[newest[(kind, record_id)]] = said
    return found


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
    loaded = loaded_values(form.loaded.data)  # {} when the browser sent it back altered
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
            return _contact_conflict(case, contact, form)
        data = {name: getattr(form, name).data for name in service.CONTACT_FIELDS}
        try:
            service.save_contact(case, contact, data)  # flushes: a save a moment ago shows
        except CONFLICTS as error:
            roll_back_conflict(error)
            return _contact_conflict(case, db.session.get(Contact, contact.id), form)
        flash(f"{contact.name} saved.", "success")
        return redirect(url_for("cases.overview", ref=ref) + "#contacts")
    html = render_template(
        "cases/contact_form.html", case=case, form=form, contact=contact, archive_form=ArchiveForm()
    )
    return html, 422 if form.errors else 200


def _contact_conflict(case, contact: Contact, form: ContactForm):
    form.version.data = contact.version
    return render_template(
        "cases/contact_form.html", case=case, form=form, contact=contact, conflict=True
    ), 409


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
        _loaded_assignment(form, case)
    elif form.validate_on_submit():
        if form.version.data != str(case.version):
            return _reassign_conflict(case, form, staff)
        lead = db.session.get(User, form.interventionist_id.data)
        co_id = form.co_interventionist_id.data
        co = db.session.get(User, co_id) if co_id else None
        try:
            service.reassign(case, lead, co, form.reason.data)
            db.session.flush()  # someone else's change a moment ago shows here
        except CONFLICTS as error:
            roll_back_conflict(error)
            return _reassign_conflict(db.session.get(FamilyCase, case.id), form, staff)
        flash(f"{case.reference} is now with {lead.name}.", "success")
        return redirect(url_for("cases.overview", ref=ref))
    html = render_template("cases/reassign.html", case=case, form=form)
    return html, 422 if form.errors else 200


def _loaded_assignment(form: ReassignForm, case: FamilyCase) -> None:
    form.version.data = case.version
    form.loaded_lead.data = case.interventionist_id
    form.loaded_co.data = case.co_interventionist_id or 0


def _reassign_conflict(case: FamilyCase, form: ReassignForm, staff):
    """The case changed since the page was opened: say who is on it now (and
    who was), keep this person's choices, and save nothing."""
    names = {u.id: u.name for u in staff}

    def name(user_id) -> str:
        return names.get(user_id, "someone no longer on staff") if user_id else "None"

    def loaded(value: str | None) -> int | None:
        return whole_number(value, most=MAX_ID)

    theirs = [
        (label, name(before), name(now))
        for label, before, now in (
            ("Interventionist", loaded(form.loaded_lead.data), case.interventionist_id),
            ("Co-interventionist", loaded(form.loaded_co.data), case.co_interventionist_id or 0),
        )
        if before is not None and before != now
    ]
    _loaded_assignment(form, case)
    html = render_template(
        "cases/reassign.html", case=case, form=form, conflict=True, theirs=theirs
    )
    return html, 409
