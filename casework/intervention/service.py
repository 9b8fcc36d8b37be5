"""Writes to the intervention. Each function checks what the rules allow,
makes the change and its audit event; the request's transaction commits.
Audit summaries name what changed, never a letter's or bottom line's words."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from casework.audit.models import Action
from casework.audit.service import record
from casework.domain import intervention as rules
from casework.domain import readiness
from casework.domain.intervention import LetterRuleError
from casework.domain.phases import Phase, Transition
from casework.extensions import db
from casework.intervention import queries
from casework.intervention.models import (
    AriseEscalation,
    BottomLine,
    EnablingCommitment,
    InterventionPlan,
    Letter,
    LetterEvent,
    Placement,
    RehearsalItem,
    RehearsalTick,
    TeamMember,
)
from casework.timeutil import to_local, utcnow

__all__ = ["LetterRuleError"]


class InterventionRuleError(Exception):
    """A change the intervention's rules refuse; the message says why."""


# ---- the plan ------------------------------------------------------------------------


def plan_for(case) -> InterventionPlan | None:
    return db.session.scalar(select(InterventionPlan).where(InterventionPlan.case_id == case.id))


def ensure_plan(case) -> InterventionPlan:
    plan = plan_for(case)
    if plan is None:
        plan = InterventionPlan(case_id=case.id)
        db.session.add(plan)
        db.session.flush()
        record(Action.CREATE, case=case, obj=plan, summary="Intervention plan started")
    return plan


@dataclass
class PlanData:
    approach: str
    approach_other: str | None
    arise_level: int | None
    level_reason: str | None
    session_id: int | None
    chair_user_id: int | None


def save_plan(case, plan: InterventionPlan, data: PlanData, user) -> None:
    if data.approach not in rules.APPROACHES:
        raise InterventionRuleError("Choose the approach.")
    if data.approach == "other" and not (data.approach_other or "").strip():
        raise InterventionRuleError("Say what the approach is.")
    level = data.arise_level if data.approach == "arise" else None
    if data.approach == "arise" and level not in rules.ARISE_LEVELS:
        raise InterventionRuleError("Choose the ARISE level.")
    if level is not None and level != plan.arise_level:
        if plan.arise_level is not None and not (data.level_reason or "").strip():
            raise InterventionRuleError("Say why the level changes.")
        db.session.add(
            AriseEscalation(
                plan_id=plan.id,
                from_level=plan.arise_level,
                to_level=level,
                reason=(data.level_reason or "Starting level").strip(),
                by_id=user.id,
            )
        )
        record(
            Action.UPDATE,
            case=case,
            obj=plan,
            summary="ARISE level changed",
        )
    plan.approach = data.approach
    plan.approach_other = data.approach_other if data.approach == "other" else None
    plan.arise_level = level
    plan.session_id = data.session_id
    plan.chair_user_id = data.chair_user_id
    record(Action.UPDATE, case=case, obj=plan, summary="Intervention plan saved")


# ---- the team --------------------------------------------------------------------------


def team(case, *, with_archived: bool = False) -> list[TeamMember]:
    query = select(TeamMember).where(TeamMember.case_id == case.id)
    if not with_archived:
        query = query.where(TeamMember.archived_at.is_(None))
    order = (
        func.coalesce(TeamMember.reading_order, 999),
        func.coalesce(TeamMember.seat, 999),
        TeamMember.id,
    )
    return list(db.session.scalars(query.order_by(*order)))


@dataclass
class MemberData:
    contact: object | None
    name: str
    relationship: str
    role: str
    reading_order: int | None
    seat: int | None
    attends_rehearsal: bool
    attends_day: bool
    staff_notes: str | None


def save_member(case, member: TeamMember | None, data: MemberData) -> TeamMember:
    if data.role not in rules.ROLES:
        raise InterventionRuleError("Choose the member's role.")
    name = data.contact.name if data.contact is not None else (data.name or "").strip()
    relationship = (
        data.contact.relationship_to_loved_one
        if data.contact is not None
        else (data.relationship or "").strip()
    )
    if not name or not relationship:
        raise InterventionRuleError("Give the member's name and who they are to the loved one.")
    new = member is None
    if new:
        ensure_plan(case)  # a team is the start of a plan
        member = TeamMember(case_id=case.id)
        db.session.add(member)
    member.contact_id = data.contact.id if data.contact is not None else None
    member.name, member.relationship_to_loved_one = name, relationship
    member.role = data.role
    member.reading_order = data.reading_order if data.role in rules.SPEAKING_ROLES else None
    member.seat = data.seat
    member.attends_rehearsal = data.attends_rehearsal
    member.attends_day = data.attends_day and data.role != "not_attending"
    member.staff_notes = data.staff_notes
    db.session.flush()
    record(
        Action.CREATE if new else Action.UPDATE,
        case=case,
        obj=member,
        summary=f"Team member {'added' if new else 'changed'}: {name} ({rules.ROLES[data.role]})",
    )
    return member


