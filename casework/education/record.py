"""Education's part of the case record export: what each family member was
given to read (which version, when they opened and finished it) and the
packets built for the family."""

from sqlalchemy import select

from casework.cases.record import contact_ref, day, people, person, utc
from casework.education.models import Assignment, ModuleVersion, Packet
from casework.extensions import db


def _module(version: ModuleVersion) -> dict:
    return {
        "module_version_id": version.id,
        "slug": version.module.slug,
        "title": version.title,
        "version": version.number,
        "origin": version.module.origin,
    }


def education_part(case) -> dict:
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.case_id == case.id)
            .order_by(Assignment.assigned_at, Assignment.id)
        )
    )
    packets = list(
        db.session.scalars(
            select(Packet).where(Packet.case_id == case.id).order_by(Packet.created_at, Packet.id)
        )
    )
    wanted = {i for p in packets for i in p.module_version_ids or []}
    versions = (
        {
            v.id: v
            for v in db.session.scalars(select(ModuleVersion).where(ModuleVersion.id.in_(wanted)))
        }
        if wanted
        else {}
    )
    assigners = people(a.assigned_by_id for a in assignments)
    return {
        "assignments": [
            {
                "id": a.id,
                "contact": contact_ref(a.contact),
                "module": _module(a.module_version),
                "assigned_by": assigners.get(a.assigned_by_id),
                "assigned_at": utc(a.assigned_at),
                "due_on": day(a.due_on),
                "note": a.note,
                "state": a.state,
                "opened_at": utc(a.opened_at),
                "finished_at": utc(a.finished_at),
            }
            for a in assignments
        ],
        "packets": [
            {
                "id": p.id,
                "title": p.title,
                "family_name": p.family_name,
                "cover_letter": p.cover_letter,
                "modules": [
                    _module(versions[i]) for i in p.module_version_ids or [] if i in versions
                ],
                "include_schedule": p.include_schedule,
                "include_contacts": p.include_contacts,
                "created_by": person(p.created_by),
                "created_at": utc(p.created_at),
                "shared_at": utc(p.shared_at),
            }
            for p in packets
        ],
    }
