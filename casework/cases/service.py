"""Writes to cases. Each function makes the change and its audit event;
the view commits."""

from sqlalchemy import select

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.models import Role, User
from casework.cases import sections
from casework.cases.models import Contact, FamilyCase, PhaseChange, ReferenceCounter
from casework.domain import phases
from casework.domain.phases import Phase
from casework.extensions import db
from casework.timeutil import utcnow

CASE_FIELDS = (
    "loved_one_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "age",
    "concerns",
    "referral_source",
    "urgency",
    "summary",
)
EDITABLE_FIELDS = (*CASE_FIELDS, "status")
CONTACT_FIELDS = (
    "name",
    "relationship_to_loved_one",
    "phone",
    "email",
    "preferred_method",
    "is_primary",
    "notes",
)


def format_reference(year: int, number: int) -> str:
    return f"C-{year}-{number:04d}"


def reserve_references(year: int, count: int = 1) -> list[str]:
    """Hand out the next `count` references for the year; never reused."""
    counter = db.session.scalar(
        select(ReferenceCounter).where(ReferenceCounter.year == year).with_for_update()
    )
    if counter is None:
        counter = ReferenceCounter(year=year, last_number=0)
        db.session.add(counter)
    first = counter.last_number + 1
    counter.last_number += count
    return [format_reference(year, n) for n in range(first, first + count)]


def staff_choices(roles=(Role.INTERVENTIONIST, Role.SUPERVISOR)) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([r.value for r in roles]), User.active.is_(True))
            .order_by(User.name)
        )
    )


def staff_names(roles=(Role.INTERVENTIONIST, Role.SUPERVISOR)) -> list[tuple[int, str]]:
    """(id, name) of active staff, for a filter: no whole accounts loaded."""
    rows = db.session.execute(
        select(User.id, User.name)
        .where(User.role.in_([r.value for r in roles]), User.active.is_(True))
        .order_by(User.name)
    )
    return [(user_id, name) for user_id, name in rows]


def create_case(data: dict, contact: dict, interventionist_id: int) -> FamilyCase:
    now = utcnow()
    case = FamilyCase(
        reference=reserve_references(now.year)[0],
        interventionist_id=interventionist_id,
        phase=Phase.SCHEDULING.value,
        phase_entered_at=now,
        status="active",
        **{name: data[name] for name in CASE_FIELDS},
    )
    db.session.add(case)
    first = Contact(case=case, is_primary=True, **contact)
    first.preferred_method = (
        "email" if contact.get("email") and not contact.get("phone") else "phone"
    )
    db.session.add(first)
    record(
        Action.CREATE,
        case=case,
        obj=case,
        object_type="FamilyCase",
        summary="Case opened at intake",
    )
    return case


def snapshot(case: FamilyCase) -> dict:
    """The editable values as plain JSON-friendly data."""
    values = {name: getattr(case, name) for name in EDITABLE_FIELDS}
    if values["date_of_birth"] is not None:
        values["date_of_birth"] = values["date_of_birth"].isoformat()
    values["concerns"] = sorted(values["concerns"] or [])
    return values


def changed_fields(before: dict, after: dict) -> list[str]:
    return [name for name in before if before.get(name) != after.get(name)]


def update_case(case: FamilyCase, data: dict) -> list[str]:
    before = snapshot(case)
    for name in EDITABLE_FIELDS:
        setattr(case, name, data[name])
    changed = changed_fields(before, snapshot(case))
    if changed:
        record(
            Action.UPDATE,
            case=case,
            obj=case,
            summary="Case details updated: " + ", ".join(f.replace("_", " ") for f in changed),
        )
    return changed


def change_phase(
    case: FamilyCase, user, transition: phases.Transition, closing_reason: str | None
) -> PhaseChange:
    change = PhaseChange(
        case_id=case.id,
        from_phase=transition.src.value,
        to_phase=transition.dst.value,
        kind=transition.kind,
        reason=transition.reason or None,
        closing_reason=closing_reason if transition.kind == "close" else None,
        changed_by_id=user.id,
    )
    db.session.add(change)
    case.phase = transition.dst.value
    case.phase_entered_at = utcnow()
    if transition.kind == "close":
        case.status = "closed"
        case.closing_reason = closing_reason
        case.closed_from_phase = transition.src.value
    elif transition.kind == "reopen":
        case.status = "active"
        case.closing_reason = None
        case.closed_from_phase = None
    words = {
        "forward": f"Moved from {transition.src.label} to {transition.dst.label}",
        "back": f"Moved back from {transition.src.label} to {transition.dst.label}",
        "close": f"Closed from {transition.src.label}",
        "reopen": f"Reopened into {transition.dst.label}",
    }[transition.kind]
    record(Action.PHASE_CHANGE, case=case, obj=change, summary=words, reason=transition.reason)
    return change


def override_gate(case: FamilyCase, blockers: list[str], reason: str) -> None:
    """A supervisor lets the case past a safety gate; the reason is kept."""
    record(
        Action.OVERRIDE,
        case=case,
        obj=case,
        summary="Supervisor override of the safety gate",
        reason=reason,
    )


def reassign(case: FamilyCase, lead: User, co: User | None, reason: str) -> None:
    """New people on the case; the areas hand them its open work (sessions)."""
    old_lead, old_co = case.interventionist, case.co_interventionist
    case.interventionist_id = lead.id
    case.co_interventionist_id = co.id if co else None
    case.interventionist, case.co_interventionist = lead, co
    parts = []
    if old_lead.id != lead.id:
        parts.append(f"lead from {old_lead.name} to {lead.name}")
    if (old_co.id if old_co else None) != (co.id if co else None):
        parts.append(f"co-interventionist {'to ' + co.name if co else 'removed'}")
    record(
        Action.REASSIGN,
        case=case,
        obj=case,
        summary=f"Reassigned ({'; '.join(parts) or 'no change'})",
        reason=reason,
    )
    sections.reassigned(case, old_lead, old_co)


def save_contact(case: FamilyCase, contact: Contact | None, data: dict) -> Contact:
    creating = contact is None
    if creating:
        contact = Contact(case=case)
        db.session.add(contact)
    for name in CONTACT_FIELDS:
        setattr(contact, name, data[name])
    if contact.is_primary:
        for other in case.contacts:
            if other is not contact:
                other.is_primary = False
    db.session.flush()
    record(
        Action.CREATE if creating else Action.UPDATE,
        case=case,
        obj=contact,
        summary=f"{'Added' if creating else 'Updated'} contact {contact.name} "
        f"({contact.relationship_to_loved_one})",
    )
    return contact


def archive_contact(case: FamilyCase, contact: Contact, reason: str) -> None:
    contact.archived_at = utcnow()
    contact.archive_reason = reason
    contact.is_primary = False
    record(
        Action.UPDATE,
        case=case,
        obj=contact,
        summary=f"Archived contact {contact.name}",
        reason=reason,
    )
