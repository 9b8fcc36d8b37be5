"""The family portal: its own blueprint behind its own guard.

A family member sees only what belongs to their own contact record: their
reading, the sessions they attend, and the packets shared with their family.
Every page loads through casework.portal.access, which decides that.
Nothing clinical (assessment, scores, notes, flags) is ever loaded here.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.guards import family_required
from casework.education import service as education
from casework.education.packet import render_packet
from casework.forms import ConfirmForm
from casework.portal import access
from casework.printing.delivery import ics_response, pdf_response
from casework.scheduling import ical
from casework.timeutil import local_today

bp = Blueprint("portal", __name__, url_prefix="/portal")


# ---- pages ----------------------------------------------------------------------------


@bp.get("/")
@family_required
def home():
    contact = access.current_contact()
    if contact is None:
        return render_template("portal/home.html", contact=None)
    reading = access.own_assignments()
    record(Action.VIEW, case=contact.case, object_type="page", object_id="portal.home")
    html = render_template(
        "portal/home.html",
        contact=contact,
        interventionist=contact.case.interventionist,
        reading=reading,
        finished=sum(1 for a in reading if a.finished_at is not None),
        today=local_today(),
        sessions=access.own_upcoming_sessions(),
        packets=access.own_packets(),
        discloses=True,
    )
    return html


@bp.get("/reading/<int:assignment_id>")
@family_required
def reader(assignment_id):
    contact = access.member_contact()
    assignment = access.load_own_assignment(assignment_id)
    education.mark_opened(assignment)
    record(
        Action.VIEW,
        case=contact.case,
        obj=assignment,
        summary=f"{contact.name} opened {assignment.module_version.title}",
    )
    version = assignment.module_version
    html = render_template(
        "portal/reader.html",
        assignment=assignment,
        version=version,
        body=version.body,
        interventionist=contact.case.interventionist,
        today=local_today(),
        form=ConfirmForm(),
        discloses=True,
    )
    return html


@bp.post("/reading/<int:assignment_id>/finished")
@family_required
def finished(assignment_id):
    assignment = access.load_own_assignment(assignment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    education.mark_finished(assignment)
    flash(f"Well done: you finished “{assignment.module_version.title}”.", "success")
    return redirect(url_for("portal.home"))


@bp.get("/sessions/<int:session_id>.ics")
@family_required
def session_ics(session_id):
    contact = access.member_contact()
    session = access.load_own_session(session_id)
    record(Action.EXPORT, case=contact.case, obj=session, summary="Session downloaded as .ics")
    body = ical.calendar_bytes(
        [session], name=f"{current_app.config['PRACTICE_NAME']} session", first_names=False
    )
    return ics_response(body, f"session-{session.id}.ics")


@bp.get("/packets/<int:packet_id>.pdf")
@family_required
def packet_pdf(packet_id):
    contact = access.member_contact()
    packet = access.load_own_packet(packet_id)
    pdf = render_packet(packet, case=contact.case, sessions=access.own_upcoming_sessions())
    record(
        Action.EXPORT,
        case=contact.case,
        obj=packet,
        summary=f"{contact.name} downloaded the packet “{packet.title}”",
    )
    return pdf_response(pdf, f"packet-{packet.id}.pdf")