def remove_member(case, member: TeamMember) -> None:
    member.archived_at = utcnow()
    record(Action.UPDATE, case=case, obj=member, summary=f"Team member removed: {member.name}")


def member_of_contact(case, contact_id: int) -> TeamMember | None:
    return db.session.scalar(
        select(TeamMember).where(
            TeamMember.case_id == case.id,
            TeamMember.contact_id == contact_id,
            TeamMember.archived_at.is_(None),
        )
    )


# ---- letters ---------------------------------------------------------------------------


def letter_of(member: TeamMember) -> Letter:
    if member.letter is None:
        member.letter = Letter(member_id=member.id)
        db.session.add(member.letter)
        db.session.flush()
    return member.letter


def _letter_event(letter: Letter, action: str, actor, comment: str | None = None) -> None:
    db.session.add(
        LetterEvent(
            letter_id=letter.id, action=action, actor_id=actor.id, comment=comment, body=letter.body
        )
    )


def save_letter(case, member: TeamMember, body: str, actor) -> Letter:
    letter = letter_of(member)
    if not rules.letter_editable(letter.status):
        if letter.status == "final":
            raise LetterRuleError("This letter is final. Reopen it to change it.")
        raise LetterRuleError("This letter is with staff for review; it changes once returned.")
    letter.body = (body or "").replace("\r\n", "\n").strip() + "\n" if (body or "").strip() else ""
    letter.updated_at = utcnow()
    record(Action.UPDATE, case=case, obj=letter, summary=f"Letter of {member.name} saved")
    return letter


def share_letter(case, member: TeamMember, actor) -> None:
    letter = letter_of(member)
    if not rules.can_share(letter.status):
        raise LetterRuleError("This letter cannot be shared for review now.")
    if not letter.body.strip():
        raise LetterRuleError("Write the letter before sharing it.")
    letter.status = "shared"
    _letter_event(letter, "shared", actor)
    record(
        Action.UPDATE, case=case, obj=letter, summary=f"Letter of {member.name} shared for review"
    )


def return_letter(case, member: TeamMember, actor, comment: str) -> None:
    letter = letter_of(member)
    if not rules.can_review(letter.status):
        raise LetterRuleError("Only a letter shared for review can be returned.")
    if not (comment or "").strip():
        raise LetterRuleError("Write a comment for the letter's author.")
    letter.status = "returned"
    _letter_event(letter, "returned", actor, comment.strip())
    record(
        Action.RETURN,
        case=case,
        obj=letter,
        summary=f"Letter of {member.name} returned with comments",
    )


def finalize_letter(case, member: TeamMember, actor) -> None:
    letter = letter_of(member)
    if letter.status not in ("shared", "returned", "draft") or not letter.body.strip():
        raise LetterRuleError("Only a written letter that is not final yet can be made final.")
    letter.status = "final"
    letter.finalized_at = utcnow()
    _letter_event(letter, "final", actor)
    record(Action.UPDATE, case=case, obj=letter, summary=f"Letter of {member.name} made final")


def reopen_letter(case, member: TeamMember, actor, reason: str) -> None:
    letter = letter_of(member)
    if not rules.can_reopen(letter.status):
        raise LetterRuleError("Only a final letter is reopened.")
    if not (reason or "").strip():
        raise LetterRuleError("Say why the letter is reopened.")
    letter.status = "draft"
    letter.finalized_at = None
    _letter_event(letter, "reopened", actor, reason.strip())
    record(Action.UPDATE, case=case, obj=letter, summary=f"Letter of {member.name} reopened")


def letter_history(letter: Letter) -> list[LetterEvent]:
    return list(
        db.session.scalars(
            select(LetterEvent).where(LetterEvent.letter_id == letter.id).order_by(LetterEvent.id)
        )
    )


# ---- bottom lines and commitments ------------------------------------------------------


