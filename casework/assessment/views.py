from functools import lru_cache

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from casework.assessment import service
from casework.assessment.charts import trend
from casework.assessment.forms import (
    SECTIONS,
    AssessmentForm,
    ReviseForm,
    SafetyPlanForm,
    SafetyReviewForm,
    screening_form_class,
)
from casework.assessment.models import Assessment
from casework.assessment.summary import summary_context
from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.guards import clinical_required
from casework.cases.access import load_case, load_child
from casework.domain import instruments, risk
from casework.extensions import db
from casework.forms import ConfirmForm
from casework.printing.delivery import pdf_response
from casework.timeutil import local_today
from casework.transaction import CONFLICTS, roll_back_conflict

bp = Blueprint("assessment", __name__)


def charts_for(items, latest=None, *, drawn: bool = False) -> list[dict]:
    """Latest score and trend chart for each instrument given on the case.
    `items` (oldest first) need only code, administered_on and total when
    `latest`, the newest screening of each code, is given. `drawn`: each
    chart as its SVG ("svg") rather than its geometry ("chart")."""
    latest = latest if latest is not None else service.latest_by_code(items)
    by_code: dict[str, list[tuple[str, int]]] = {}
    for s in items:
        by_code.setdefault(s.code, []).append((s.administered_on.strftime("%b %-d"), s.total))
    out = []
    for code, instrument in instruments.INSTRUMENTS.items():
        if code not in latest:
            continue
        points = by_code.get(code, [])
        out.append(
            {
                "instrument": instrument,
                "latest": latest[code],
                **(
                    {"svg": trend_svg(code, points)}
                    if drawn
                    else {"chart": trend(instrument, points)}
                ),
                "count": len(points),
            }
        )
    return out


def trend_svg(code: str, points: list[tuple[str, int]]) -> Markup:
    """The chart of these points drawn as inline SVG (templates/assessment/_trend.html).

    A chart is drawn once per process for the same points and kept (a case's
    charts change only when a screening is given), unless templates reload."""
    if current_app.jinja_env.auto_reload:
        return _draw(code, tuple(points))
    return _drawn(id(current_app.jinja_env), code, tuple(points))


def _draw(code: str, points: tuple) -> Markup:
    macro = get_template_attribute("assessment/_trend.html", "trend_svg")
    return macro(trend(instruments.INSTRUMENTS[code], list(points)))


@lru_cache(maxsize=1024)
def _drawn(environment: int, code: str, points: tuple) -> Markup:
    return _draw(code, points)


def _overview_page(case, revise_form: ReviseForm | None = None) -> str:
    points, latest = service.screening_trends(case)
    return render_template(
        "assessment/overview.html",
        case=case,
        assessment=service.current(case),
        versions=service.all_versions(case),
        charts=charts_for(points, latest, drawn=True),
        safety_plan=service.latest_safety_plan(case),
        sections=SECTIONS,
        complete_form=ConfirmForm(),
        revise_form=revise_form or ReviseForm(),
        risk_flags=risk.FLAGS,
        instruments=instruments.INSTRUMENTS,
        blockers=risk.intervention_blockers(
            case.risk_flags, has_safety_plan=service.has_safety_plan(case)
        ),
    )


@bp.get("/cases/<ref>/assessment/")
@clinical_required
def overview(ref):
    case = load_case(ref)
    html = _overview_page(case)
    return html


@bp.route("/cases/<ref>/assessment/edit", methods=["GET", "POST"])
@clinical_required
def edit(ref):
    case = load_case(ref)
    assessment = service.current(case)
    if assessment is not None and assessment.locked:
        flash("This version is completed and locked. Start a new version to change it.", "info")
        return redirect(url_for("assessment.overview", ref=ref))
    if request.method == "GET":
        form = AssessmentForm(data=assessment.data if assessment else None)
        if not form.restored:  # typed before a sign-out: its own version, for the 409 check
            form.version.data = assessment.version if assessment else ""
        html = render_template(
            "assessment/edit.html", case=case, form=form, assessment=assessment, sections=SECTIONS
        )
        return html
    form = AssessmentForm()
    if "add_substance" in request.form or "add_treatment" in request.form:
        rows = form.substances if "add_substance" in request.form else form.prior_treatment
        if len(rows) < rows.max_entries:
            rows.append_entry()
            status = 200
        else:
            flash(f"This section holds at most {rows.max_entries} rows.", "error")
            status = 422
        return render_template(
            "assessment/edit.html", case=case, form=form, assessment=assessment, sections=SECTIONS
        ), status
    if not form.validate_on_submit():
        return render_template(
            "assessment/edit.html", case=case, form=form, assessment=assessment, sections=SECTIONS
        ), 422
    if assessment is not None and form.version.data != str(assessment.version):
        form.version.data = assessment.version
        return render_template(
            "assessment/edit.html",
            case=case,
            form=form,
            assessment=assessment,
            sections=SECTIONS,
            conflict=True,
        ), 409
    try:
        service.save_draft(case, current_user, form.section_data())
        db.session.flush()  # a stale version shows here, before the response
    except CONFLICTS as error:  # a stale version, or a first version made a moment ago
        roll_back_conflict(error)
        return render_template(
            "assessment/edit.html",
            case=case,
            form=form,
            assessment=assessment,
            sections=SECTIONS,
            conflict=True,
        ), 409
    flash("Assessment saved as a draft.", "success")
    return redirect(url_for("assessment.overview", ref=ref))


