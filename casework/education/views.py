from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from casework import markdown
from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.guards import clinical_required
from casework.cases.access import load_case, load_child
from casework.cases.models import Contact
from casework.education import service
from casework.education.forms import (
    ArchiveModuleForm,
    AssignForm,
    LibrarySearchForm,
    ModuleForm,
    PacketForm,
)
from casework.education.models import Assignment, EducationModule, Packet
from casework.education.packet import render_packet
from casework.extensions import db
from casework.forms import ConfirmForm, options, whole_number
from casework.portal import service as portal_service
from casework.printing.delivery import pdf_response
from casework.scheduling.queries import upcoming_for_case
from casework.timeutil import local_today

bp = Blueprint("education", __name__)


def _module_or_404(slug: str) -> EducationModule:
    return db.session.scalar(select(EducationModule).where(EducationModule.slug == slug)) or abort(
        404
    )


# ---- the library ---------------------------------------------------------------


@bp.get("/education/")
@clinical_required
def library():
    form = LibrarySearchForm(request.args)
    if not form.validate():
        abort(400)
    return render_template(
        "education/library.html", form=form, modules=service.active_modules(form.q.data)
    )


def _preview(form: ModuleForm):
    return Markup(markdown.render(form.body.data or ""))  # noqa: S704  cleaned by nh3


def _module_fields(form: ModuleForm) -> dict:
    """What a published version is made of, from the writing form."""
    return {
        name: getattr(form, name).data for name in ("title", "summary", "topics", "body", "sources")
    }


@bp.route("/education/new", methods=["GET", "POST"])
@clinical_required
def new_module():
    form = ModuleForm()
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = _preview(form)
        elif db.session.scalar(
            select(EducationModule).where(EducationModule.slug == form.slug.data)
        ):
            form.slug.errors = [*form.slug.errors, "Another module already uses this name."]
        else:
            module = service.write_module(
                current_user, None, slug=form.slug.data, **_module_fields(form)
            )
            flash(f"“{module.latest.title}” is in the library.", "success")
            return redirect(url_for("education.module", slug=module.slug))
    return render_template(
        "education/module_form.html", form=form, module=None, preview=preview
    ), 422 if form.errors else 200


@bp.get("/education/<slug>/")
@clinical_required
def module(slug):
    found = _module_or_404(slug)
    return render_template(
        "education/module.html",
        module=found,
        version=found.latest,
        body=found.latest.body,
        archive_form=ArchiveModuleForm(),
    )


@bp.route("/education/<slug>/edit", methods=["GET", "POST"])
@clinical_required
def edit_module(slug):
    found = _module_or_404(slug)
    if found.origin != "practice" or found.archived_at:
        flash("Shipped and archived modules cannot be edited here.", "error")
        return redirect(url_for("education.module", slug=slug))
    latest = found.latest
    form = (
        ModuleForm()
        if request.method == "POST"
        else ModuleForm(
            slug=found.slug,
            title=latest.title,
            summary=latest.summary,
            topics=found.topics,
            sources=latest.sources,
            body=latest.body_markdown,
        )
    )
    form.slug.data = found.slug  # the name never changes
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = _preview(form)
        else:
            service.write_module(current_user, found, slug=found.slug, **_module_fields(form))
            flash(
                f"Version {found.latest.number} published. Families keep the version they "
                "were given until you move them.",
                "success",
            )
            return redirect(url_for("education.module", slug=slug))
    return render_template(
        "education/module_form.html", form=form, module=found, preview=preview
    ), 422 if form.errors else 200


@bp.post("/education/<slug>/archive")
@clinical_required
def archive_module(slug):
    found = _module_or_404(slug)
    form = ArchiveModuleForm()
    if not form.validate_on_submit():
        return render_template(
            "education/module.html",
            module=found,
            version=found.latest,
            body=found.latest.body,
            archive_form=form,
        ), 422
    service.archive_module(found, form.reason.data)
    flash("Module archived. Families who have it can still read it.", "success")
    return redirect(url_for("education.library"))


# ---- a case's education --------------------------------------------------------


def _family(case):
    return [c for c in case.active_contacts]


def _assign_form(case, form=None) -> AssignForm:
    form = form or AssignForm()
    form.modules.choices = options((m.id, m.latest.title) for m in service.active_modules())
    form.contacts.choices = options(
        (c.id, f"{c.name} ({c.relationship_to_loved_one})") for c in _family(case)
    )
    return form


def _case_page(
    case, assign_form=None, packet_form=None, status=200, invite_link=None, invited=None
):
    assignments = service.assignments_for(case)
    by_contact = {c.id: [] for c in _family(case)}
    for a in assignments:
        by_contact.setdefault(a.contact_id, []).append(a)
    packets = db.session.scalars(
        select(Packet).where(Packet.case_id == case.id).order_by(Packet.created_at.desc())
    ).all()
    html = render_template(
        "education/case.html",
        case=case,
        contacts=_family(case),
        by_contact=by_contact,
        assign_form=_assign_form(case, assign_form),
        packets=packets,
        today=local_today(),
        confirm=ConfirmForm(),
        invite_link=invite_link,
        invited=invited,
    )
    return html, status


