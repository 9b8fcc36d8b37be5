"""The Intervention tab: readiness, the plan, the team and their letters,
treatment lined up, the rehearsal, and the day's outcome. Staff only."""

from datetime import time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.guards import clinical_required, supervisor_required
from casework.cases.access import load_case, load_child
from casework.cases.service import staff_choices
from casework.domain import intervention as rules
from casework.extensions import db
from casework.forms import options
from casework.intervention import printout, service
from casework.intervention.forms import (
    BottomLineForm,
    ChecklistForm,
    CommentForm,
    CommitmentsForm,
    LetterForm,
    MemberForm,
    OutcomeForm,
    PlacementForm,
    PlanForm,
    ReasonForm,
    RehearsalForm,
)
from casework.intervention.models import Placement, TeamMember
from casework.printing import render_pdf
from casework.printing.delivery import pdf_response, practice_details
from casework.scheduling.models import CaseSession
from casework.timeutil import local_to_utc, to_local, utcnow
from casework.transaction import flush_or_conflict

bp = Blueprint("intervention", __name__)


def _me():
    return current_user._get_current_object()


def _plan_form(case, plan, formdata=None) -> PlanForm:
    form = PlanForm(formdata=formdata) if formdata is not None else PlanForm()
    sessions = db.session.scalars(
        select(CaseSession)
        .where(CaseSession.case_id == case.id, CaseSession.status != "cancelled")
        .order_by(CaseSession.starts_at.desc())
        .limit(30)
    )
    form.session_id.choices = options(
        [(0, "Not booked yet")]
        + [(s.id, f"{s.title}, {to_local(s.starts_at):%a %b %-d, %Y %-I:%M %p}") for s in sessions]
    )
    form.chair_user_id.choices = options(
        [(0, "A family member chairs")] + [(u.id, u.name) for u in staff_choices()]
    )
    return form


def _index(case, status=200, **forms):
    plan = service.plan_for(case)
    members = service.team(case)
    plan_form = forms.get("plan_form")
    if plan_form is None:
        plan_form = _plan_form(case, plan, formdata=None)
        if plan is not None and request.method == "GET":
            plan_form.approach.data = plan.approach
            plan_form.approach_other.data = plan.approach_other
            plan_form.arise_level.data = plan.arise_level or 0
            plan_form.session_id.data = plan.session_id or 0
            plan_form.chair_user_id.data = plan.chair_user_id or 0
            plan_form.version.data = plan.version
    items = service.rehearsal_items()
    ticks = service.ticks(case)
    rehearsal_form = forms.get("rehearsal_form") or RehearsalForm(formdata=None)
    rehearsal_form.done.choices = options((i.id, i.text) for i in items)
    rehearsal_form.done.data = [i.id for i in items if i.id in ticks]
    return render_template(
        "intervention/index.html",
        case=case,
        plan=plan,
        members=members,
        placements=service.placements(case),
        readiness=service.readiness_of(case),
        plan_form=plan_form,
        rehearsal_form=rehearsal_form,
        items=items,
        ticks=ticks,
        now=utcnow(),
    ), status


@bp.get("/cases/<ref>/intervention/")
@clinical_required
def index(ref):
    return _index(load_case(ref))


@bp.post("/cases/<ref>/intervention/plan")
@clinical_required
def save_plan(ref):
    case = load_case(ref)
    plan = service.ensure_plan(case)
    form = _plan_form(case, plan)
    if not form.validate_on_submit():
        return _index(case, 422, plan_form=form)
    if form.version.data and form.version.data != str(plan.version):
        flash(
            "Someone else changed the plan while you were editing; your choices are below.", "error"
        )
        return _index(case, 409, plan_form=form)
    session_id = form.session_id.data or None
    if session_id is not None:
        load_child(case, CaseSession, session_id)
    try:
        service.save_plan(
            case,
            plan,
            service.PlanData(
                approach=form.approach.data,
                approach_other=form.approach_other.data,
                arise_level=form.arise_level.data or None,
                level_reason=form.level_reason.data,
                session_id=session_id,
                chair_user_id=form.chair_user_id.data or None,
            ),
            _me(),
        )
    except service.InterventionRuleError as exc:
        form.approach.errors = [str(exc)]
        return _index(case, 422, plan_form=form)
    flush_or_conflict()
    flash("Plan saved.", "success")
    return redirect(url_for("intervention.index", ref=ref))


