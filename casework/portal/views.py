"""The family portal: its own blueprint behind its own guard.

A family member sees only what belongs to their own contact record: their
reading, the sessions they attend, and the packets shared with their family.
Nothing clinical (assessment, scores, notes, flags) is ever loaded here.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.forms import ConfirmForm
from casework.auth.guards import family_required
from casework.cases.models import Contact
from casework.disclosure import REDISCLOSURE_STATEMENT
from casework.education import service as education
from casework.education.models import Assignment, Packet
from casework.education.packet import render_packet
from casework.extensions import db
from casework.printing.delivery import ics_response, pdf_response
from casework.scheduling import ical
from casework.scheduling.models import CaseSession, session_contacts
from casework.timeutil import local_today, utcnow

bp = Blueprint("portal", __name__, url_prefix="/portal")


# ---- loading: everything goes through the member's own contact -------------------


def current_contact() -> Contact | None:
    """The family member's contact record, which ties them to one case."""
    return db.session.scalar(
        select(Contact).where(Contact.user_id == current_user.id, Contact.archived_at.is_(None))
    )


def _contact_or_404() -> Contact:
    contact = current_contact()
    if contact is None:
        abort(404)
    return contact


def _assignment_or_404(contact: Contact, assignment_id: int) -> Assignment:
    assignment = db.session.scalar(
        select(Assignment).where(
            Assignment.id == assignment_id, Assignment.contact_id == contact.id
        )
    )
    if assignment is None:
        abort(404)
    return assignment


def _attends(contact: Contact):
    return select(session_contacts.c.session_id).where(session_contacts.c.contact_id == contact.id)


def upcoming_sessions(contact: Contact) -> list[CaseSession]:
    """Scheduled sessions of the member's case that they attend, from now on."""
    return list(
        db.session.scalars(
            select(CaseSession)
            .where(
                CaseSession.case_id == contact.case_id,
                CaseSession.id.in_(_attends(contact)),
                CaseSession.status == "scheduled",
                CaseSession.starts_at >= utcnow(),
            )
            .order_by(CaseSession.starts_at)
        )
    )


def shared_packets(contact: Contact) -> list[Packet]:
    return list(
        db.session.scalars(
            select(Packet)
            .where(Packet.case_id == contact.case_id, Packet.shared_at.is_not(None))
            .order_by(Packet.shared_at.desc(), Packet.id.desc())
        )
    )


def reading_for(contact: Contact) -> list[Assignment]:
    """The member's own assignments: unfinished first, soonest due first."""
    found = db.session.scalars(select(Assignment).where(Assignment.contact_id == contact.id))
    return sorted(
        found,
        key=lambda a: (
            a.finished_at is not None,
            a.due_on is None,
            a.due_on or a.assigned_at.date(),
            a.assigned_at,
            a.id,
        ),
    )


# ---- pages ----------------------------------------------------------------------------


@bp.get("/")
@family_required
def home():
    contact = current_contact()
    if contact is None:
        return render_template("portal/home.html", contact=None)
    reading = reading_for(contact)
    record(Action.VIEW, case=contact.case, object_type="page", object_id="portal.home")
    html = render_template(
        "portal/home.html",
        contact=contact,
        interventionist=contact.case.interventionist,
        reading=reading,
        finished=sum(1 for a in reading if a.finished_at is not None),
        today=local_today(),
        sessions=upcoming_sessions(contact),
        packets=shared_packets(contact),
        redisclosure=REDISCLOSURE_STATEMENT,
    )
    return html


@bp.get("/reading/<int:assignment_id>")
@family_required
def reader(assignment_id):
    contact = _contact_or_404()
    assignment = _assignment_or_404(contact, assignment_id)
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
        redisclosure=REDISCLOSURE_STATEMENT,
    )
    return html


@bp.post("/reading/<int:assignment_id>/finished")
@family_required
def finished(assignment_id):
    contact = _contact_or_404()
    assignment = _assignment_or_404(contact, assignment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    education.mark_finished(assignment)
    flash(f"Well done: you finished “{assignment.module_version.title}”.", "success")
    return redirect(url_for("portal.home"))


@bp.get("/sessions/<int:session_id>.ics")
@family_required
def session_ics(session_id):
    contact = _contact_or_404()
    session = db.session.scalar(
        select(CaseSession).where(
            CaseSession.id == session_id,
            CaseSession.case_id == contact.case_id,
            CaseSession.id.in_(_attends(contact)),
        )
    )
    if session is None:
        abort(404)
    record(Action.EXPORT, case=contact.case, obj=session, summary="Session downloaded as .ics")
    body = ical.calendar_bytes(
        [session], name=f"{current_app.config['PRACTICE_NAME']} session", first_names=False
    )
    return ics_response(body, f"session-{session.id}.ics")


@bp.get("/packets/<int:packet_id>.pdf")
@family_required
def packet_pdf(packet_id):
    contact = _contact_or_404()
    packet = db.session.scalar(
        select(Packet).where(
            Packet.id == packet_id,
            Packet.case_id == contact.case_id,
            Packet.shared_at.is_not(None),
        )
    )
    if packet is None:
        abort(404)
    pdf = render_packet(packet, case=contact.case, sessions=upcoming_sessions(contact))
    record(
        Action.EXPORT,
        case=contact.case,
        obj=packet,
        summary=f"{contact.name} downloaded the packet “{packet.title}”",
    )
    return pdf_response(pdf, f"packet-{packet.id}.pdf")
