"""Post-intervention support's part of the case hub: the Support tab, the
earliest open follow-up as the case's next step (due, due today, overdue in
the practice's time zone), and "Follow-ups this week" on the landing page:
an interventionist's own cases, every case for a supervisor."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask import url_for
from sqlalchemy import Select, and_, bindparam, func, select

from casework.aftercare.models import CheckIn, PathwayChange
from casework.cases import sections
from casework.cases.access import visible_cases
from casework.cases.models import FamilyCase
from casework.domain import followups
from casework.domain.nextsteps import Step, Urgency
from casework.domain.phases import Phase
from casework.extensions import db
from casework.timeutil import local_today


@dataclass(frozen=True)
class Facts:
    pathway: str
    follow_up: followups.FollowUp | None  # the earliest open one
    state: str | None


@cache
def _in_force_statement() -> Select:
    """The pathway in force on aftercare cases (each case's newest change),
    with the case's reference and loved one's name, and one row for each day
    a follow-up was carried out (a family's own report counts once reviewed),
    or one row with no day. Built once, of the tables' own columns (a plain
    statement costs half what the same through the ORM's column machinery
    does); narrowed by the caller."""
    changes, cases, check_ins = PathwayChange.__table__, FamilyCase.__table__, CheckIn.__table__
    newest = changes.alias("newest")
    return (
        select(
            changes.c.case_id,
            changes.c.pathway,
            changes.c.start,
            cases.c.reference,
            cases.c.loved_one_name,
            check_ins.c.held_on,
        )
        .join(cases, cases.c.id == changes.c.case_id)
        .outerjoin(
            check_ins,
            and_(
                check_ins.c.case_id == changes.c.case_id,
                check_ins.c.family_reported.is_(False) | check_ins.c.reviewed_at.is_not(None),
            ),
        )
        .where(
            cases.c.phase == Phase.AFTERCARE.value,
            changes.c.id
            == select(func.max(newest.c.id))
            .where(newest.c.case_id == changes.c.case_id)
            .scalar_subquery(),
        )
    )


@cache
def _in_force_for_cases() -> Select:
    return _in_force_statement().where(
        FamilyCase.__table__.c.id.in_(bindparam("case_ids", expanding=True))
    )


@dataclass(frozen=True)
class _InForce:
    pathway: str
    start: date
    reference: str
    loved_one_name: str
    done: list[date]


def _in_force(statement: Select, values: dict | None = None) -> dict[int, _InForce]:
    found: dict[int, _InForce] = {}
    for row in db.session.execute(statement, values):
        case = found.get(row.case_id)
        if case is None:
            case = found[row.case_id] = _InForce(
                row.pathway, row.start, row.reference, row.loved_one_name, []
            )
        if row.held_on is not None:
            case.done.append(row.held_on)
    return found


def _outlook(pathways: dict[int, _InForce]) -> dict[int, Facts]:
    """Each case's earliest open follow-up, from the days follow-ups were carried out."""
    from casework.aftercare.service import cadence

    practice = cadence()
    today = local_today()
    found = {}
    for case_id, change in pathways.items():
        plan = followups.plan(
            change.pathway, change.start, done=sorted(change.done), cadence=practice
        )
        upcoming = next((f for f in plan if f.kind != "done"), None)
        found[case_id] = Facts(
            change.pathway, upcoming, followups.state(upcoming, today) if upcoming else None
        )
    return found


def facts(case_ids: list[int]) -> dict[int, Facts]:
    """One statement for a page of cases: the pathways in force and the days
    follow-ups were carried out."""
    if not case_ids:
        return {}
    return _outlook(_in_force(_in_force_for_cases(), {"case_ids": list(case_ids)}))


URGENCY = {
    followups.OVERDUE: Urgency.OVERDUE,
    followups.DUE_TODAY: Urgency.TODAY,
    followups.DUE: Urgency.TODAY,
    # A follow-up ahead is to be arranged by its day: dated, it comes before a
    # section's undated step of the same urgency ("schedule the next session").
    followups.UPCOMING: Urgency.TO_ARRANGE,
}


def steps(case, found: Facts | None) -> list[Step]:
    if found is None or found.follow_up is None or case.status != "active":
        return []
    due = found.follow_up.due
    words = {
        followups.OVERDUE: f"Follow-up check-in was due {due:%a %b %-d}",
        followups.DUE_TODAY: "Follow-up check-in due today",
        followups.DUE: f"Follow-up check-in due since {due:%a %b %-d}",
        followups.UPCOMING: f"Next follow-up check-in on {due:%a %b %-d}",
    }[found.state]
    return [
        Step(
            words,
            URGENCY[found.state],
            due=due,
            href=url_for("aftercare.new_check_in", ref=case.reference, due=due.isoformat()),
        )
    ]


@dataclass(frozen=True)
class WeekItem:
    reference: str
    loved_one_name: str
    due: date
    state: str
    pathway: str


def this_week(user) -> list[WeekItem]:
    """Follow-ups due in the next seven days, and any overdue: the user's own
    cases, or every case for someone who sees every case (one statement)."""
    # Narrowed here, not built once: who may see what (break-glass grants
    # running out included) is decided now, by the one access rule.
    pathways = _in_force(
        _in_force_statement().where(FamilyCase.status == "active", visible_cases(user))
    )
    horizon = local_today() + timedelta(days=7)
    items = []
    for case_id, f in _outlook(pathways).items():
        if f.follow_up is None:
            continue
        if f.state == followups.OVERDUE or f.follow_up.due <= horizon:
            case = pathways[case_id]
            items.append(
                WeekItem(case.reference, case.loved_one_name, f.follow_up.due, f.state, f.pathway)
            )
    return sorted(items, key=lambda i: (i.due, i.reference))


def record(case) -> dict:
    from casework.aftercare.record import aftercare_part

    return aftercare_part(case)


def init_app(app) -> None:
    app.jinja_env.globals.update(
        follow_up_pathways=followups.PATHWAYS,
        check_in_methods=followups.METHODS,
        loved_one_statuses=followups.LOVED_ONE_STATUSES,
        commitment_answers=followups.COMMITMENTS,
        family_supports=followups.SUPPORTS,
    )
    sections.register(
        app,
        sections.Section(
            name="aftercare",
            tab=sections.Tab("Support", "aftercare.index", order=50, blueprint="aftercare"),
            actions="aftercare/_case_actions.html",
            caseload_panel=("aftercare/_this_week.html", this_week),
            facts=facts,
            steps=steps,
            record=record,
        ),
    )