# ---- the team ------------------------------------------------------------------------


def _member_form(case, member: TeamMember | None) -> MemberForm:
    form = MemberForm()
    form.contact_id.choices = options(
        [(0, "Someone who is not a contact")]
        + [(c.id, f"{c.name} ({c.relationship_to_loved_one})") for c in case.active_contacts]
    )
    return form


@bp.route("/cases/<ref>/intervention/members/new", methods=["GET", "POST"])
@clinical_required
def new_member(ref):
    case = load_case(ref)
    form = _member_form(case, None)
    if form.validate_on_submit():
        contact = next((c for c in case.active_contacts if c.id == form.contact_id.data), None)
        try:
            member = service.save_member(case, None, _member_data(form, contact))
        except service.InterventionRuleError as exc:
            form.name.errors = [str(exc)]
        else:
            flash(f"{member.name} is on the team.", "success")
            return redirect(url_for("intervention.member", ref=ref, member_id=member.id))
    return render_template("intervention/member_form.html", case=case, form=form, member=None), (
        422 if form.errors else 200
    )


def _member_data(form: MemberForm, contact) -> service.MemberData:
    return service.MemberData(
        contact=contact,
        name=form.name.data or "",
        relationship=form.relationship.data or "",
        role=form.role.data,
        reading_order=form.reading_order.data,
        seat=form.seat.data,
        attends_rehearsal=form.attends_rehearsal.data,
        attends_day=form.attends_day.data,
        staff_notes=form.staff_notes.data,
    )


def _member_page(case, member, status=200, **forms):
    letter = member.letter
    history = service.letter_history(letter) if letter is not None else []
    bottom = service.bottom_line_of(member)
    commitments = service.commitments_of(member)
    letter_form = forms.get("letter_form")
    if letter_form is None:
        letter_form = LetterForm()
        if not letter_form.restored:
            letter_form.body.data = letter.body if letter else ""
            letter_form.version.data = letter.version if letter else ""
    bottom_form = forms.get("bottom_form")
    if bottom_form is None:
        bottom_form = BottomLineForm()
        if not bottom_form.restored:
            bottom_form.text.data = bottom.text if bottom else ""
    commitments_form = forms.get("commitments_form") or CommitmentsForm(formdata=None)
    if "commitments_form" not in forms:
        commitments_form.behaviours.data = [c.behaviour for c in commitments]
        commitments_form.own_words.data = next(
            (c.own_words for c in commitments if c.behaviour == "other"), None
        )
    edit_form = forms.get("edit_form")
    if edit_form is None:
        edit_form = _member_form(case, member)
        edit_form.process(obj=member)
        edit_form.contact_id.data = member.contact_id or 0
        edit_form.relationship.data = member.relationship_to_loved_one
        edit_form.version.data = member.version
    return render_template(
        "intervention/member.html",
        case=case,
        member=member,
        letter=letter,
        history=history,
        letter_form=letter_form,
        comment_form=forms.get("comment_form") or CommentForm(formdata=None),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        bottom_form=bottom_form,
        commitments_form=commitments_form,
        edit_form=edit_form,
    ), status


def _member(case, member_id) -> TeamMember:
    return load_child(case, TeamMember, member_id, archived_at=None)


@bp.route("/cases/<ref>/intervention/members/<int:member_id>", methods=["GET", "POST"])
@clinical_required
def member(ref, member_id):
    case = load_case(ref)
    member = _member(case, member_id)
    if request.method == "GET":
        return _member_page(case, member)
    form = _member_form(case, member)
    if not form.validate_on_submit():
        return _member_page(case, member, 422, edit_form=form)
    if form.version.data != str(member.version):
        flash("Someone else changed this member while you were editing.", "error")
        return _member_page(case, member, 409, edit_form=form)
    contact = next((c for c in case.active_contacts if c.id == form.contact_id.data), None)
    try:
        service.save_member(case, member, _member_data(form, contact))
    except service.InterventionRuleError as exc:
        form.name.errors = [str(exc)]
        return _member_page(case, member, 422, edit_form=form)
    flush_or_conflict()
    flash("Saved.", "success")
    return redirect(url_for("intervention.member", ref=ref, member_id=member.id))


