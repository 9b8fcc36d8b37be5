"""Post-intervention support's part of the case hub: the Support tab, the
earliest open follow-up as the case's next step (due, due today, overdue in
the practice's time zone), and "Follow-ups this week" on the landing page:
an interventionist's own cases, every case for a supervisor."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select

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


def _in_force(*where) -> tuple[dict[int, PathwayChange], dict[int, tuple[str, str]]]:
    """The pathway in force on each aftercare case matching `where`, and each
    case's reference and loved one's name (one statement)."""
    found: dict[int, PathwayChange] = {}
    names: dict[int, tuple[str, str]] = {}
    for change, reference, name in db.session.execute(
        select(PathwayChange, FamilyCase.reference, FamilyCase.loved_one_name)
        .join(FamilyCase, FamilyCase.id == PathwayChange.case_id)
        .where(FamilyCase.phase == Phase.AFTERCARE.value, *where)
        .order_by(PathwayChange.id)
    ):
        found[change.case_id] = change
        names[change.case_id] = (reference, name)
    return found, names


def _outlook(pathways: dict[int, PathwayChange]) -> dict[int, Facts]:
    """Each case's earliest open follow-up, from the days follow-ups were
    carried out (one statement)."""
    from casework.aftercare.service import cadence

    done: dict[int, set[date]] = {}
    for row in db.session.execute(
        select(CheckIn.case_id, CheckIn.held_on).where(
            CheckIn.case_id.in_(list(pathways)),
            (CheckIn.family_reported.is_(False)) | (CheckIn.reviewed_at.is_not(None)),
        )
    ):
        done.setdefault(row.case_id, set()).add(row.held_on)
    today = local_today()
    found = {}
    for case_id, change in pathways.items():
        plan = followups.plan(
            change.pathway, change.start, done=sorted(done.get(case_id, ())), cadence=cadence()
        )
        upcoming = next((f for f in plan if f.kind != "done"), None)
        found[case_id] = Facts(
            change.pathway, upcoming, followups.state(upcoming, today) if upcoming else None
        )
    return found


def facts(case_ids: list[int]) -> dict[int, Facts]:
    """Two statements for a page of cases: the pathways in force, and the
    days follow-ups were carried out."""
    return _outlook(_in_force(PathwayChange.case_id.in_(case_ids))[0])


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
    cases, or every case for someone who sees every case (two statements)."""
    pathways, names = _in_force(FamilyCase.status == "active", visible_cases(user))
    found = _outlook(pathways)
    horizon = local_today() + timedelta(days=7)
    items = []
    for case_id, f in found.items():
        if f.follow_up is None:
            continue
        if f.state == followups.OVERDUE or f.follow_up.due <= horizon:
            reference, name = names[case_id]
            items.append(WeekItem(reference, name, f.follow_up.due, f.state, f.pathway))
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
