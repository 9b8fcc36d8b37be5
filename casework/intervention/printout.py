"""What the run sheet and a member's letter sheet say: plain data for
`render_pdf`. Bottom lines go only to the run sheet's separate page and to
each member's own sheet."""

from casework.domain import intervention as rules
from casework.domain.sessions import PLACES
from casework.intervention import service
from casework.timeutil import format_local

WHEN = "%A, %B %-d, %Y at %-I:%M %p"

# What staff do if things do not go to plan, in the practice's words.
IF_THEY_LEAVE = [
    "Let them go: nobody blocks a door or follows them outside.",
    "The chair thanks everyone, and the family stays together.",
    "A staff member calls or texts them within the hour: the offer still stands.",
    "Keep the bed held if the placement allows; tell the placement what happened.",
]
IF_UNSAFE = [
    "Stop the meeting. Safety comes before the letters.",
    "If anyone is in immediate danger, call 911.",
    "If they speak of suicide or self-harm, stay with them and call or text 988.",
    "If an overdose is suspected, give naloxone if there is some and call 911.",
]


def _day(plan) -> dict:
    session = plan.session if plan is not None else None
    if session is None or session.status == "cancelled":
        return {"when": "", "place": ""}
    place = PLACES.get(session.place_kind, "")
    return {
        "when": format_local(session.starts_at, WHEN),
        "place": place + (f": {session.place}" if session.place else ""),
    }


def _placement(chosen) -> dict | None:
    if chosen is None:
        return None
    return {
        "facility": chosen.facility,
        "level": rules.LEVELS_OF_CARE.get(chosen.level, chosen.level),
        "address": chosen.address or "",
        "contact": ", ".join(x for x in (chosen.contact_name, chosen.phone) if x),
        "admission": format_local(chosen.admission_at, WHEN) if chosen.admission_at else "",
        "bed": format_local(chosen.bed_held_until, WHEN) if chosen.bed_held_until else "",
        "driver": chosen.transport_driver or "",
        "route": chosen.transport_route or "",
        "companion": chosen.transport_companion or "",
        "pack": chosen.what_to_pack or "",
        "disclosure": rules.FINANCIAL_RELATIONSHIPS[chosen.financial_relationship]
        + (f": {chosen.financial_text}" if chosen.financial_text else ""),
    }


def run_sheet(case, plan, practice: dict) -> dict:
    members = service.team(case)
    chair = plan.chair_user.name if plan is not None and plan.chair_user else ""
    speakers = sorted(
        (m for m in members if m.speaks and m.attends_day),
        key=lambda m: (m.reading_order or 999, m.id),
    )
    seated = sorted((m for m in members if m.attends_day and m.seat), key=lambda m: m.seat)
    return {
        "practice": practice["name"],
        "reference": case.reference,
        "loved_one": case.display_name,
        "approach": rules.APPROACHES.get(plan.approach, "") if plan else "",
        "day": _day(plan),
        "chair": chair or next((m.name for m in members if m.role == "chair"), ""),
        "speakers": [
            {
                "order": m.reading_order or "",
                "name": m.name,
                "relationship": m.relationship_to_loved_one,
                "role": rules.ROLES[m.role],
                "seat": m.seat or "",
                "letter": rules.LETTER_STATUSES[m.letter.status] if m.letter else "Not started",
                "staff_notes": m.staff_notes or "",
            }
            for m in speakers
        ],
        "others": [
            {"name": m.name, "role": rules.ROLES[m.role], "staff_notes": m.staff_notes or ""}
            for m in members
            if not m.speaks
        ],
        "seating": [{"seat": m.seat, "name": m.name} for m in seated],
        "placement": _placement(service.chosen_placement(case)),
        "if_they_leave": IF_THEY_LEAVE,
        "if_unsafe": IF_UNSAFE,
        "bottom_lines": [
            {"name": m.name, "text": bottom.text}
            for m in members
            if (bottom := service.bottom_line_of(m)) is not None and bottom.text
        ],
    }


def letter_sheet(case, member, practice: dict) -> dict:
    bottom = service.bottom_line_of(member)
    plan = service.plan_for(case)
    chosen = service.chosen_placement(case)
    return {
        "practice": practice["name"],
        "reference": case.reference,
        "name": member.name,
        "role": rules.ROLES[member.role],
        "order": member.reading_order or "",
        "day": _day(plan),
        "letter": member.letter.body if member.letter else "",
        "letter_status": rules.LETTER_STATUSES[member.letter.status] if member.letter else "",
        "bottom_line": bottom.text if bottom else "",
        # What the family is told of the treatment: the name, what to bring,
        # and any financial tie between the practice and the facility.
        "facility": chosen.facility if chosen else "",
        "pack": chosen.what_to_pack or "" if chosen else "",
        "disclosure": _placement(chosen)["disclosure"] if chosen else "",
    }