@bp.post("/cases/<ref>/intervention/members/<int:member_id>/remove")
@clinical_required
def remove_member(ref, member_id):
    case = load_case(ref)
    member = _member(case, member_id)
    service.remove_member(case, member)
    flash(f"{member.name} is off the team.", "success")
    return redirect(url_for("intervention.index", ref=ref))


# ---- letters, bottom lines, commitments -------------------------------------------------


@bp.post("/cases/<ref>/intervention/members/<int:member_id>/letter")
@clinical_required
def save_letter(ref, member_id):
    case = load_case(ref)
    member = _member(case, member_id)
    form = LetterForm()
    if not form.validate_on_submit():
        return _member_page(case, member, 422, letter_form=form)
    letter = service.letter_of(member)
    if form.version.data and form.version.data != str(letter.version):
        flash(
            "The letter changed while you were writing (perhaps its author saved it). "
            "Your text is below: compare, then save again.",
            "error",
        )
        form.version.data = letter.version
        return _member_page(case, member, 409, letter_form=form)
    try:
        service.save_letter(case, member, form.body.data, _me())
    except service.LetterRuleError as exc:
        form.body.errors = [str(exc)]
        return _member_page(case, member, 409, letter_form=form)
    flush_or_conflict()
    flash("Letter saved.", "success")
    return redirect(url_for("intervention.member", ref=ref, member_id=member.id))


@bp.post("/cases/<ref>/intervention/members/<int:member_id>/letter/<any(share, final):step>")
@clinical_required
def letter_step(ref, member_id, step):
    case = load_case(ref)
    member = _member(case, member_id)
    try:
        if step == "share":
            service.share_letter(case, member, _me())
        else:
            service.finalize_letter(case, member, _me())
    except service.LetterRuleError as exc:
        flash(str(exc), "error")
        return _member_page(case, member, 409)
    flush_or_conflict()
    flash("Letter shared for review." if step == "share" else "Letter made final.", "success")
    return redirect(url_for("intervention.member", ref=ref, member_id=member.id))


def _letter_with_words(ref, member_id, form, form_key: str, act, done: str):
    """A step of the letter that needs a few words (a comment, a reason):
    the form again with its message (422), the rule's refusal (409), or done."""
    case = load_case(ref)
    member = _member(case, member_id)
    if not form.validate_on_submit():
        return _member_page(case, member, 422, **{form_key: form})
    words = next(f for f in form if f.name != "csrf_token")
    try:
        act(case, member, _me(), words.data)
    except service.LetterRuleError as exc:
        words.errors = [str(exc)]
        return _member_page(case, member, 409, **{form_key: form})
    flush_or_conflict()
    flash(done, "success")
    return redirect(url_for("intervention.member", ref=ref, member_id=member.id))


@bp.post("/cases/<ref>/intervention/members/<int:member_id>/letter/return")
@clinical_required
def return_letter(ref, member_id):
    return _letter_with_words(
        ref,
        member_id,
        CommentForm(),
        "comment_form",
        service.return_letter,
        "Returned to its author with your comment.",
    )


@bp.post("/cases/<ref>/intervention/members/<int:member_id>/letter/reopen")
@clinical_required
def reopen_letter(ref, member_id):
    return _letter_with_words(
        ref,
        member_id,
        ReasonForm(),
        "reason_form",
        service.reopen_letter,
        "Letter reopened. Its history is kept.",
    )


@bp.post("/cases/<ref>/intervention/members/<int:member_id>/bottom-line")
@clinical_required
def save_bottom_line(ref, member_id):
    case = load_case(ref)
    member = _member(case, member_id)
    form = BottomLineForm()
    if not form.validate_on_submit():
        return _member_page(case, member, 422, bottom_form=form)
    service.set_bottom_line(case, member, form.text.data or "")
    flash("Bottom line saved.", "success")
    return redirect(url_for("intervention.member", ref=ref, member_id=member.id))