def bottom_line_of(member: TeamMember) -> BottomLine | None:
    return db.session.scalar(select(BottomLine).where(BottomLine.member_id == member.id))


def set_bottom_line(case, member: TeamMember, text: str) -> None:
    row = bottom_line_of(member)
    if row is None:
        row = BottomLine(member_id=member.id)
        db.session.add(row)
    row.text = (text or "").strip()
    record(Action.UPDATE, case=case, obj=member, summary=f"Bottom line of {member.name} saved")


def commitments_of(member: TeamMember) -> list[EnablingCommitment]:
    return list(
        db.session.scalars(
            select(EnablingCommitment)
            .where(EnablingCommitment.member_id == member.id)
            .order_by(EnablingCommitment.id)
        )
    )


def set_commitments(case, member: TeamMember, behaviours: list[str], own_words: str | None) -> None:
    unknown = [b for b in behaviours if b not in rules.ENABLING_BEHAVIOURS]
    if unknown:
        raise InterventionRuleError("Choose behaviours from the list.")
    if "other" in behaviours and not (own_words or "").strip():
        raise InterventionRuleError("Say in your own words what you will stop doing.")
    for old in commitments_of(member):
        db.session.delete(old)
    for behaviour in behaviours:
        db.session.add(
            EnablingCommitment(
                member_id=member.id,
                behaviour=behaviour,
                own_words=(own_words or "").strip() or None if behaviour == "other" else None,
            )
        )
    record(
        Action.UPDATE,
        case=case,
        obj=member,
        summary=f"Enabling commitments of {member.name}: {len(behaviours)}",
    )


# ---- treatment lined up ----------------------------------------------------------------


def placements(case) -> list[Placement]:
    return list(
        db.session.scalars(
            select(Placement).where(Placement.case_id == case.id).order_by(Placement.id)
        )
    )


def save_placement(case, placement: Placement | None, fields: dict) -> Placement:
    if fields.get("level") not in rules.LEVELS_OF_CARE:
        raise InterventionRuleError("Choose the level of care.")
    if fields.get("financial_relationship") not in rules.FINANCIAL_RELATIONSHIPS:
        raise InterventionRuleError("Say whether the practice has a financial relationship.")
    if (
        fields["financial_relationship"] != "none"
        and not (fields.get("financial_text") or "").strip()
    ):
        raise InterventionRuleError("Describe the financial relationship for the family.")
    new = placement is None
    if new:
        placement = Placement(case_id=case.id)
        db.session.add(placement)
    for name, value in fields.items():
        setattr(placement, name, value)
    db.session.flush()
    record(
        Action.CREATE if new else Action.UPDATE,
        case=case,
        obj=placement,
        summary=f"Placement {'added' if new else 'changed'}",
    )
    return placement


def choose_placement(case, chosen: Placement) -> None:
    for placement in placements(case):
        placement.chosen = placement.id == chosen.id
    record(Action.UPDATE, case=case, obj=chosen, summary="Placement chosen")


def chosen_placement(case) -> Placement | None:
    return db.session.scalar(
        select(Placement).where(Placement.case_id == case.id, Placement.chosen.is_(True))
    )


# ---- rehearsal --------------------------------------------------------------------------


def rehearsal_items() -> list[RehearsalItem]:
    """The practice's checklist (the default one, written the first time it is asked for)."""
    items = list(
        db.session.scalars(
            select(RehearsalItem)
            .where(RehearsalItem.active.is_(True))
            .order_by(RehearsalItem.position, RehearsalItem.id)
        )
    )
    if items or db.session.scalar(select(func.count()).select_from(RehearsalItem)):
        return items
    for n, text in enumerate(rules.DEFAULT_REHEARSAL):
        db.session.add(RehearsalItem(text=text, position=n))
    db.session.flush()
    return rehearsal_items()


def set_rehearsal_items(lines: list[str]) -> None:
    current = {i.text: i for i in db.session.scalars(select(RehearsalItem))}
    wanted = [line.strip() for line in lines if line.strip()]
    for item in current.values():
        item.active = item.text in wanted
    for n, text in enumerate(wanted):
        item = current.get(text)
        if item is None:
            db.session.add(RehearsalItem(text=text[:200], position=n))
        else:
            item.position = n
    record(Action.UPDATE, object_type="RehearsalItem", summary="Rehearsal checklist changed")


def ticks(case) -> dict[int, RehearsalTick]:
    rows = db.session.scalars(select(RehearsalTick).where(RehearsalTick.case_id == case.id))
    return {t.item_id: t for t in rows}


