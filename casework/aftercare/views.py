"""The Aftercare tab: the pathway and its follow-ups, check-ins, measures
over time and milestones, the family's own supports. Staff only."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casework.aftercare import service
from casework.aftercare.forms import CheckInForm, PathwayForm, SupportForm
from casework.aftercare.models import CheckIn
from casework.assessment import charts
from casework.assessment import service as assessment
from casework.auth.guards import clinical_required
from casework.cases.access import load_case, load_child
from casework.domain import followups, instruments, risk
from casework.education.models import EducationModule
from casework.extensions import db
from casework.forms import options
from casework.timeutil import local_today

bp = Blueprint("aftercare", __name__)

# Suggested to the family when a return to use is recorded.
RETURN_TO_USE_MODULE = "return-to-use"


def _me():
    return current_user._get_current_object()


def _trends(case) -> list[dict]:
    """BARC-10 for the loved one, WHO-5 for each family member: a chart each."""
    found = []
    barc = [s for s in assessment.screenings(case, "BARC-10") if s.contact_id is None]
    if barc:
        found.append(("The loved one's recovery capital (BARC-10)", "BARC-10", barc))
    who5 = assessment.screenings(case, "WHO-5")
    for contact in case.contacts:
        theirs = [s for s in who5 if s.contact_id == contact.id]
        if theirs:
            found.append((f"{contact.name}'s wellbeing (WHO-5)", "WHO-5", theirs))
    result = []
    for title, code, items in found:
        items = sorted(items, key=lambda s: (s.administered_on, s.id))
        chart = charts.trend(
            instruments.get_instrument(code),
            [(f"{s.administered_on:%b %-d}", s.total) for s in items],
        )
        result.append({"title": title, "chart": chart, "latest": items[-1]})
    return result


def _module(slug: str) -> EducationModule | None:
    return db.session.scalar(db.select(EducationModule).where(EducationModule.slug == slug))


def _index(case, status=200, pathway_form=None, support_form=None):
    items = service.check_ins(case)
    plan = service.follow_ups(case, items)
    today = local_today()
    start = service.recovery_start(items)
    latest = items[-1] if items else None
    module = None
    if latest is not None and latest.returned_to_use:
        module = _module(RETURN_TO_USE_MODULE)
    pathway = service.current_pathway(case)
    reading = _module(followups.PATHWAY_READING[pathway.pathway]) if pathway else None
    if pathway_form is None:
        pathway_form = PathwayForm(formdata=None)
        pathway_form.start.data = today
    if support_form is None:
        support_form = _support_form(case, formdata=None)
    return render_template(
        "aftercare/index.html",
        case=case,
        pathway=pathway,
        reading=reading,
        history=service.pathway_history(case),
        plan=[(f, followups.state(f, today)) for f in plan],
        next_up=service.next_open(plan),
        check_ins=list(reversed(items)),
        waiting=[c for c in items if c.family_reported and c.reviewed_at is None],
        trends=_trends(case),
        recovery_start=start,
        days_in_recovery=(today - start).days if start else None,
        milestones=followups.milestones(start, today),
        supports=service.supports(case),
        latest=latest,
        overdose_advice=risk.FLAGS["overdose_risk"][1],
        return_module=module,
        pathway_form=pathway_form,
        support_form=support_form,
        pathways=followups.PATHWAYS,
    ), status


@bp.get("/cases/<ref>/aftercare/")
@clinical_required
def index(ref):
    return _index(load_case(ref))


@bp.post("/cases/<ref>/aftercare/pathway")
@clinical_required
def change_pathway(ref):
    case = load_case(ref)
    form = PathwayForm()
    if not form.validate_on_submit():
        return _index(case, 422, pathway_form=form)
    try:
        service.start_pathway(case, form.pathway.data, form.start.data, form.reason.data, _me())
    except service.AftercareRuleError as exc:
        form.reason.errors = [str(exc)]
        return _index(case, 422, pathway_form=form)
    flash("Pathway changed: follow-ups ahead are planned from its start.", "success")
    return redirect(url_for("aftercare.index", ref=ref))


def _support_form(case, formdata=...):
    form = SupportForm() if formdata is ... else SupportForm(formdata=formdata)
    form.contact_id.choices = options(
        (c.id, f"{c.name} ({c.relationship_to_loved_one})") for c in case.active_contacts
    )
    return form


@bp.post("/cases/<ref>/aftercare/supports")
@clinical_required
def add_support(ref):
    case = load_case(ref)
    form = _support_form(case)
    if not form.validate_on_submit():
        return _index(case, 422, support_form=form)
    contact = next(c for c in case.active_contacts if c.id == form.contact_id.data)
    try:
        service.add_support(case, contact, form.kind.data, form.detail.data, form.started_on.data)
    except service.AftercareRuleError as exc:
        form.detail.errors = [str(exc)]
        return _index(case, 422, support_form=form)
    flash("Support added.", "success")
    return redirect(url_for("aftercare.index", ref=ref) + "#supports")


def _check_in_form(case) -> CheckInForm:
    form = CheckInForm()
    form.reached.choices = options(
        [("loved_one", case.display_name + " (the loved one)")]
        + [
            (f"contact:{c.id}", f"{c.name} ({c.relationship_to_loved_one})")
            for c in case.active_contacts
        ]
        + [("provider", "The treatment provider (where a consent covers it)")]
    )
    return form


def _due_from(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        abort(400)


@bp.route("/cases/<ref>/aftercare/check-ins/new", methods=["GET", "POST"])
@clinical_required
def new_check_in(ref):
    case = load_case(ref)
    if service.current_pathway(case) is None:
        flash("The follow-up pathway starts with the intervention's outcome.", "error")
        return redirect(url_for("aftercare.index", ref=ref))
    form = _check_in_form(case)
    contacts = list(case.active_contacts)
    if request.method == "GET" and not form.restored:
        form.held_on.data = local_today()
        form.due_on.data = request.args.get("due", "")
        for contact in contacts:
            form.members.append_entry({"contact_id": str(contact.id)})
    while len(form.members) < len(contacts):
        form.members.append_entry({"contact_id": str(contacts[len(form.members)].id)})
    if request.method == "POST" and form.validate_on_submit():
        by_id = {str(c.id): c for c in contacts}
        reports = [
            service.MemberReport(
                by_id[entry.form.contact_id.data],
                entry.form.wellbeing.data,
                entry.form.commitments.data or None,
                entry.form.supports_attended.data,
            )
            for entry in form.members
            if entry.form.contact_id.data in by_id
            and (
                entry.form.wellbeing.data
                or entry.form.commitments.data
                or entry.form.supports_attended.data
            )
        ]
        data = service.CheckInData(
            held_on=form.held_on.data,
            due_on=_due_from(form.due_on.data),
            method=form.method.data,
            reached=form.reached.data or [],
            loved_one_status=form.loved_one_status.data,
            days_since_use=form.days_since_use.data,
            returned_to_use=form.returned_to_use.data,
            return_detail=form.return_detail.data,
            medication=form.medication.data,
            meetings=form.meetings.data,
            work_and_housing=form.work_and_housing.data,
            new_safety_concern=form.new_safety_concern.data or None,
            narrative=form.narrative.data,
            members=reports,
        )
        try:
            result = service.record_check_in(case, data, _me())
        except service.AftercareRuleError as exc:
            target = (
                form.reached if isinstance(exc, service.ProviderConsentMissing) else form.narrative
            )
            target.errors = [*target.errors, str(exc)]
        else:
            message = "Check-in recorded. Finish and sign its note."
            if service.PROVIDER in data.reached:
                message += (
                    " The provider contact is in the accounting of disclosures; anything written"
                    " sent to them goes with the consent's copy, which carries the notice."
                )
            if result.switched_to:
                message += f" The pathway is now {followups.PATHWAYS[result.switched_to].lower()}."
            flash(message, "success")
            return redirect(url_for("notes.edit", ref=ref, note_id=result.note.id))
    names = {str(c.id): c for c in contacts}
    return render_template(
        "aftercare/check_in_form.html",
        case=case,
        form=form,
        names=names,
        commitments=_commitments(case, contacts),
    ), 422 if form.errors else 200


def _commitments(case, contacts) -> dict[str, list[str]]:
    """What each family member committed to stop at the intervention, to review."""
    from casework.domain.intervention import ENABLING_BEHAVIOURS
    from casework.intervention import service as intervention

    found = {}
    for contact in contacts:
        member = intervention.member_of_contact(case, contact.id)
        if member is not None:
            found[str(contact.id)] = [
                c.own_words or ENABLING_BEHAVIOURS.get(c.behaviour, c.behaviour)
                for c in intervention.commitments_of(member)
            ]
    return found


@bp.get("/cases/<ref>/aftercare/check-ins/<int:check_in_id>")
@clinical_required
def check_in(ref, check_in_id):
    case = load_case(ref)
    found = load_child(case, CheckIn, check_in_id)
    return render_template("aftercare/check_in.html", case=case, check_in=found)


@bp.post("/cases/<ref>/aftercare/check-ins/<int:check_in_id>/review")
@clinical_required
def review(ref, check_in_id):
    case = load_case(ref)
    found = load_child(case, CheckIn, check_in_id)
    try:
        service.review_family_check_in(case, found, _me())
    except service.AftercareRuleError as exc:
        flash(str(exc), "error")
        return render_template("aftercare/check_in.html", case=case, check_in=found), 409
    flash("Reviewed. It counts as the follow-up done.", "success")
    return redirect(url_for("aftercare.index", ref=ref))
