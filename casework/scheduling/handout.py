"""The family's handout for a session, as the plain dict the printer takes.
(Its crisis lines come from the Jinja global, casework.practice_text.)"""

from functools import cache

from sqlalchemy import Integer, Select, String, bindparam, literal, select, union_all

from casework.auth.models import User
from casework.cases.models import Contact
from casework.domain import sessions as rules
from casework.extensions import db
from casework.scheduling.models import session_contacts, session_staff
from casework.timeutil import to_local


def handout_context(session, practice: dict) -> dict:
    local = to_local(session.starts_at)
    lead = session.lead
    attendees, staff = _people(session.id)
    return {
        "practice": practice,
        "title": session.title,
        "kind": rules.KINDS[session.kind],
        "status": session.status,
        "cancel_reason": session.cancel_reason,
        "when": rules.date_in_words(local),
        "zone": local.tzname(),
        "length": rules.duration_in_words(session.duration_minutes),
        "place_kind": rules.PLACES[session.place_kind],
        "place": session.place,
        "attendees": attendees,
        "staff": [lead.name] + [name for user_id, name in staff if user_id != lead.id],
        "purpose": rules.PURPOSE[session.kind],
        "bring": rules.bring_list(session.kind, session.place_kind),
        "interventionist": {"name": lead.name, "phone": lead.phone, "email": lead.email},
    }


@cache
def _people_statement() -> Select:
    """The session's attending contacts and its staff, each by name, in one query."""
    session_id = bindparam("session_id")
    attending = (
        select(
            literal("contact").label("kind"),
            Contact.name.label("name"),
            Contact.relationship_to_loved_one.label("relationship"),
            literal(None, Integer).label("user_id"),
        )
        .join(session_contacts, session_contacts.c.contact_id == Contact.id)
        .where(session_contacts.c.session_id == session_id)
    )
    staffing = (
        select(literal("staff"), User.name, literal(None, String), User.id)
        .join(session_staff, session_staff.c.user_id == User.id)
        .where(session_staff.c.session_id == session_id)
    )
    both = union_all(attending, staffing)
    return select(both.subquery()).order_by("kind", "name")


def _people(session_id: int) -> tuple[list[str], list[tuple[int, str]]]:
    """("Name (relationship)" of each attendee, (id, name) of each staff member),
    each list by name."""
    attendees, staff = [], []
    for kind, name, relationship, user_id in db.session.execute(
        _people_statement(), {"session_id": session_id}
    ):
        if kind == "contact":
            attendees.append(f"{name} ({relationship})")
        else:
            staff.append((user_id, name))
    return attendees, staff