@bp.post("/cases/<ref>/intervention/members/<int:member_id>/commitments")
@clinical_required
def save_commitments(ref, member_id):
    case = load_case(ref)
    member = _member(case, member_id)
    form = CommitmentsForm()
    if not form.validate_on_submit():
        return _member_page(case, member, 422, commitments_form=form)
    try:
        service.set_commitments(case, member, form.behaviours.data or [], form.own_words.data)
    except service.InterventionRuleError as exc:
        form.own_words.errors = [str(exc)]
        return _member_page(case, member, 422, commitments_form=form)
    flash("Commitments saved.", "success")
    return redirect(url_for("intervention.member", ref=ref, member_id=member.id))


# ---- treatment lined up -----------------------------------------------------------------


def _when(day, at):
    return local_to_utc(day, at or time(12, 0)) if day else None


def _placement_fields(form: PlacementForm) -> dict:
    verified = form.insurance_date.data
    return {
        "facility": form.facility.data,
        "level": form.level.data,
        "address": form.address.data,
        "contact_name": form.contact_name.data,
        "phone": form.phone.data,
        "bed_held_until": _when(form.bed_date.data, form.bed_time.data),
        "insurance_verified_by": form.insurance_verified_by.data,
        "insurance_verified_on": _when(verified, None),
        "payer": form.payer.data,
        "authorization_number": form.authorization_number.data,
        "expected_cost": form.expected_cost.data,
        "admission_at": _when(form.admission_date.data, form.admission_time.data),
        "transport_driver": form.transport_driver.data,
        "transport_route": form.transport_route.data,
        "transport_companion": form.transport_companion.data,
        "what_to_pack": form.what_to_pack.data,
        "financial_relationship": form.financial_relationship.data,
        "financial_text": form.financial_text.data,
    }


def _fill_placement_form(form: PlacementForm, placement: Placement) -> None:
    form.process(obj=placement)
    for day_field, time_field, value in (
        (form.bed_date, form.bed_time, placement.bed_held_until),
        (form.admission_date, form.admission_time, placement.admission_at),
        (form.insurance_date, None, placement.insurance_verified_on),
    ):
        local = to_local(value)
        if local is not None:
            day_field.data = local.date()
            if time_field is not None:
                time_field.data = local.time()
    form.version.data = placement.version


@bp.route("/cases/<ref>/intervention/placements/new", methods=["GET", "POST"])
@clinical_required
def new_placement(ref):
    return _placement_page(load_case(ref), None)


@bp.route("/cases/<ref>/intervention/placements/<int:placement_id>", methods=["GET", "POST"])
@clinical_required
def placement(ref, placement_id):
    case = load_case(ref)
    return _placement_page(case, load_child(case, Placement, placement_id))


def _placement_page(case, found: Placement | None):
    ref = case.reference
    form = PlacementForm()
    if request.method == "GET":
        if found is not None:
            _fill_placement_form(form, found)
    elif form.validate_on_submit():
        if found is not None and form.version.data != str(found.version):
            flash("Someone else changed this placement while you were editing.", "error")
            return render_template(
                "intervention/placement_form.html", case=case, form=form, placement=found
            ), 409
        try:
            saved = service.save_placement(case, found, _placement_fields(form))
        except service.InterventionRuleError as exc:
            form.financial_text.errors = [str(exc)]
        else:
            flush_or_conflict()
            flash(f"{saved.facility} saved.", "success")
            return redirect(url_for("intervention.index", ref=ref) + "#treatment")
    return render_template(
        "intervention/placement_form.html", case=case, form=form, placement=found
    ), 422 if form.errors else 200


@bp.post("/cases/<ref>/intervention/placements/<int:placement_id>/choose")
@clinical_required
def choose_placement(ref, placement_id):
    case = load_case(ref)
    chosen = load_child(case, Placement, placement_id)
    service.choose_placement(case, chosen)
    flash(f"{chosen.facility} is the choice for the day.", "success")
    return redirect(url_for("intervention.index", ref=ref) + "#treatment")


# ---- rehearsal ------------------------------------------------------------------------


