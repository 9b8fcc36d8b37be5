"""The intervention's part of the case hub: the Intervention tab, and for a
case in the intervention phase, its first readiness blocker (or a bed hold
running out) as the next step. A page of cases costs one statement."""

from flask import url_for

from casework.cases import sections
from casework.domain import intervention as rules
from casework.domain import readiness
from casework.domain.nextsteps import Step, Urgency
from casework.intervention import queries
from casework.timeutil import format_local, local_today, to_local


def facts(case_ids: list[int]) -> dict[int, readiness.Facts]:
    """Readiness of the page's cases in the intervention phase (one statement)."""
    return queries.readiness_facts(case_ids, intervention_phase_only=True)


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
