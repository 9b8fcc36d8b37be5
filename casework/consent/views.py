"""The Consents tab: the case's consents and where each stands, a new one
drafted from a kind, the paper form to print, the signed paper recorded,
revocation and the ending event; the accounting of disclosures (a page and
a printout for the family); the practice's own kinds (supervisors). Staff only."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.guards import clinical_required, supervisor_required
from casework.cases.access import fits_column, load_case, load_child
from casework.consent import coverage, disclosures, kinds, service
from casework.consent.forms import (
    ArchiveKindForm,
    ConsentForm,
    ExpiryEventForm,
    KindForm,
    PaperSignatureForm,
    RevokeForm,
)
from casework.consent.models import Consent, ConsentKind
from casework.domain.consent import Status
from casework.extensions import db
from casework.forms import options
from casework.printing import render_pdf
from casework.printing.delivery import pdf_response, practice_details
from casework.timeutil import local_today
from casework.transaction import flush_or_conflict

bp = Blueprint("consent", __name__)

STALE = "Someone else changed this consent a moment ago. It is shown as it is now: check it."


def _me():
    return current_user._get_current_object()


def _consent(case, consent_id) -> Consent:
    return load_child(case, Consent, consent_id)


@bp.get("/cases/<ref>/consents/")
@clinical_required
def index(ref):
    case = load_case(ref)
    found = service.consents_of(case)
    today = local_today()
    return render_template(
        "consent/index.html",
        case=case,
        consents=[(c, c.status(today)) for c in found],
        kinds=kinds.available(),
        Status=Status,
    )


# ---- a new consent ------------------------------------------------------------------------


def _consent_form(case) -> ConsentForm:
    form = ConsentForm()
    contacts = case.active_contacts
    form.subject.choices = options(
        [("", f"{case.loved_one_name} (the loved one)")]
        + [(str(c.id), f"{c.name} ({c.relationship_to_loved_one}), their own") for c in contacts]
    )
    form.recipients.choices = options(
        (str(c.id), f"{c.name} ({c.relationship_to_loved_one})") for c in contacts
    )
    return form


def _draft(case, kind, form) -> service.Draft:
    by_id = {str(c.id): c for c in case.active_contacts}
    return service.Draft(
        kind=kind,
        subject=by_id.get(form.subject.data or ""),
        discloser=form.discloser.data or "",
        recipients=[by_id[i] for i in form.recipients.data or () if i in by_id],
        recipient_class=form.recipient_class.data or "",
        purpose=form.purpose.data or "",
        scopes=list(form.scopes.data or ()),
        information=form.information.data or "",
        expires_on=form.expires_on.data,
        expiry_event=form.expiry_event.data or "",
    )


@bp.route("/cases/<ref>/consents/new", methods=["GET", "POST"])
@clinical_required
def new(ref):
    case = load_case(ref)
    form = _consent_form(case)
    code = form.kind.data if request.method == "POST" else request.args.get("kind")
    kind = kinds.find(code)
    if kind is None:
        if request.method == "POST":
            abort(400)
        return render_template("consent/choose_kind.html", case=case, kinds=kinds.available())
    if request.method == "GET" and not form.restored:
        wanted = set(request.args.getlist("recipient"))
        chosen = [c for c in case.active_contacts if str(c.id) in wanted]
        draft = service.draft_from_kind(kind, recipients=chosen)
        form.kind.data = kind.code
        form.discloser.data = draft.discloser
        form.recipients.data = [str(c.id) for c in draft.recipients]
        form.recipient_class.data = draft.recipient_class
        form.purpose.data = draft.purpose
        form.scopes.data = [str(s) for s in draft.scopes]
        form.expiry_event.data = draft.expiry_event
    elif request.method == "POST" and form.validate_on_submit():
        try:
            made = service.create(case, _draft(case, kind, form), _me())
        except service.ConsentError as exc:
            target = getattr(form, exc.field_name or "", None) or form.purpose
            target.errors = [*target.errors, str(exc)]
        else:
            flash(
                "Consent drafted. Print the form for signing, or offer it in the portal.", "success"
            )
            return redirect(url_for("consent.detail", ref=ref, consent_id=made.id))
    return render_template(
        "consent/new.html", case=case, form=form, kind=kind
    ), 422 if form.errors else 200


# ---- one consent --------------------------------------------------------------------------


def _detail(case, consent, status=200, **forms):
    state = service.status_of(consent)
    sign_form = forms.get("sign_form") or PaperSignatureForm(formdata=None)
    revoke_form = forms.get("revoke_form") or RevokeForm(formdata=None)
    event_form = forms.get("event_form") or ExpiryEventForm(formdata=None)
    for form in (sign_form, revoke_form, event_form):
        if status != 409 and not form.version.data:
            form.version.data = consent.version
    if not sign_form.signed_name.data and "sign_form" not in forms:
        sign_form.signed_name.data = (
            consent.subject.name if consent.subject is not None else case.loved_one_name
        )
    return render_template(
        "consent/detail.html",
        case=case,
        consent=consent,
        state=state,
        Status=Status,
        whose=service.whose(case, consent.subject),
        expiry=service.expiry_text(consent.expires_on, consent.expiry_event),
        signature=service.signature_text(consent),
        people=service.people_of(consent),
        sign_form=sign_form,
        revoke_form=revoke_form,
        event_form=event_form,
    ), status


@bp.get("/cases/<ref>/consents/<int:consent_id>")
@clinical_required
def detail(ref, consent_id):
    case = load_case(ref)
    return _detail(case, _consent(case, consent_id))


def _stale(form, consent) -> bool:
    """The form was loaded from an older version of the consent."""
    return form.version.data != str(consent.version)


def _refresh(form, consent) -> None:
    form.version.data = consent.version


@bp.post("/cases/<ref>/consents/<int:consent_id>/signed")
@clinical_required
def record_signed(ref, consent_id):
    case = load_case(ref)
    consent = _consent(case, consent_id)
    form = PaperSignatureForm()
    if not form.validate_on_submit():
        return _detail(case, consent, 422, sign_form=form)
    if _stale(form, consent):
        flash(STALE, "error")
        _refresh(form, consent)
        return _detail(case, consent, 409, sign_form=form)
    try:
        service.record_paper_signature(
            case,
            consent,
            signed_name=form.signed_name.data,
            signed_on=form.signed_on.data,
            received_on=form.received_on.data,
            by=_me(),
        )
    except service.ConsentError as exc:
        target = getattr(form, exc.field_name or "", None) or form.signed_name
        target.errors = [*target.errors, str(exc)]
        return _detail(case, consent, 409 if exc.field_name is None else 422, sign_form=form)
    flush_or_conflict(STALE)
    coverage.forget()
    flash("The signed consent is recorded: it is in effect.", "success")
    return redirect(url_for("consent.detail", ref=ref, consent_id=consent.id))


@bp.post("/cases/<ref>/consents/<int:consent_id>/revoke")
@clinical_required
def revoke(ref, consent_id):
    case = load_case(ref)
    consent = _consent(case, consent_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _detail(case, consent, 422, revoke_form=form)
    if _stale(form, consent):
        flash(STALE, "error")
        _refresh(form, consent)
        return _detail(case, consent, 409, revoke_form=form)
    try:
        service.revoke(case, consent, note=form.note.data, by=_me())
    except service.ConsentError as exc:
        form.note.errors = [str(exc)]
        return _detail(case, consent, 409, revoke_form=form)
    flush_or_conflict(STALE)
    coverage.forget()
    flash("Revoked. It covers nothing from now on.", "success")
    return redirect(url_for("consent.detail", ref=ref, consent_id=consent.id))


@bp.post("/cases/<ref>/consents/<int:consent_id>/ended")
@clinical_required
def record_event(ref, consent_id):
    case = load_case(ref)
    consent = _consent(case, consent_id)
    form = ExpiryEventForm()
    if not form.validate_on_submit():
        return _detail(case, consent, 422, event_form=form)
    if _stale(form, consent):
        flash(STALE, "error")
        _refresh(form, consent)
        return _detail(case, consent, 409, event_form=form)
    try:
        service.record_expiry_event(case, consent, occurred_on=form.occurred_on.data, by=_me())
    except service.ConsentError as exc:
        form.occurred_on.errors = [str(exc)]
        return _detail(case, consent, 409 if exc.field_name is None else 422, event_form=form)
    flush_or_conflict(STALE)
    coverage.forget()
    flash("Its ending event is recorded.", "success")
    return redirect(url_for("consent.detail", ref=ref, consent_id=consent.id))


@bp.get("/cases/<ref>/consents/<int:consent_id>/form.pdf")
@clinical_required
def print_form(ref, consent_id):
    case = load_case(ref)
    consent = _consent(case, consent_id)
    pdf = render_pdf("consent_form.html", service.form_context(case, consent, practice_details()))
    record(
        Action.PRINT,
        case=case,
        obj=consent,
        summary=f"Consent {consent.id} form printed",
    )
    return pdf_response(pdf, f"consent-{case.reference}-{consent.id}.pdf")


# ---- the accounting of disclosures --------------------------------------------------------


@bp.get("/cases/<ref>/consents/accounting")
@clinical_required
def accounting(ref):
    case = load_case(ref)
    return render_template(
        "consent/accounting.html", case=case, rows=disclosures.accounting(case.id)
    )


@bp.get("/cases/<ref>/consents/accounting.pdf")
@clinical_required
def accounting_pdf(ref):
    case = load_case(ref)
    context = service.accounting_context(case, disclosures.accounting(case.id), practice_details())
    pdf = render_pdf("consent_accounting.html", context)
    record(
        Action.PRINT,
        case=case,
        object_type="DisclosureAccounting",
        summary="Accounting of disclosures printed",
    )
    return pdf_response(pdf, f"disclosures-{case.reference}.pdf")


# ---- the practice's own kinds (supervisors) ------------------------------------------------


def _kinds_page(form=None, archive_form=None, archiving=None, status=200):
    return render_template(
        "consent/kinds.html",
        built_in=list(kinds.BUILT_IN.values()),
        own=kinds.practice_kinds(),
        form=form or KindForm(formdata=None),
        archive_form=archive_form or ArchiveKindForm(formdata=None),
        archiving=archiving,
    ), status


@bp.route("/consents/kinds", methods=["GET", "POST"])
@supervisor_required
def kinds_page():
    if request.method == "GET":
        return _kinds_page()
    form = KindForm()
    if form.validate_on_submit():
        try:
            kinds.add_kind(form.label.data, form.purpose.data, form.scopes.data or [], _me())
        except kinds.KindError as exc:
            getattr(form, exc.field_name).errors = [str(exc)]
        else:
            flash(f"{form.label.data} added: new consents may start from it.", "success")
            return redirect(url_for("consent.kinds_page"))
    return _kinds_page(form=form, status=422)


@bp.post("/consents/kinds/<int:kind_id>/archive")
@supervisor_required
def archive_kind(kind_id):
    if not fits_column(ConsentKind.id, kind_id):
        abort(404)
    kind = db.session.get(ConsentKind, kind_id)
    if kind is None or kind.code in kinds.BUILT_IN:
        abort(404)
    form = ArchiveKindForm()
    if not form.validate_on_submit():
        return _kinds_page(archive_form=form, archiving=kind.id, status=422)
    try:
        kinds.archive_kind(kind, form.reason.data, _me())
    except kinds.KindError as exc:
        form.reason.errors = [str(exc)]
        return _kinds_page(archive_form=form, archiving=kind.id, status=409)
    flash(f"{kind.label} archived: consents already made with it keep it.", "success")
    return redirect(url_for("consent.kinds_page"))
