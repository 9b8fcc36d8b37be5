"""The hub's own section: the Overview tab, a case on hold, the phase's usual
work, and the labels of a case's own fields."""

from markupsafe import Markup, escape

from casework.cases import sections
from casework.cases.models import CONCERNS, CONTACT_METHODS, STATUSES, URGENCIES
from casework.cases.record import case_part
from casework.domain.nextsteps import Step, Urgency
from casework.domain.phases import NEXT_STEPS, Phase

# A safety or overdue step is marked in words, never by colour alone.
STEP_LABELS = {"SAFETY": "Safety first", "OVERDUE": "Overdue"}


def step_html(step: Step) -> Markup:
    """A proposed next step as HTML (the `step_text` macro's markup, written
    here once: a page of cases shows one per row, and a macro call, or
    Markup.format, costs several times more than joining escaped strings)."""
    text = escape(step.text)
    if step.href:
        text = f'<a href="{escape(step.href)}">{text}</a>'
    label = STEP_LABELS.get(step.urgency.name)
    marked = f'<strong class="step-label">{label}</strong> ' if label else ""
    css = escape(step.urgency.css)
    return Markup(f'<span class="next-step next-step-{css}">{marked}{text}</span>')  # noqa: S704


def steps(case, _facts) -> list[Step]:
    if case.phase_enum is Phase.CLOSED:
        return [Step(NEXT_STEPS[Phase.CLOSED], Urgency.ROUTINE)]
    if case.status == "on_hold":
        return [Step("On hold: check in with the family when the hold ends", Urgency.TO_ARRANGE)]
    return [Step(NEXT_STEPS[case.phase_enum], Urgency.ROUTINE)]


def init_app(app) -> None:
    # Asked at render time, so areas registered after the hub are included.
    app.jinja_env.globals.update(
        case_tabs=sections.tabs,
        case_section_headers=sections.headers,
        case_section_actions=sections.actions,
        step_html=step_html,
    )
    app.jinja_env.filters.update(
        concern_label=lambda v: CONCERNS.get(v, v),
        urgency_label=lambda v: URGENCIES.get(v, v),
        status_label=lambda v: STATUSES.get(v, v),
        method_label=lambda v: CONTACT_METHODS.get(v, v),
    )
    sections.register(
        app,
        sections.Section(
            name="case",
            tab=sections.Tab("Overview", "cases.overview", order=0),
            steps=steps,
            record=case_part,
        ),
    )
