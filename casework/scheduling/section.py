"""Scheduling's part of the case hub: the Sessions tab, each case's next
session, and what to book when nothing is booked."""

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import select

from casework.audit.models import Action
from casework.audit.service import record
from casework.cases import sections
from casework.domain import sessions
from casework.domain.nextsteps import Step, Urgency
from casework.domain.phases import Phase
from casework.extensions import db
from casework.scheduling import queries
from casework.scheduling.models import CaseSession
from casework.scheduling.record import sessions_part
from casework.timeutil import local_today, to_local


@dataclass(frozen=True)
class Facts:
    next_session: CaseSession | None = None
    held: set[str] = field(default_factory=set)


def facts(case_ids: list[int]) -> dict[int, Facts]:
    upcoming = queries.next_sessions(case_ids)
    held = queries.held_kinds(case_ids)
    return {i: Facts(upcoming.get(i), held.get(i, set())) for i in case_ids}


def _still_to_hold(case, held: set[str]) -> str | None:
    """The first session of the work that has not been held yet."""
    phase = case.phase_enum
    if phase is Phase.SCHEDULING and "first_call" not in held:
        return "first_call"
    if phase in (Phase.SCHEDULING, Phase.ASSESSMENT) and "assessment_interview" not in held:
        return "assessment_interview"
    return None


def steps(case, found: Facts | None) -> list[Step]:
    if case.status != "active":
        return []
    found = found or Facts()
    upcoming = found.next_session
    if upcoming is not None:
        local = to_local(upcoming.starts_at)
        today = local.date() == local_today()
        when = f"today at {local:%-I:%M %p}" if today else f"on {local:%a %-d %b}"
        return [
            Step(
                f"{sessions.KINDS.get(upcoming.kind, upcoming.title)} {when}",
                Urgency.TODAY if today else Urgency.BOOKED,
                due=local.date(),
                href=url_for("scheduling.detail", ref=case.reference, session_id=upcoming.id),
            )
        ]
    text = "Schedule the next session"
    if kind := _still_to_hold(case, found.held):
        text += f": the {sessions.KINDS[kind].lower()}"
    return [Step(text, Urgency.TO_ARRANGE, href=url_for("scheduling.new", ref=case.reference))]


def reassigned(case, old_lead, old_co) -> None:
    """Sessions still to hold go with the case: one led by someone no longer
    on it is now led by the new lead (whose calendar and feed it joins; it
    leaves the old lead's, who can no longer open it)."""
    on_case = {case.interventionist_id, case.co_interventionist_id}
    moving = db.session.scalars(
        select(CaseSession).where(
            CaseSession.case_id == case.id,
            CaseSession.status == "scheduled",
            CaseSession.lead_id.not_in([i for i in on_case if i is not None]),
        )
    ).all()
    for session in moving:
        session.lead_id = case.interventionist_id
        session.lead = case.interventionist
    if moving:
        record(
            Action.UPDATE,
            case=case,
            object_type="CaseSession",
            summary=f"{len(moving)} scheduled session{'s' if len(moving) != 1 else ''} "
            f"moved to {case.interventionist.name} on reassignment",
        )


def init_app(app) -> None:
    app.jinja_env.globals.update(
        session_kinds=sessions.KINDS,
        session_statuses=sessions.STATUSES,
        place_labels=sessions.PLACES,
        video_link=sessions.video_link,
    )
    sections.register(
        app,
        sections.Section(
            name="scheduling",
            tab=sections.Tab("Sessions", "scheduling.index", order=10, blueprint="scheduling"),
            overview="scheduling/_case_overview.html",
            actions="scheduling/_case_actions.html",
            caseload_panel=(
                "scheduling/_week_ahead.html",
                queries.week_ahead,
            ),
            facts=facts,
            steps=steps,
            record=sessions_part,
            reassigned=reassigned,
        ),
    )
