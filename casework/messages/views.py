"""The Messages tab: each family member's thread with the practice. Staff
reach a case only through casework.cases.access (404 for a case out of reach)."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from casework.auth.guards import clinical_required
from casework.cases.access import load_case, load_child
from casework.cases.models import Contact
from casework.messages import service
from casework.messages.forms import MessageForm

bp = Blueprint("messages", __name__)


@bp.get("/cases/<ref>/messages/")
@clinical_required
def index(ref):
    case = load_case(ref)
    return render_template("messages/index.html", case=case, threads=service.threads_of_case(case))


def _thread_page(case, contact, form=None, status=200):
    found = service.open_thread(contact, by_family=False)
    html = render_template(
        "messages/thread.html",
        case=case,
        contact=contact,
        found=found,
        form=form or MessageForm(),
        can_write=service.can_write_to(contact),
    )
    return html, status


@bp.get("/cases/<ref>/messages/<int:contact_id>")
@clinical_required
def thread(ref, contact_id):
    case = load_case(ref, record_view=False)  # the thread's own read is audited
    return _thread_page(case, load_child(case, Contact, contact_id))


@bp.post("/cases/<ref>/messages/<int:contact_id>")
@clinical_required
def reply(ref, contact_id):
    case = load_case(ref)
    contact = load_child(case, Contact, contact_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _thread_page(case, contact, form, 422)
    try:
        service.send(contact, form.body.data, current_user._get_current_object(), from_family=False)
    except service.MessageRefused as refused:
        form.body.errors = [*form.body.errors, str(refused)]
        return _thread_page(case, contact, form, 409)
    return redirect(
        url_for("messages.thread", ref=case.reference, contact_id=contact.id, _anchor="latest")
    )
