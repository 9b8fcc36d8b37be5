"""The notes tab, writing and signing a note, addenda, supervision, and the
notes' printouts. Staff only: no note reaches the portal."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from casework.audit.models import Action
from casework.audit.service import record, record_list
from casework.auth.guards import clinical_required, supervisor_required
from casework.auth.reauth import TooManyAttempts, confirm_password
from casework.cases.access import load_case, load_child
from casework.cases.service import staff_choices
from casework.domain import notes as rules
from casework.extensions import db
from casework.forms import MAX_ID, options, page_number, whole_number
from casework.notes import printout, queries, service
from casework.notes.forms import (
    AddendumForm,
    CosignForm,
    HeadingsForm,
    NoteForm,
    NotesFilterForm,
    ReturnForm,
    ReviewForm,
    SupervisionForm,
)
from casework.notes.models import Note, NoteRound
from casework.printing import render_pdf
from casework.printing.delivery import pdf_response, practice_details
from casework.scheduling.models import CaseSession
from casework.timeutil import local_to_utc, to_local, utcnow
from casework.transaction import flush_or_conflict

bp = Blueprint("notes", __name__)

NOTES_PAGE_SIZE = 20


def _wants_json() -> bool:
    """An autosave from the page's script (the plain form posts without it)."""
    return request.headers.get("X-Autosave") == "1"


def _choices(form: NoteForm, case, note: Note | None) -> None:
    contacts = list(case.active_contacts)
    staff = list(staff_choices())
    # Someone archived since keeps their place on a note that names them.
    if note is not None:
        contacts += [c for c in note.contacts if c not in contacts]
        staff += [u for u in note.staff if u not in staff]
    form.contacts.choices = options(
        (c.id, f"{c.name} ({c.relationship_to_loved_one})") for c in contacts
    )
    form.staff.choices = options((u.id, u.name) for u in staff)
    form._contacts = {c.id: c for c in contacts}
    form._staff = {u.id: u for u in staff}


def _data(form: NoteForm, note: Note | None, session: CaseSession | None) -> service.NoteData:
    if session is not None:  # a session note's time and length are the session's
        occurred_at, minutes = session.starts_at, session.duration_minutes
    else:
        occurred_at = local_to_utc(form.date.data, form.time.data)
        minutes = form.duration_minutes.data
    return service.NoteData(
        occurred_at=occurred_at,
        duration_minutes=minutes,
        collateral_name=form.collateral_name.data,
        contacts=[form._contacts[i] for i in form.contacts.data or [] if i in form._contacts],
        staff=[form._staff[i] for i in form.staff.data or [] if i in form._staff],
        body=form.body.data or "",
    )


def _fill_form(form: NoteForm, note: Note) -> None:
    local = to_local(note.occurred_at)
    form.kind.data = note.kind if note.kind in rules.CONTACT_KINDS else "phone"
    form.date.data, form.time.data = local.date(), local.time()
    form.duration_minutes.data = note.duration_minutes
    form.collateral_name.data = note.collateral_name
    form.contacts.data = [c.id for c in note.contacts]
    form.staff.data = [u.id for u in note.staff]
    form.body.data = note.body
    form.version.data = note.version


def _session_form(form: NoteForm, session: CaseSession) -> None:
    """A session note's kind, time and length are the session's: the form's
    own fields for them are filled so that validation passes."""
    local = to_local(session.starts_at)
    form.kind.data = "phone"
    form.date.data, form.time.data = local.date(), local.time()
    form.duration_minutes.data = session.duration_minutes


def _editor(case, form, note, session, kind, status=200):
    html = render_template(
        "notes/edit.html",
        case=case,
        form=form,
        note=note,
        session=session,
        kind=kind,
        kind_label=rules.KINDS[kind],
    )
    return html, status


def _sign_requested(form: NoteForm) -> bool:
    return bool(form.sign.data) and not _wants_json()


def _password_refusal(form: NoteForm | AddendumForm | CosignForm) -> int | None:
    """The signer's password again, throttled like a sign-in: None when it is
    right, else the status to answer with (422 wrong, 429 too many tries),
    the form keeping everything but the password."""
    try:
        ok = confirm_password(current_user._get_current_object(), form.password.data or "")
    except TooManyAttempts as refused:
        form.password.errors = [*form.password.errors, refused.description]
        return 429
    if not ok:
        form.password.errors = [*form.password.errors, "That is not your password."]
        return 422
    return None