def set_tick(case, item: RehearsalItem, done: bool, user) -> None:
    tick = ticks(case).get(item.id)
    if done and tick is None:
        db.session.add(RehearsalTick(case_id=case.id, item_id=item.id, by_id=user.id))
        record(Action.UPDATE, case=case, obj=item, summary=f"Rehearsal: {item.text} done")
    elif not done and tick is not None:
        db.session.delete(tick)
        record(Action.UPDATE, case=case, obj=item, summary=f"Rehearsal: {item.text} not done")


# ---- readiness ---------------------------------------------------------------------------


def readiness_of(case) -> readiness.Readiness:
    """The case's readiness for the day, most important first."""
    rehearsal_items()  # the practice's checklist exists before it is counted
    return readiness.assess(
        queries.readiness_facts([case.id], intervention_phase_only=False)[case.id]
    )


# ---- the day's outcome ------------------------------------------------------------------


@dataclass
class OutcomeData:
    outcome: str
    at: datetime  # UTC
    detail: str | None
    admitted_at: datetime | None
    placement: Placement | None
    early_reason: str | None
    narrative: str


def record_outcome(case, plan: InterventionPlan, data: OutcomeData, user):
    """The day's outcome: kept on the plan with its follow-up pathway, told in
    a note (a draft for its author to sign), and the case moves to
    post-intervention support. Returns the note."""
    from casework.cases import service as cases_service
    from casework.notes import service as notes_service

    if plan.outcome is not None:
        raise InterventionRuleError("The outcome is recorded already.")
    if data.outcome not in rules.OUTCOMES:
        raise InterventionRuleError("Choose the outcome.")
    needs = rules.outcome_needs(data.outcome)
    if "admitted_at" in needs and data.admitted_at is None:
        raise InterventionRuleError("Give the admission date and time.")
    if "placement" in needs and data.placement is None:
        raise InterventionRuleError("Choose where they were admitted.")
    if "detail" in needs and not (data.detail or "").strip():
        raise InterventionRuleError("Say what was offered or agreed.")
    day_at = plan.session.starts_at if plan.session is not None else None
    if (
        readiness.early_outcome_needs_reason(day_at, data.at)
        and not (data.early_reason or "").strip()
    ):
        raise InterventionRuleError(
            "This is before the planned day: say why the outcome is recorded now."
        )
    if not data.narrative.strip():
        raise InterventionRuleError("Tell what happened, for the record.")
    plan.outcome = data.outcome
    plan.outcome_at = data.at
    plan.outcome_detail = (data.detail or "").strip() or None
    plan.outcome_early_reason = (data.early_reason or "").strip() or None
    plan.admitted_at = data.admitted_at
    plan.outcome_placement_id = data.placement.id if data.placement else None
    plan.pathway = rules.pathway_for(data.outcome)

    members = [m for m in team(case) if m.contact is not None and m.attends_day]
    session = plan.session
    if (
        session is not None
        and session.status == "held"
        and notes_service.session_note(session) is None
    ):
        note = notes_service.start_session_note(case, session, user)
    else:
        note = notes_service.start_contact_note(
            case,
            "in_person",
            notes_service.NoteData(data.at, None, None, [m.contact for m in members], [user], ""),
            user,
        )
    notes_service.save_draft(
        case,
        note,
        notes_service.NoteData(
            note.occurred_at,
            note.duration_minutes,
            None,
            [m.contact for m in members] or list(note.contacts),
            list(note.staff) or [user],
            data.narrative,
        ),
        user,
    )
    plan.outcome_note_id = note.id
    record(
        Action.UPDATE,
        case=case,
        obj=plan,
        summary="Intervention outcome recorded",
    )
    # The follow-up pathway starts on admission, or on the day itself.
    from casework.aftercare import service as aftercare

    begins = (
        data.admitted_at if plan.pathway == "entered_treatment" and data.admitted_at else data.at
    )
    aftercare.start_pathway(
        case,
        plan.pathway,
        to_local(begins).date(),
        f"Intervention outcome: {rules.OUTCOMES[data.outcome].lower()}",
        user,
    )
    if case.phase_enum is Phase.INTERVENTION:
        cases_service.change_phase(
            case,
            user,
            Transition(
                Phase.INTERVENTION, Phase.AFTERCARE, "forward", rules.OUTCOMES[data.outcome]
            ),
            None,
        )
    return note