@bp.post("/cases/<ref>/intervention/rehearsal")
@clinical_required
def rehearsal(ref):
    case = load_case(ref)
    items = service.rehearsal_items()
    form = RehearsalForm()
    form.done.choices = options((i.id, i.text) for i in items)
    if not form.validate_on_submit():
        return _index(case, 422, rehearsal_form=form)
    done = set(form.done.data or [])
    for item in items:
        service.set_tick(case, item, item.id in done, _me())
    flash("Rehearsal checklist saved.", "success")
    return redirect(url_for("intervention.index", ref=ref) + "#rehearsal")


@bp.route("/intervention/checklist", methods=["GET", "POST"])
@supervisor_required
def checklist():
    form = ChecklistForm()
    if request.method == "GET":
        form.items.data = "\n".join(i.text for i in service.rehearsal_items())
    elif form.validate_on_submit():
        service.set_rehearsal_items(form.items.data.splitlines())
        flash("Checklist saved.", "success")
        return redirect(url_for("intervention.checklist"))
    return render_template("intervention/checklist.html", form=form), 422 if form.errors else 200


# ---- the outcome ----------------------------------------------------------------------


@bp.route("/cases/<ref>/intervention/outcome", methods=["GET", "POST"])
@clinical_required
def outcome(ref):
    case = load_case(ref)
    plan = service.plan_for(case)
    if plan is None:
        flash("Start the intervention plan first.", "error")
        return redirect(url_for("intervention.index", ref=ref))
    if plan.outcome is not None:
        flash("The outcome is recorded already.", "info")
        return redirect(url_for("intervention.index", ref=ref))
    choices = service.placements(case)
    form = OutcomeForm()
    form.placement_id.choices = options([(0, "—")] + [(p.id, p.facility) for p in choices])
    if request.method == "GET" and not form.restored:
        now = to_local(utcnow())
        form.date.data, form.time.data = now.date(), now.time().replace(second=0, microsecond=0)
        chosen = next((p for p in choices if p.chosen), None)
        form.placement_id.data = chosen.id if chosen else 0
    elif request.method == "POST" and form.validate_on_submit():
        placement = next((p for p in choices if p.id == form.placement_id.data), None)
        data = service.OutcomeData(
            outcome=form.outcome.data,
            at=local_to_utc(form.date.data, form.time.data),
            detail=form.detail.data,
            admitted_at=_when(form.admitted_date.data, form.admitted_time.data),
            placement=placement,
            early_reason=form.early_reason.data,
            narrative=form.narrative.data,
        )
        try:
            note = service.record_outcome(case, plan, data, _me())
        except service.InterventionRuleError as exc:
            form.outcome.errors = [str(exc)]
        else:
            flush_or_conflict()
            flash(
                f"Outcome recorded: {rules.OUTCOMES[data.outcome].lower()}. The case moves to "
                "post-intervention support. Finish and sign the note of the day.",
                "success",
            )
            return redirect(url_for("notes.edit", ref=ref, note_id=note.id))
    return render_template(
        "intervention/outcome.html", case=case, plan=plan, form=form
    ), 422 if form.errors else 200


# ---- print ------------------------------------------------------------------------------


@bp.get("/cases/<ref>/intervention/run-sheet.pdf")
@clinical_required
def run_sheet(ref):
    case = load_case(ref)
    plan = service.plan_for(case)
    pdf = render_pdf("run_sheet.html", printout.run_sheet(case, plan, practice_details()))
    record(
        Action.PRINT,
        case=case,
        obj=plan,
        object_type="InterventionPlan",
        summary="Run sheet printed",
    )
    return pdf_response(pdf, f"run-sheet-{case.reference}.pdf")


@bp.get("/cases/<ref>/intervention/members/<int:member_id>/letter.pdf")
@clinical_required
def letter_sheet(ref, member_id):
    case = load_case(ref)
    member = _member(case, member_id)
    pdf = render_pdf("letter_sheet.html", printout.letter_sheet(case, member, practice_details()))
    record(Action.PRINT, case=case, obj=member, summary=f"Letter sheet of {member.name} printed")
    return pdf_response(pdf, f"letter-{case.reference}-{member.id}.pdf")
