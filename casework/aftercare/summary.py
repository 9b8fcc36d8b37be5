"""The aftercare summary: how post-intervention support went, as plain data
for `render_pdf("aftercare_summary.html", ...)`, offered when the case closes.

It says the intervention's outcome, each pathway the follow-up took and why,
the check-ins kept against those planned, the first and last BARC-10 (the
loved one) and WHO-5 (each family member), and the milestones of recovery
reached. Facts only: no narrative and nothing from the notes.

Check-ins kept against planned: each pathway plans its follow-ups from its
own start until the next pathway starts (domain.followups.plan). A planned
follow-up counts once it is due by the summary's last day (the day the case
closed, or today) and either was kept (a check-in done within its window,
each check-in standing for one follow-up) or its window has passed. One
still inside its window and not yet done is not counted either way.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from casework.aftercare import service
from casework.assessment.models import Screening
from casework.cases.models import PhaseChange
from casework.domain import followups
from casework.domain.intervention import OUTCOMES
from casework.domain.phases import CLOSING_REASONS, Phase
from casework.extensions import db
from casework.timeutil import format_local, local_today, to_local

ON = "%b %-d, %Y"
MEASURES = {"BARC-10": "Recovery capital (BARC-10)", "WHO-5": "Wellbeing (WHO-5)"}


@dataclass(frozen=True)
class Kept:
    kept: int
    planned: int
    missed: list[date]


def kept_against_planned(
    pathways: list[tuple[str, date]],
    done: list[date],
    last_day: date,
    cadence: dict | None = None,
) -> Kept:
    """Follow-ups kept against those planned (see the module docstring).

    `pathways` holds (pathway, start) in the order they came into force;
    `done` the days check-ins were carried out. Plain Python, no database."""
    due: list[followups.FollowUp] = []
    for n, (pathway, start) in enumerate(pathways):
        until = pathways[n + 1][1] if n + 1 < len(pathways) else None
        for f in followups.plan(pathway, start, cadence=cadence):
            if until is not None and f.due >= until:
                break
            if f.due <= last_day:
                due.append(f)
    unused = sorted(d for d in done if d <= last_day)
    kept, missed = 0, []
    for f in sorted(due, key=lambda f: f.due):
        # The earliest check-in not yet counted, from the day before it was due
        # to the end of its window.
        match = next(
            (
                d
                for d in unused
                if f.due - timedelta(days=1) <= d <= f.due + timedelta(f.window_days)
            ),
            None,
        )
        if match is not None:
            unused.remove(match)
            kept += 1
        elif followups.state(f, last_day) == followups.OVERDUE:
            missed.append(f.due)
    return Kept(kept, kept + len(missed), missed)


def _closed_on(case) -> date | None:
    if case.phase != Phase.CLOSED.value:
        return None
    closed_at = db.session.scalar(
        select(PhaseChange.changed_at)
        .where(PhaseChange.case_id == case.id, PhaseChange.to_phase == Phase.CLOSED.value)
        .order_by(PhaseChange.id.desc())
        .limit(1)
    )
    return to_local(closed_at).date() if closed_at is not None else None


def _outcome(case) -> dict | None:
    from casework.intervention.service import plan_for

    plan = plan_for(case)
    if plan is None or plan.outcome is None:
        return None
    return {
        "label": OUTCOMES.get(plan.outcome, plan.outcome),
        "on": format_local(plan.outcome_at, ON) if plan.outcome_at else "",
        "detail": plan.outcome_detail or "",
        "admitted": format_local(plan.admitted_at, ON) if plan.admitted_at else "",
    }


def _measures(case) -> list[dict]:
    """First and last of each measure, per person who answered it."""
    rows = db.session.scalars(
        select(Screening)
        .where(Screening.case_id == case.id, Screening.code.in_(tuple(MEASURES)))
        .order_by(Screening.administered_on, Screening.id)
    ).all()
    contacts = {c.id: c for c in case.contacts}
    grouped: dict[tuple[str, int | None], list[Screening]] = {}
    for s in rows:
        grouped.setdefault((s.code, s.contact_id), []).append(s)
    out = []
    for (code, contact_id), items in sorted(
        grouped.items(), key=lambda kv: (list(MEASURES).index(kv[0][0]), kv[0][1] or 0)
    ):
        contact = contacts.get(contact_id)
        who = (
            f"{contact.name} ({contact.relationship_to_loved_one})"
            if contact is not None
            else case.loved_one_name
        )
        first, last = items[0], items[-1]
        out.append(
            {
                "measure": MEASURES[code],
                "code": code,
                "who": who,
                "count": len(items),
                "first": {
                    "on": first.administered_on.strftime(ON),
                    "total": first.total,
                    "band": first.band,
                },
                "last": {
                    "on": last.administered_on.strftime(ON),
                    "total": last.total,
                    "band": last.band,
                },
                "change": last.total - first.total,
            }
        )
    return out


def summary_context(case, practice: dict) -> dict:
    """Plain data for templates/print/aftercare_summary.html."""
    history = service.pathway_history(case)
    items = service.check_ins(case)
    closed_on = _closed_on(case)
    last_day = closed_on or local_today()
    done = service.done_days(items)
    kept = kept_against_planned(
        [(p.pathway, p.start) for p in history], done, last_day, service.cadence()
    )
    start = service.recovery_start(items)
    reached = [
        {"label": label, "on": day.strftime(ON)}
        for label, day, ok in followups.milestones(start, last_day)
        if ok
    ]
    ahead = [
        {"label": label, "on": day.strftime(ON)}
        for label, day, ok in followups.milestones(start, last_day)
        if not ok
    ]
    return {
        "practice": practice["name"],
        "reference": case.reference,
        "loved_one": case.loved_one_name,
        "printed_on": local_today().strftime(ON),
        "status": (
            f"Closed on {closed_on.strftime(ON)}"
            + (
                f": {CLOSING_REASONS.get(case.closing_reason, case.closing_reason)}"
                if case.closing_reason
                else ""
            )
            if closed_on
            else "Open: post-intervention support continues"
        ),
        "last_day": last_day.strftime(ON),
        "outcome": _outcome(case),
        "pathways": [
            {
                "label": followups.PATHWAYS.get(p.pathway, p.pathway),
                "from": p.start.strftime(ON),
                "until": history[n + 1].start.strftime(ON) if n + 1 < len(history) else "",
                "reason": p.reason,
            }
            for n, p in enumerate(history)
        ],
        "kept": kept.kept,
        "planned": kept.planned,
        "missed": [d.strftime(ON) for d in kept.missed],
        "check_ins": [
            {
                "on": c.held_on.strftime(ON),
                "how": followups.METHODS.get(c.method, c.method),
                "status": followups.LOVED_ONE_STATUSES.get(c.loved_one_status or "", ""),
                "returned_to_use": c.returned_to_use,
                "by_family": c.family_reported,
            }
            for c in items
            if not c.family_reported or c.reviewed_at is not None
        ],
        "measures": _measures(case),
        "recovery_start": start.strftime(ON) if start else "",
        "days_in_recovery": (last_day - start).days if start and start <= last_day else None,
        "milestones": reached,
        "milestones_ahead": ahead,
    }
