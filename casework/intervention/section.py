"""The intervention's part of the case hub: the Intervention tab, and for a
case in the intervention phase, its first readiness blocker (or a bed hold
running out) as the next step. A page of cases costs one statement."""

from functools import cache

from flask import url_for
from sqlalchemy import Select, and_, bindparam, exists, func, select

from casework.cases import sections
from casework.cases.models import FamilyCase
from casework.domain import intervention as rules
from casework.domain import readiness, risk
from casework.domain.nextsteps import Step, Urgency
from casework.domain.phases import Phase
from casework.extensions import db
from casework.intervention.models import (
    InterventionPlan,
    Letter,
    Placement,
    RehearsalItem,
    RehearsalTick,
    TeamMember,
)
from casework.scheduling.models import CaseSession
from casework.timeutil import format_local, local_today, to_local, utcnow


def facts(case_ids: list[int]) -> dict[int, readiness.Facts]:
    """Readiness facts of the page's cases in the intervention phase, in one
    statement (correlated counts for the team, letters and rehearsal)."""
    rows = db.session.execute(_facts_statement(), {"case_ids": list(case_ids)})
    now = utcnow()
    found = {}
    for r in rows:
        chosen = r.placement_id is not None
        found[r.id] = readiness.Facts(
            now=now,
            date_set=r.starts_at is not None,
            day_at=r.starts_at,
            chair=r.chair_user_id is not None or bool(r.member_chair),
            speakers=r.speakers,
            speakers_with_final_letters=r.final_letters,
            placement_chosen=chosen,
            bed_held_until=r.bed_held_until,
            bed_needed=not chosen or r.level not in rules.NO_BED,
            insurance_verified=bool(r.insurance_verified_by and r.insurance_verified_on),
            transport_set=bool(r.transport_driver and r.transport_companion),
            rehearsal_items=r.items,
            rehearsal_ticked=r.ticked,
            unplanned_safety_flags=[
                risk.FLAGS[f][0] for f in risk.open_safety_flags(r.risk_flags or [])
            ]
            if r.safety_alert
            else [],
        )
    return found


@cache
def _facts_statement() -> Select:
    """Built once per process: the page's case ids go in as a parameter."""
    member = and_(TeamMember.case_id == FamilyCase.id, TeamMember.archived_at.is_(None))
    speaking = and_(
        member, TeamMember.role.in_(rules.SPEAKING_ROLES), TeamMember.attends_day.is_(True)
    )
    speakers = select(func.count()).where(speaking).correlate(FamilyCase).scalar_subquery()
    final_letters = (
        select(func.count())
        .select_from(TeamMember)
        .join(Letter, Letter.member_id == TeamMember.id)
        .where(speaking, Letter.status == "final")
        .correlate(FamilyCase)
        .scalar_subquery()
    )
    member_chair = exists().where(member, TeamMember.role == "chair").correlate(FamilyCase)
    items = select(func.count()).where(RehearsalItem.active.is_(True)).scalar_subquery()
    ticked = (
        select(func.count())
        .select_from(RehearsalTick)
        .join(RehearsalItem, RehearsalItem.id == RehearsalTick.item_id)
        .where(RehearsalTick.case_id == FamilyCase.id, RehearsalItem.active.is_(True))
        .correlate(FamilyCase)
        .scalar_subquery()
    )
    return (
        select(
            FamilyCase.id,
            FamilyCase.safety_alert,
            FamilyCase.risk_flags,
            CaseSession.starts_at,
            InterventionPlan.chair_user_id,
            member_chair.label("member_chair"),
            speakers.label("speakers"),
            final_letters.label("final_letters"),
            Placement.id.label("placement_id"),
            Placement.level,
            Placement.bed_held_until,
            Placement.insurance_verified_by,
            Placement.insurance_verified_on,
            Placement.transport_driver,
            Placement.transport_companion,
            items.label("items"),
            ticked.label("ticked"),
        )
        .outerjoin(InterventionPlan, InterventionPlan.case_id == FamilyCase.id)
        .outerjoin(
            CaseSession,
            and_(CaseSession.id == InterventionPlan.session_id, CaseSession.status != "cancelled"),
        )
        .outerjoin(Placement, and_(Placement.case_id == FamilyCase.id, Placement.chosen.is_(True)))
        .where(
            FamilyCase.id.in_(bindparam("case_ids", expanding=True)),
            FamilyCase.phase == Phase.INTERVENTION.value,
        )
    )


def steps(case, found: readiness.Facts | None) -> list[Step]:
    if found is None or case.status != "active":
        return []
    result = readiness.assess(found)
    href = url_for("intervention.index", ref=case.reference)
    bed = (
        f"the bed hold ends {format_local(found.bed_held_until, '%a %b %-d at %-I:%M %p')}"
        if result.warnings
        else ""
    )
    blocker = result.first_blocker
    # Safety has its own step from the assessment; the rest are the intervention's.
    if blocker is not None and blocker.key != "safety":
        text = f"Before the intervention: {blocker.label.lower()}"
        if blocker.detail:
            text += f" ({blocker.detail.lower()})"
        if bed:
            text += f"; {bed}"
        # Due by the day (or now, with no day set): the blocker comes before a
        # section's undated step of the same urgency, such as "schedule a session".
        due = to_local(found.day_at).date() if found.day_at else local_today()
        return [Step(text, Urgency.TO_ARRANGE, due=due, href=href)]
    if bed:
        return [Step(bed[0].upper() + bed[1:], Urgency.TODAY, href=href)]
    return []


def record(case) -> dict:
    from casework.intervention.record import intervention_part

    return intervention_part(case)


def init_app(app) -> None:
    app.jinja_env.globals.update(
        intervention_roles=rules.ROLES,
        intervention_approaches=rules.APPROACHES,
        levels_of_care=rules.LEVELS_OF_CARE,
        letter_statuses=rules.LETTER_STATUSES,
        enabling_behaviours=rules.ENABLING_BEHAVIOURS,
        financial_relationships=rules.FINANCIAL_RELATIONSHIPS,
        intervention_outcomes=rules.OUTCOMES,
        arise_levels=rules.ARISE_LEVELS,
    )
    sections.register(
        app,
        sections.Section(
            name="intervention",
            tab=sections.Tab(
                "Intervention", "intervention.index", order=40, blueprint="intervention"
            ),
            facts=facts,
            steps=steps,
            record=record,
        ),
    )
