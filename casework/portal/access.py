"""The one place that decides what a family member may see.

A family login reaches its own case only through its own contact record
(not archived): the reading assigned to that contact, the sessions of the
case that contact attends, and the packets staff shared with the family.
Anything else, whether another member's, another case's, unshared or an id
no record can have, is a 404. Nothing clinical is ever loaded here.
Portal views load through these functions and nothing else.
"""

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from casework.cases.access import fits_column
from casework.cases.models import Contact
from casework.education.models import Assignment, Packet
from casework.extensions import db
from casework.scheduling.models import CaseSession, session_contacts
from casework.scheduling.queries import upcoming

_UNSET = object()


def current_contact() -> Contact | None:
    """The member's own contact record, which ties them to one case; None
    for a family account not (or no longer) linked to one."""
    if not (current_user.is_authenticated and current_user.is_family):
        return None
    user_id, found = g.get("portal_contact", (None, _UNSET))
    if user_id != current_user.id or found is _UNSET:  # once a request
        found = db.session.scalar(
            select(Contact).where(Contact.user_id == current_user.id, Contact.archived_at.is_(None))
        )
        g.portal_contact = (current_user.id, found)
    return found


def member_contact() -> Contact:
    """The member's own contact record, or 404."""
    contact = current_contact()
    if contact is None:
        abort(404)
    return contact


def _attended_by(contact: Contact):
    return select(session_contacts.c.session_id).where(session_contacts.c.contact_id == contact.id)


def _own(model, record_id: int, *conditions):
    if not fits_column(model.id, record_id):
        abort(404)
    found = db.session.scalar(select(model).where(model.id == record_id, *conditions))
    if found is None:
        abort(404)
    return found


# ---- reading -----------------------------------------------------------------------


def own_assignments() -> list[Assignment]:
    """The member's own reading: unfinished first, soonest due first."""
    contact = member_contact()
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


def load_own_assignment(assignment_id: int) -> Assignment:
    """One of the member's own assignments (not another member's), or 404."""
    contact = member_contact()
    return _own(
        Assignment,
        assignment_id,
        Assignment.contact_id == contact.id,
        Assignment.case_id == contact.case_id,
    )


# ---- sessions ----------------------------------------------------------------------


def own_upcoming_sessions() -> list[CaseSession]:
    """Scheduled sessions of the member's case that they attend, from now on."""
    contact = member_contact()
    return list(
        db.session.scalars(
            upcoming(
                CaseSession.case_id == contact.case_id, CaseSession.id.in_(_attended_by(contact))
            )
        )
    )


def load_own_session(session_id: int) -> CaseSession:
    """A session of the member's case that they attend, or 404."""
    contact = member_contact()
    return _own(
        CaseSession,
        session_id,
        CaseSession.case_id == contact.case_id,
        CaseSession.id.in_(_attended_by(contact)),
    )


# ---- packets -----------------------------------------------------------------------


def own_packets() -> list[Packet]:
    """The packets shared with the member's family, newest share first."""
    contact = member_contact()
    return list(
        db.session.scalars(
            select(Packet)
            .where(Packet.case_id == contact.case_id, Packet.shared_at.is_not(None))
            .order_by(Packet.shared_at.desc(), Packet.id.desc())
        )
    )


def load_own_packet(packet_id: int) -> Packet:
    """A packet of the member's case that staff shared, or 404."""
    contact = member_contact()
    return _own(Packet, packet_id, Packet.case_id == contact.case_id, Packet.shared_at.is_not(None))
