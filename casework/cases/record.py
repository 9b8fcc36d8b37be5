"""The hub's part of the case record export, and the small helpers every
area's part uses so that the whole record reads alike.

Conventions (docs/record-export.md): a key ending in `_at` (or named `at`)
is a UTC time in ISO 8601 with a `Z` ("2026-03-04T15:30:00Z"); a key ending
in `_on` (and `date_of_birth`) is a date ("2026-03-04"); a person is
`{"id", "name"}`.
Each part is plain JSON data: str, int, bool, None, lists and dicts."""

from datetime import date, datetime

from sqlalchemy import select

from casework.auth.models import User
from casework.cases.models import PhaseChange
from casework.extensions import db


def utc(value: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with a Z; seconds kept, and a
    fraction only where one was stored."""
    if value is None:
        return None
    if value.tzinfo is not None:
        raise ValueError("stored times are naive UTC")
    return value.isoformat(timespec="microseconds" if value.microsecond else "seconds") + "Z"


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def person(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def people(ids) -> dict[int, dict]:
    """Users by id as record persons, in one statement (for rows that keep
    only a user's id)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    return {r.id: {"id": r.id, "name": r.name} for r in rows}


def contact_ref(contact) -> dict:
    """A family member or other contact named in another record."""
    return {
        "id": contact.id,
        "name": contact.name,
        "relationship": contact.relationship_to_loved_one,
    }


def _contact(contact) -> dict:
    return {
        **contact_ref(contact),
        "phone": contact.phone,
        "email": contact.email,
        "preferred_method": contact.preferred_method,
        "is_primary": contact.is_primary,
        "notes": contact.notes,
        "has_portal_account": contact.user_id is not None,
        "created_at": utc(contact.created_at),
        "archived_at": utc(contact.archived_at),
        "archive_reason": contact.archive_reason,
    }


def case_part(case) -> dict:
    """The case's own fields, every contact (archived ones too) and the
    history of its phase changes."""
    changes = db.session.scalars(
        select(PhaseChange).where(PhaseChange.case_id == case.id).order_by(PhaseChange.id)
    )
    return {
        "reference": case.reference,
        "loved_one_name": case.loved_one_name,
        "preferred_name": case.preferred_name,
        "pronouns": case.pronouns,
        "date_of_birth": day(case.date_of_birth),
        "age": case.age,
        "concerns": list(case.concerns or []),
        "referral_source": case.referral_source,
        "urgency": case.urgency,
        "phase": case.phase,
        "phase_entered_at": utc(case.phase_entered_at),
        "status": case.status,
        "closing_reason": case.closing_reason,
        "closed_from_phase": case.closed_from_phase,
        "interventionist": person(case.interventionist),
        "co_interventionist": person(case.co_interventionist),
        "summary": case.summary,
        "risk_flags": list(case.risk_flags or []),
        "safety_alert": bool(case.safety_alert),
        "created_at": utc(case.created_at),
        "updated_at": utc(case.updated_at),
        "contacts": [_contact(c) for c in case.contacts],
        "phase_history": [
            {
                "from_phase": c.from_phase,
                "to_phase": c.to_phase,
                "kind": c.kind,
                "reason": c.reason,
                "closing_reason": c.closing_reason,
                "changed_by": person(c.changed_by),
                "changed_at": utc(c.changed_at),
            }
            for c in changes
        ],
    }