def _save(case, form: NoteForm, note: Note | None, session, kind):
    """Create or save the draft, and sign it if asked. Returns a response."""
    user = current_user._get_current_object()
    if note is not None and form.version.data != str(note.version):
        if _wants_json():
            return jsonify(error="This note was changed in another window. Reload it."), 409
        flash(
            "This note was changed in another window; what you typed is below. "
            "Copy anything you need, then reload.",
            "error",
        )
        return _editor(case, form, note, session, kind, 409)
    data = _data(form, note, session)
    refusal = None
    try:
        if note is None:
            if session is not None:
                note = service.start_session_note(case, session, user)
            else:
                note = service.start_contact_note(case, kind, data, user)
        service.save_draft(case, note, data, user, autosave=_wants_json())
        db.session.flush()
        # What was typed is saved whatever becomes of the signature.
        form.version.data = note.version
        if _sign_requested(form):
            refusal = _password_refusal(form)
            if refusal is None:
                service.sign(case, note, user)
                db.session.flush()
    except service.NoteLocked as exc:
        db.session.rollback()
        if _wants_json():
            return jsonify(error=str(exc)), 409
        abort(409, description=str(exc))
    except service.NoteRuleError as exc:
        if _wants_json():
            return jsonify(error=str(exc)), 422
        form.body.errors = [*form.body.errors, str(exc)]
        return _editor(case, form, note, session, kind, 422)
    except (StaleDataError, IntegrityError):
        # Another window saved (or started this session's note) first.
        db.session.rollback()
        if _wants_json():
            return jsonify(error="This note was changed in another window. Reload it."), 409
        abort(409, description="This note was changed in another window. Reload it to see it.")
    if refusal:
        return _editor(case, form, note, session, kind, refusal)
    if _wants_json():
        return jsonify(
            saved_at=to_local(note.draft_saved_at).strftime("%-I:%M:%S %p"),
            version=note.version,
            action=url_for("notes.edit", ref=case.reference, note_id=note.id),
        )
    if note.is_signed:
        flash(
            "Signed and locked."
            + (
                " It waits for a supervisor's co-signature."
                if note.status == rules.AWAITING_COSIGN
                else ""
            ),
            "success",
        )
        return redirect(url_for("notes.show", ref=case.reference, note_id=note.id))
    flash("Draft saved.", "success")
    return redirect(url_for("notes.edit", ref=case.reference, note_id=note.id))


def _validate(form: NoteForm) -> bool:
    ok = form.validate_on_submit()
    if not ok and _wants_json():
        abort(400)
    return ok


# ---- the tab -----------------------------------------------------------------


@bp.get("/cases/<ref>/notes/")
@clinical_required
def index(ref):
    case = load_case(ref)
    form = NotesFilterForm(request.args)
    form.author.choices = options([(0, "Anyone"), *queries.authors(case)])
    if not form.validate():
        abort(400)
    filters = queries.NoteFilters(
        form.kind.data or "", form.author.data or 0, form.signed.data or ""
    )
    per_page = current_app.config.get("NOTES_PAGE_SIZE", NOTES_PAGE_SIZE)
    number = page_number()
    page = queries.case_notes(case, filters, number, per_page)
    if not page.items and number > 1:
        abort(404)
    verification = service.verify_all(queries.signed_notes(case), case.reference)
    return render_template(
        "notes/index.html",
        case=case,
        page=page,
        filter_form=form,
        verification=verification,
        contact_kinds=rules.CONTACT_KINDS,
    )


# ---- writing -----------------------------------------------------------------


@bp.route("/cases/<ref>/notes/new", methods=["GET", "POST"])
@clinical_required
def new(ref):
    case = load_case(ref)
    kind = request.values.get("kind", "phone")
    if request.method == "POST":
        kind = request.form.get("kind", "")
    if kind not in rules.CONTACT_KINDS:
        abort(400)
    form = NoteForm()
    _choices(form, case, None)
    if request.method == "GET" and form.restored:
        return _editor(case, form, None, None, form.kind.data or kind)
    if request.method == "GET":
        now = to_local(utcnow())
        form.kind.data = kind
        form.date.data, form.time.data = now.date(), now.time().replace(second=0, microsecond=0)
        form.body.data = rules.starting_body(service.headings("contact"))
        form.staff.data = [current_user.id]
        return _editor(case, form, None, None, kind)
    if not _validate(form):
        return _editor(case, form, None, None, kind, 422)
    return _save(case, form, None, None, kind)


