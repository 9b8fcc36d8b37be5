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
    """Built once per process (for each kind), of the tables' own columns (a
    plain statement, which costs half what the same through the ORM's column
    machinery does): the case ids go in as a parameter."""
    cases, members, letters = FamilyCase.__table__, TeamMember.__table__, Letter.__table__
    items_, ticks, plans = (
        RehearsalItem.__table__,
        RehearsalTick.__table__,
        InterventionPlan.__table__,
    )
    sessions, placements = CaseSession.__table__, Placement.__table__
    member = and_(members.c.case_id == cases.c.id, members.c.archived_at.is_(None))
    speaking = and_(
        member, members.c.role.in_(rules.SPEAKING_ROLES), members.c.attends_day.is_(True)
    )
    speakers = select(func.count()).where(speaking).correlate(cases).scalar_subquery()
    final_letters = (
        select(func.count())
        .select_from(members)
        .join(letters, letters.c.member_id == members.c.id)
        .where(speaking, letters.c.status == "final")
        .correlate(cases)
        .scalar_subquery()
    )
    member_chair = exists().where(member, members.c.role == "chair").correlate(cases)
    items = select(func.count()).where(items_.c.active.is_(True)).scalar_subquery()
    ticked = (
        select(func.count())
        .select_from(ticks)
        .join(items_, items_.c.id == ticks.c.item_id)
        .where(ticks.c.case_id == cases.c.id, items_.c.active.is_(True))
        .correlate(cases)
        .scalar_subquery()
    )
    return (
        select(
            cases.c.id,
            cases.c.safety_alert,
            cases.c.risk_flags,
            sessions.c.starts_at,
            plans.c.chair_user_id,
            member_chair.label("member_chair"),
            speakers.label("speakers"),
            final_letters.label("final_letters"),
            placements.c.id.label("placement_id"),
            placements.c.level,
            placements.c.bed_held_until,
            placements.c.insurance_verified_by,
            placements.c.insurance_verified_on,
            placements.c.transport_driver,
            placements.c.transport_companion,
            items.label("items"),
            ticked.label("ticked"),
        )
        .outerjoin(plans, plans.c.case_id == cases.c.id)
        .outerjoin(
            sessions,
            and_(sessions.c.id == plans.c.session_id, sessions.c.status != "cancelled"),
        )
        .outerjoin(
            placements, and_(placements.c.case_id == cases.c.id, placements.c.chosen.is_(True))
        )
        .where(
            cases.c.id.in_(bindparam("case_ids", expanding=True)),
            cases.c.phase == Phase.INTERVENTION.value if intervention_phase_only else true(),
        )
    )
