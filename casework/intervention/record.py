"""The intervention's part of the case record export: the plan and its
ARISE history, the team with letters (and their history), bottom lines and
commitments, the placements with the disclosure, the rehearsal ticks, and
the outcome. Staff read the export, so bottom lines and staff notes are in it."""

from casework.cases.record import person, utc
from casework.intervention import service


def intervention_part(case) -> dict:
    plan = service.plan_for(case)
    members = service.team(case, with_archived=True)
    ticks = service.ticks(case)
    items = {i.id: i.text for i in service.rehearsal_items()}
    return {
        "plan": _plan(plan),
        "team": [_member(m) for m in members],
        "placements": [_placement(p) for p in service.placements(case)],
        "rehearsal": [
            {"item": items.get(t.item_id, ""), "done_by": person(t.by), "done_at": utc(t.at)}
            for t in ticks.values()
        ],
    }


def _plan(plan) -> dict | None:
    if plan is None:
        return None
    return {
        "approach": plan.approach,
        "approach_other": plan.approach_other,
        "arise_level": plan.arise_level,
        "arise_history": [
            {
                "from_level": e.from_level,
                "to_level": e.to_level,
                "reason": e.reason,
                "by": person(e.by),
                "at": utc(e.at),
            }
            for e in plan.escalations
        ],
        "session_id": plan.session_id,
        "chair": person(plan.chair_user),
        "outcome": plan.outcome,
        "outcome_at": utc(plan.outcome_at),
        "outcome_detail": plan.outcome_detail,
        "outcome_early_reason": plan.outcome_early_reason,
        "admitted_at": utc(plan.admitted_at),
        "outcome_placement_id": plan.outcome_placement_id,
        "outcome_note_id": plan.outcome_note_id,
        "pathway": plan.pathway,
    }


def _member(member) -> dict:
    letter = member.letter
    bottom = service.bottom_line_of(member)
    return {
        "id": member.id,
        "contact_id": member.contact_id,
        "name": member.name,
        "relationship": member.relationship_to_loved_one,
        "role": member.role,
        "reading_order": member.reading_order,
        "seat": member.seat,
        "attends_rehearsal": member.attends_rehearsal,
        "attends_day": member.attends_day,
        "staff_notes": member.staff_notes,
        "removed_at": utc(member.archived_at),
        "letter": None
        if letter is None
        else {
            "status": letter.status,
            "body": letter.body,
            "finalized_at": utc(letter.finalized_at),
            "history": [
                {
                    "action": e.action,
                    "by": person(e.actor),
                    "at": utc(e.at),
                    "comment": e.comment,
                }
                for e in service.letter_history(letter)
            ],
        },
        "bottom_line": bottom.text if bottom is not None else None,
        "commitments": [
            {"behaviour": c.behaviour, "own_words": c.own_words}
            for c in service.commitments_of(member)
        ],
    }


def _placement(p) -> dict:
    return {
        "id": p.id,
        "facility": p.facility,
        "level": p.level,
        "address": p.address,
        "contact_name": p.contact_name,
        "phone": p.phone,
        "bed_held_until": utc(p.bed_held_until),
        "insurance_verified_by": p.insurance_verified_by,
        "insurance_verified_at": utc(p.insurance_verified_on),
        "payer": p.payer,
        "authorization_number": p.authorization_number,
        "expected_cost": p.expected_cost,
        "admission_at": utc(p.admission_at),
        "transport_driver": p.transport_driver,
        "transport_route": p.transport_route,
        "transport_companion": p.transport_companion,
        "what_to_pack": p.what_to_pack,
        "financial_relationship": p.financial_relationship,
        "financial_text": p.financial_text,
        "chosen": p.chosen,
    }