@bp.route("/cases/<ref>/sessions/<int:session_id>/note", methods=["GET", "POST"])
@clinical_required
def for_session(ref, session_id):
    """A held session's note: its editor before the first save, then the note."""
    case = load_case(ref)
    session = load_child(case, CaseSession, session_id)
    existing = service.session_note(session)
    if existing is not None:
        return redirect(url_for("notes.show", ref=ref, note_id=existing.id))
    if session.status != "held":
        flash("A session note is written once the session is marked held.", "error")
        return redirect(url_for("scheduling.detail", ref=ref, session_id=session.id))
    form = NoteForm()
    _choices(form, case, None)
    if request.method == "GET":
        _session_form(form, session)
        if form.restored:
            return _editor(case, form, None, session, "session")
        form.body.data = rules.starting_body(service.headings("session"))
        form.contacts.data = [c.id for c in session.contacts]
        form.staff.data = [u.id for u in session.staff] or [current_user.id]
        return _editor(case, form, None, session, "session")
    _session_form(form, session)
    if not _validate(form):
        return _editor(case, form, None, session, "session", 422)
    return _save(case, form, None, session, "session")


def _note_session(case, note: Note) -> CaseSession | None:
    return load_child(case, CaseSession, note.session_id) if note.session_id else None


@bp.route("/cases/<ref>/notes/<int:note_id>/edit", methods=["GET", "POST"])
@clinical_required
def edit(ref, note_id):
    case = load_case(ref, record_view=False)
    note = load_child(case, Note, note_id)
    if request.method == "GET":
        record(Action.VIEW, case=case, obj=note)
    if not note.is_editable or note.author_id != current_user.id:
        message = (
            "This note is signed and locked; add an addendum instead."
            if not note.is_editable
            else "Only the note's author edits a draft."
        )
        if request.method == "GET":
            flash(message, "error")
            return redirect(url_for("notes.show", ref=ref, note_id=note.id))
        if _wants_json():
            return jsonify(error=message), 409
        abort(409, description=message)
    session = _note_session(case, note)
    form = NoteForm()
    _choices(form, case, note)
    if request.method == "GET":
        if not form.restored:
            _fill_form(form, note)
        return _editor(case, form, note, session, note.kind)
    form.kind.data = note.kind if note.kind in rules.CONTACT_KINDS else "phone"
    if session is not None:
        _session_form(form, session)
    if not _validate(form):
        return _editor(case, form, note, session, note.kind, 422)
    return _save(case, form, note, session, note.kind)


# ---- reading -----------------------------------------------------------------


def _show(case, note, *, status=200, addendum_form=None, cosign_form=None, return_form=None):
    return render_template(
        "notes/show.html",
        case=case,
        note=note,
        session=_note_session(case, note),
        rounds=note_rounds(note),
        verified=service.verify(note, case.reference),
        addenda_verified={a.id: service.verify_addendum(a, note) for a in note.addenda},
        addendum_form=addendum_form or AddendumForm(),
        cosign_form=cosign_form or CosignForm(),
        return_form=return_form or ReturnForm(),
        review_form=ReviewForm(),
        supervision=service.supervision_of(note.author_id),
    ), status


def note_rounds(note: Note) -> list[NoteRound]:
    return list(
        db.session.scalars(
            select(NoteRound).where(NoteRound.note_id == note.id).order_by(NoteRound.id)
        )
    )


@bp.get("/cases/<ref>/notes/<int:note_id>")
@clinical_required
def show(ref, note_id):
    case = load_case(ref, record_view=False)
    note = load_child(case, Note, note_id)
    record(Action.VIEW, case=case, obj=note)
    return _show(case, note)


@bp.post("/cases/<ref>/notes/<int:note_id>/addenda")
@clinical_required
def add_addendum(ref, note_id):
    case = load_case(ref)
    note = load_child(case, Note, note_id)
    form = AddendumForm()
    if not form.validate_on_submit():
        return _show(case, note, status=422, addendum_form=form)
    if refusal := _password_refusal(form):
        return _show(case, note, status=refusal, addendum_form=form)
    try:
        service.add_addendum(
            case, note, current_user._get_current_object(), form.reason.data, form.body.data
        )
    except service.NoteRuleError as exc:
        form.body.errors = [str(exc)]
        return _show(case, note, status=409, addendum_form=form)
    flash("Addendum signed and added.", "success")
    return redirect(url_for("notes.show", ref=ref, note_id=note.id))


@bp.post("/cases/<ref>/notes/<int:note_id>/cosign")
@supervisor_required
def cosign(ref, note_id):
    case = load_case(ref)
    note = load_child(case, Note, note_id)
    form = CosignForm()
    if not form.validate_on_submit():
        return _show(case, note, status=422, cosign_form=form)
    if refusal := _password_refusal(form):
        return _show(case, note, status=refusal, cosign_form=form)
    try:
        service.cosign(case, note, current_user._get_current_object())
        flush_or_conflict("Someone else acted on this note a moment ago. Reload it.")
    except service.NoteRuleError as exc:
        flash(str(exc), "error")
        return _show(case, note, status=409)
    flash("Co-signed.", "success")
    return redirect(url_for("notes.queue"))