@bp.post("/cases/<ref>/assessment/complete")
@clinical_required
def complete(ref):
    case = load_case(ref)
    assessment = service.current(case)
    if assessment is None or not ConfirmForm().validate_on_submit():
        abort(400)
    if assessment.locked:
        flash("That version is already completed.", "info")
    else:
        service.complete(case, current_user, assessment)
        flash(f"Assessment version {assessment.number} is completed and locked.", "success")
    return redirect(url_for("assessment.overview", ref=ref))


@bp.post("/cases/<ref>/assessment/revise")
@clinical_required
def revise(ref):
    case = load_case(ref)
    form = ReviseForm()
    valid = form.validate_on_submit()
    if not valid and (latest := service.current(case)) is not None and latest.locked:
        # The overview again (it shows this form on a locked version), reason kept.
        return _overview_page(case, revise_form=form), 422
    if not valid:
        flash("Say why the assessment is changing.", "error")
        return redirect(url_for("assessment.overview", ref=ref))
    try:
        new = service.revise(case, current_user, form.reason.data)
    except service.AssessmentLocked:
        flash("Only a completed assessment starts a new version.", "error")
        return redirect(url_for("assessment.overview", ref=ref))
    flash(f"Version {new.number} started. The earlier version stays readable.", "success")
    return redirect(url_for("assessment.edit", ref=ref))


@bp.get("/cases/<ref>/assessment/versions/<int:number>")
@clinical_required
def version(ref, number):
    case = load_case(ref)
    assessment = load_child(case, Assessment, number=number)
    html = render_template(
        "assessment/version.html", case=case, assessment=assessment, sections=SECTIONS
    )
    return html


@bp.route("/cases/<ref>/screenings/<code>/new", methods=["GET", "POST"])
@clinical_required
def new_screening(ref, code):
    case = load_case(ref)
    instrument = instruments.INSTRUMENTS.get(code) or abort(404)
    respondents = [("loved_one", "The loved one")] + [
        (str(c.id), f"{c.name} ({c.relationship_to_loved_one}), reporting")
        for c in case.active_contacts
    ]
    form = screening_form_class(instrument, respondents)()
    if request.method == "GET" and not form.restored:
        form.administered_on.data = local_today()
    elif form.validate_on_submit():
        answers = {item.key: int(getattr(form, item.key).data) for item in instrument.items}
        try:
            screening = service.record_screening(
                case,
                current_user,
                code,
                answers,
                administered_on=form.administered_on.data,
                respondent=form.respondent.data,
                # Only instruments with sex-specific cut-offs keep it.
                sex=(form.sex.data or None) if instrument.sex_bands else None,
            )
        except ValueError as exc:
            form.administered_on.errors = [*form.administered_on.errors, str(exc)]
        else:
            flash(f"{code}: {screening.total} ({screening.band}).", "success")
            return redirect(url_for("assessment.overview", ref=ref) + "#screenings")
    html = render_template(
        "assessment/screening_form.html", case=case, form=form, instrument=instrument
    )
    return html, 422 if form.errors else 200


@bp.route("/cases/<ref>/safety-plan", methods=["GET", "POST"])
@clinical_required
def safety_plan(ref):
    case = load_case(ref)
    latest = service.latest_safety_plan(case)
    form = SafetyPlanForm(obj=latest) if request.method == "GET" else SafetyPlanForm()
    if form.validate_on_submit():
        fields = {
            name: getattr(form, name).data
            for name in ("warning_signs", "coping_steps", "people_to_call", "means_safety")
        }
        service.record_safety_plan(case, current_user, fields)
        flash("Safety plan recorded.", "success")
        return redirect(url_for("assessment.overview", ref=ref))
    html = render_template("assessment/safety_plan.html", case=case, form=form, latest=latest)
    return html, 422 if form.errors else 200


@bp.route("/cases/<ref>/safety-review", methods=["GET", "POST"])
@clinical_required
def safety_review(ref):
    case = load_case(ref)
    form = SafetyReviewForm()
    if form.validate_on_submit():
        service.record_safety_review(case, current_user, form.note.data.strip())
        flash("Safety review documented.", "success")
        return redirect(url_for("assessment.overview", ref=ref))
    html = render_template(
        "assessment/safety_review.html",
        case=case,
        form=form,
        reviews=service.safety_reviews(case),
    )
    return html, 422 if form.errors else 200


@bp.get("/cases/<ref>/assessment/summary.pdf")
@clinical_required
def summary_pdf(ref):
    from casework.printing import render_pdf

    case = load_case(ref)
    assessment = service.current(case) or abort(404)
    items = service.screenings(case)
    context = summary_context(
        case, assessment, charts_for(items), items, practice=current_app.config["PRACTICE_NAME"]
    )
    pdf = render_pdf("assessment_summary.html", context)
    record(Action.PRINT, case=case, obj=assessment, summary="Assessment summary printed")
    return pdf_response(pdf, f"assessment-{case.reference}.pdf")