@bp.get("/cases/<ref>/education/")
@clinical_required
def case_education(ref):
    return _case_page(load_case(ref))


@bp.post("/cases/<ref>/education/assign")
@clinical_required
def assign(ref):
    case = load_case(ref)
    form = _assign_form(case)
    if not form.validate_on_submit():
        return _case_page(case, assign_form=form, status=422)
    modules = [m for m in service.active_modules() if m.id in form.modules.data]
    contacts = [c for c in _family(case) if c.id in form.contacts.data]
    made = service.assign(
        case, current_user, modules, contacts, due_on=form.due_on.data, note=form.note.data
    )
    flash(
        f"{made} reading assignment{'s' if made != 1 else ''} made."
        if made
        else "They already have those modules.",
        "success",
    )
    return redirect(url_for("education.case_education", ref=ref))


@bp.post("/cases/<ref>/education/assignments/<int:assignment_id>/latest")
@clinical_required
def move_to_latest(ref, assignment_id):
    case = load_case(ref)
    assignment = load_child(case, Assignment, assignment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.move_to_latest(case, assignment)
    flash("Moved to the newest version.", "success")
    return redirect(url_for("education.case_education", ref=ref))


@bp.post("/cases/<ref>/contacts/<int:contact_id>/invite")
@clinical_required
def invite(ref, contact_id):
    case = load_case(ref)
    contact = load_child(case, Contact, contact_id, archived_at=None)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not contact.email and not contact.user_id:
        flash(f"Add an email address for {contact.name} first: it becomes their sign-in.", "error")
        return redirect(url_for("cases.edit_contact", ref=ref, contact_id=contact.id))
    token = portal_service.invite(case, current_user, contact)
    link = url_for("invites.accept", token=token, _external=True)
    return _case_page(case, invite_link=link, invited=contact)


# ---- packets -------------------------------------------------------------------


def _packet_form(case, form=None) -> PacketForm:
    form = form or PacketForm()
    form.modules.choices = options((m.latest.id, m.latest.title) for m in service.active_modules())
    return form


def _ordered(form: PacketForm) -> list[int] | None:
    """The chosen versions in the order typed beside them (unnumbered last)."""
    chosen = []
    for index, version_id in enumerate(form.modules.data):
        raw = (request.form.get(f"pos-{version_id}") or "").strip()
        position = whole_number(raw, most=99)
        if raw and not position:  # not a number, or 0
            return None
        chosen.append((position if raw else 10_000 + index, version_id))
    return [version_id for _, version_id in sorted(chosen)]


@bp.route("/cases/<ref>/packets/new", methods=["GET", "POST"])
@clinical_required
def new_packet(ref):
    case = load_case(ref)
    form = _packet_form(case)
    if request.method == "GET" and case.primary_contact:
        form.family_name.data = case.primary_contact.name.split()[-1]
    if form.validate_on_submit():
        order = _ordered(form)
        if order is None:
            message = "Order numbers are whole numbers from 1 to 99."
            form.modules.errors = [*form.modules.errors, message]
        else:
            by_id = {m.latest.id: m.latest for m in service.active_modules()}
            packet = service.create_packet(
                case,
                current_user,
                title=form.title.data,
                family_name=form.family_name.data,
                cover_letter=form.cover_letter.data,
                versions=[by_id[i] for i in order],
                include_schedule=form.include_schedule.data,
                include_contacts=form.include_contacts.data,
            )
            flash("Packet built. Download it to print, or share it to the portal.", "success")
            return redirect(url_for("education.case_education", ref=ref) + f"#packet-{packet.id}")
    html = render_template("education/packet_form.html", case=case, form=form)
    return html, 422 if form.errors else 200


@bp.get("/cases/<ref>/packets/<int:packet_id>.pdf")
@clinical_required
def packet_pdf(ref, packet_id):
    case = load_case(ref)
    packet = load_child(case, Packet, packet_id)
    pdf = render_packet(packet, case=case, sessions=upcoming_for_case(case.id))
    record(Action.PRINT, case=case, obj=packet, summary="Packet printed")
    return pdf_response(pdf, f"packet-{case.reference}-{packet.id}.pdf")


@bp.post("/cases/<ref>/packets/<int:packet_id>/share")
@clinical_required
def share_packet(ref, packet_id):
    case = load_case(ref)
    packet = load_child(case, Packet, packet_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.share_packet(case, packet)
    flash("Shared: the family can download it from their portal.", "success")
    return redirect(url_for("education.case_education", ref=ref) + f"#packet-{packet.id}")