@bp.post("/cases/<ref>/notes/<int:note_id>/return")
@supervisor_required
def return_note(ref, note_id):
    case = load_case(ref)
    note = load_child(case, Note, note_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _show(case, note, status=422, return_form=form)
    try:
        service.return_note(case, note, current_user._get_current_object(), form.comment.data)
        flush_or_conflict("Someone else acted on this note a moment ago. Reload it.")
    except service.NoteRuleError as exc:
        flash(str(exc), "error")
        return _show(case, note, status=409)
    flash("Returned to its author with your comment.", "success")
    return redirect(url_for("notes.queue"))


@bp.post("/cases/<ref>/notes/<int:note_id>/review")
@supervisor_required
def review(ref, note_id):
    case = load_case(ref)
    note = load_child(case, Note, note_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _show(case, note, status=422)
    try:
        service.mark_reviewed(case, note, current_user._get_current_object(), form.comment.data)
        flush_or_conflict("Someone else acted on this note a moment ago. Reload it.")
    except service.NoteRuleError as exc:
        flash(str(exc), "error")
        return _show(case, note, status=409)
    flash("Marked reviewed.", "success")
    return redirect(url_for("notes.queue"))


# ---- supervision -------------------------------------------------------------


@bp.get("/notes/queue")
@supervisor_required
def queue():
    awaiting, to_review = queries.awaiting_cosign(), queries.awaiting_review()
    # A list of notes naming their cases: one audit event with the references.
    record_list(q.case_reference for q in [*awaiting, *to_review])
    return render_template("notes/queue.html", awaiting=awaiting, to_review=to_review)


@bp.route("/notes/settings", methods=["GET", "POST"])
@supervisor_required
def settings():
    from casework.auth.models import Role, User

    people = [u for u in staff_choices() if u.role == Role.INTERVENTIONIST]
    headings_form = HeadingsForm(prefix="headings")
    if request.method == "GET":
        headings_form.session.data = "\n".join(service.headings("session"))
        headings_form.contact.data = "\n".join(service.headings("contact"))
    elif request.form.get("form") == "headings":
        if headings_form.validate_on_submit():
            service.set_headings("session", headings_form.session.data.splitlines())
            service.set_headings("contact", headings_form.contact.data.splitlines())
            flash("Headings saved. New notes start with them.", "success")
            return redirect(url_for("notes.settings"))
    elif request.form.get("form") == "supervision":
        person_id = whole_number(request.form.get("person"), most=MAX_ID)
        person = db.session.get(User, person_id) if person_id else None
        if person is None or person.role != Role.INTERVENTIONIST:
            abort(404)
        form = SupervisionForm(prefix=f"p{person.id}")
        if not form.validate_on_submit():
            abort(400)
        service.set_supervision(person, form.mode.data)
        flash(f"{person.name}: {rules.SUPERVISION[form.mode.data].lower()}.", "success")
        return redirect(url_for("notes.settings"))
    else:
        abort(400)
    rows = []
    for person in people:
        form = SupervisionForm(prefix=f"p{person.id}", formdata=None)
        form.mode.data = service.supervision_of(person.id)
        rows.append((person, form))
    status = 422 if headings_form.errors else 200
    return render_template("notes/settings.html", headings_form=headings_form, rows=rows), status


# ---- print -------------------------------------------------------------------


@bp.get("/cases/<ref>/notes/<int:note_id>.pdf")
@clinical_required
def print_one(ref, note_id):
    case = load_case(ref)
    note = load_child(case, Note, note_id)
    pdf = render_pdf(
        "notes.html", printout.notes_context(case, [note], practice_details(), note.kind_label)
    )
    record(Action.PRINT, case=case, obj=note, summary=f"{note.kind_label} note printed")
    return pdf_response(pdf, f"note-{case.reference}-{note.id}.pdf")


@bp.get("/cases/<ref>/notes.pdf")
@clinical_required
def print_all(ref):
    case = load_case(ref)
    notes = queries.all_notes(case)
    pdf = render_pdf("notes.html", printout.notes_context(case, notes, practice_details(), "Notes"))
    record(
        Action.PRINT,
        case=case,
        object_type="Notes",
        summary=f"All notes printed ({len(notes)})",
    )
    return pdf_response(pdf, f"notes-{case.reference}.pdf")
