"""Scheduling's part of the case hub: the Sessions tab, each case's next
session, and what to book when nothing is booked."""

from dataclasses import dataclass, field

from flask import url_for

from casework.cases import sections
from casework.domain import sessions
from casework.domain.nextsteps import Step, Urgency
from casework.domain.phases import Phase
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


def init_app(app) -> None:
    app.jinja_env.globals.update(
        session_kinds=sessions.KINDS,
        session_statuses=sessions.STATUSES,
        place_labels=sessions.PLACES,
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
                lambda user: queries.week_ahead(user.id),
            ),
            facts=facts,
            steps=steps,
            record=sessions_part,
        ),
    )
