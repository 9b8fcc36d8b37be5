"""Writes for the education area: modules, assignments and packets. Each
function adds its audit event; the request's transaction commits.
(Portal invitations are casework.portal.service.)"""

from sqlalchemy import select

from casework.audit.models import Action
from casework.audit.service import record
from casework.education import library
from casework.education.models import Assignment, EducationModule, ModuleVersion, Packet
from casework.extensions import db
from casework.timeutil import utcnow

# ---- modules -------------------------------------------------------------------


def active_modules(search: str | None = None) -> list[EducationModule]:
    modules = db.session.scalars(
        select(EducationModule).where(EducationModule.archived_at.is_(None))
    ).all()
    if search:
        term = search.lower()
        modules = [
            m
            for m in modules
            if term in m.latest.title.lower() or term in (m.topics or "").lower() or term in m.slug
        ]
    return sorted(modules, key=lambda m: m.latest.title.lower())


def write_module(
    user,
    module: EducationModule | None,
    *,
    slug: str,
    title: str,
    summary: str,
    topics: str | None,
    body: str,
    sources: str | None,
) -> EducationModule:
    """Create a practice module, or publish a new version of one."""
    if module is None:
        module = EducationModule(slug=slug, origin="practice", topics=topics, created_by_id=user.id)
        db.session.add(module)
        number = 1
    else:
        module.topics = topics
        number = module.latest.number + 1
    library.new_version(module, number, title=title, summary=summary, body=body, sources=sources)
    db.session.flush()
    record(
        Action.CREATE if number == 1 else Action.UPDATE,
        obj=module,
        summary=f"Education module {slug} version {number} published",
    )
    return module


def archive_module(module: EducationModule, reason: str) -> None:
    module.archived_at = utcnow()
    module.archive_reason = reason
    record(
        Action.UPDATE,
        obj=module,
        summary=f"Education module {module.slug} archived",
        reason=reason,
    )


# ---- assignments ---------------------------------------------------------------


def assignments_for(case) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.case_id == case.id)
            .order_by(Assignment.assigned_at, Assignment.id)
        )
    )


def assign(case, user, modules: list[EducationModule], contacts: list, *, due_on, note) -> int:
    """Give each module's latest version to each contact; skips what they already have."""
    have = {(a.contact_id, a.module_id) for a in assignments_for(case)}
    made = 0
    for contact in contacts:
        for module in modules:
            if (contact.id, module.id) in have:
                continue
            db.session.add(
                Assignment(
                    case_id=case.id,
                    contact_id=contact.id,
                    module_id=module.id,
                    module_version_id=module.latest.id,
                    assigned_by_id=user.id,
                    due_on=due_on,
                    note=note,
                )
            )
            made += 1
    if made:
        names = ", ".join(c.name for c in contacts)
        count = f"{len(modules)} module{'' if len(modules) == 1 else 's'}"
        record(
            Action.CREATE,
            case=case,
            object_type="Assignment",
            summary=f"Reading assigned to {names} ({count})",
        )
    return made


def move_to_latest(case, assignment: Assignment) -> None:
    latest = db.session.get(EducationModule, assignment.module_id).latest
    if latest.id == assignment.module_version_id:
        return
    assignment.module_version_id = latest.id
    assignment.module_version = latest
    assignment.finished_at = None  # a new text to read
    record(
        Action.UPDATE,
        case=case,
        obj=assignment,
        summary=f"{assignment.contact.name} moved to version {latest.number} of a reading",
    )


def mark_opened(assignment: Assignment) -> None:
    if assignment.opened_at is None:
        assignment.opened_at = utcnow()


def mark_finished(assignment: Assignment) -> None:
    mark_opened(assignment)
    if assignment.finished_at is None:
        assignment.finished_at = utcnow()
        record(
            Action.UPDATE,
            case=assignment.contact.case,
            obj=assignment,
            summary=f"{assignment.contact.name} finished a reading",
        )


# ---- packets ------------------------------------------------------------------------


def create_packet(
    case, user, *, title, family_name, cover_letter, versions, include_schedule, include_contacts
) -> Packet:
    packet = Packet(
        case_id=case.id,
        title=title,
        family_name=family_name,
        cover_letter=cover_letter,
        module_version_ids=[v.id for v in versions],
        include_schedule=include_schedule,
        include_contacts=include_contacts,
        created_by_id=user.id,
    )
    db.session.add(packet)
    db.session.flush()
    record(
        Action.CREATE,
        case=case,
        obj=packet,
        summary=f"Education packet built ({len(versions)} modules)",
    )
    return packet


def share_packet(case, packet: Packet) -> None:
    if packet.shared_at is None:
        packet.shared_at = utcnow()
        record(
            Action.UPDATE,
            case=case,
            obj=packet,
            summary="Education packet shared to the family portal",
        )


def packet_versions(packet: Packet) -> list[ModuleVersion]:
    found = {
        v.id: v
        for v in db.session.scalars(
            select(ModuleVersion).where(ModuleVersion.id.in_(packet.module_version_ids))
        )
    }
    return [found[i] for i in packet.module_version_ids if i in found]
