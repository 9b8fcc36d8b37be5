"""Reads of the intervention that pages of cases share: readiness facts."""

from functools import cache

from sqlalchemy import Select, and_, bindparam, exists, func, select, true

from casework.cases.models import FamilyCase
from casework.domain import intervention as rules
from casework.domain import readiness, risk
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
from casework.timeutil import utcnow


def readiness_facts(
    case_ids: list[int], *, intervention_phase_only: bool
) -> dict[int, readiness.Facts]:
    """Readiness facts of these cases, in one statement (correlated counts for
    the team, letters and rehearsal): the caseload asks it for a page of cases
    in the intervention phase, the Intervention tab for its case in any phase."""
    rows = db.session.execute(
        _facts_statement(intervention_phase_only), {"case_ids": list(case_ids)}
    )
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
def _facts_statement(intervention_phase_only: bool) -> Select:
    """Built once per process (for each kind): the case ids go in as a parameter."""
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
            FamilyCase.phase == Phase.INTERVENTION.value if intervention_phase_only else true(),
        )
    )
