"""The family's handout for a session, as the plain dict the printer takes.
(Its crisis lines come from the Jinja global, casework.practice_text.)"""

from casework.domain import sessions as rules
from casework.timeutil import to_local


def handout_context(session, practice: dict) -> dict:
    local = to_local(session.starts_at)
    lead = session.lead
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
        "attendees": [f"{c.name} ({c.relationship_to_loved_one})" for c in session.contacts],
        "staff": [lead.name] + [u.name for u in session.staff if u.id != lead.id],
        "purpose": rules.PURPOSE[session.kind],
        "bring": rules.BRING[session.kind],
        "interventionist": {"name": lead.name, "phone": lead.phone, "email": lead.email},
    }
