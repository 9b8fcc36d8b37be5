"""Post-intervention support's part of the case record export (schema 1.2,
`$defs/aftercare_part`; docs/record-export.md): the pathway and each change
of it, the follow-ups planned with where each stands today, every check-in
with how each family member was, the family's supports, and the first day of
the current run of recovery."""

from casework.aftercare import service
from casework.cases.record import contact_ref, day, people, person, utc
from casework.domain import followups
from casework.timeutil import local_today


def _check_in(c, contacts: dict, reviewers: dict) -> dict:
    return {
        "id": c.id,
        "held_on": day(c.held_on),
        "due_on": day(c.due_on),
        "method": c.method,
        "reached": list(c.reached or []),
        "loved_one_status": c.loved_one_status,
        "days_since_use": c.days_since_use,
        "returned_to_use": c.returned_to_use,
        "return_detail": c.return_detail,
        "medication": c.medication,
        "meetings": c.meetings,
        "work_and_housing": c.work_and_housing,
        "new_safety_concern": c.new_safety_concern,
        "note_id": c.note_id,
        "family_reported": c.family_reported,
        "reported_by": (
            contact_ref(contacts[c.reported_by_contact_id])
            if c.reported_by_contact_id in contacts
            else None
        ),
        "loved_one_words": c.loved_one_words,
        "family_needs": c.family_needs,
        "reviewed_by": reviewers.get(c.reviewed_by_id),
        "reviewed_at": utc(c.reviewed_at),
        "recorded_by": reviewers.get(c.recorded_by_id),
        "recorded_at": utc(c.recorded_at),
        "members": [
            {
                "contact": contact_ref(m.contact),
                "wellbeing": m.wellbeing,
                "commitments": m.commitments,
                "supports_attended": m.supports_attended,
            }
            for m in c.members
        ],
    }


def aftercare_part(case) -> dict:
    history = service.pathway_history(case)
    items = service.check_ins(case)
    plan = service.follow_ups(case, items)
    today = local_today()
    contacts = {c.id: c for c in case.contacts}
    users = people([c.reviewed_by_id for c in items] + [c.recorded_by_id for c in items])
    start = service.recovery_start(items)
    return {
        "pathway": history[-1].pathway if history else None,
        "pathway_history": [
            {
                "pathway": p.pathway,
                "start_on": day(p.start),
                "reason": p.reason,
                "by": person(p.by),
                "at": utc(p.at),
            }
            for p in history
        ],
        "follow_ups": [
            {
                "due_on": day(f.due),
                "kind": f.kind,
                "window_days": f.window_days,
                "state": "done" if f.kind == "done" else followups.state(f, today),
            }
            for f in plan
        ],
        "check_ins": [_check_in(c, contacts, users) for c in items],
        "supports": [
            {
                "id": s.id,
                "contact": contact_ref(s.contact),
                "kind": s.kind,
                "detail": s.detail,
                "started_on": day(s.started_on),
                "ended_on": day(s.ended_on),
            }
            for s in service.supports(case)
        ],
        "recovery_start_on": day(start),
    }
