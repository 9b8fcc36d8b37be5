"""Assessment's part of the case hub: the Assessment tab, the risk flags and
safety alert in the case header, safety first in the next steps, and the
safety-plan gate before the intervention."""

from flask import url_for

from casework.assessment import service
from casework.assessment.record import assessment_part
from casework.assessment.summary import readable_sections
from casework.cases import sections
from casework.domain import instruments, risk
from casework.domain.nextsteps import Step, Urgency
from casework.domain.phases import Phase, Transition


def safety_step_text(case) -> str:
    names = ", ".join(risk.FLAGS[f][0].lower() for f in risk.open_safety_flags(case.risk_flags))
    return f"{names.capitalize()} with no safety plan or review since it was raised"


def steps(case, _facts) -> list[Step]:
    # The alert is kept on the case by the service, so a page of cases costs no query.
    if not case.safety_alert or case.phase_enum is Phase.CLOSED:
        return []
    return [
        Step(
            safety_step_text(case),
            Urgency.SAFETY,
            href=url_for("assessment.safety_plan", ref=case.reference),
        )
    ]


def gate(case, transition: Transition) -> list[str]:
    """Only entering the intervention phase is gated, and only going forward."""
    if transition.dst is not Phase.INTERVENTION or transition.kind == "back":
        return []
    return risk.intervention_blockers(
        case.risk_flags or [], has_safety_plan=service.has_safety_plan(case)
    )


def init_app(app) -> None:
    app.jinja_env.globals.update(
        risk_flag_text=risk.FLAGS,
        instrument_flag_labels=instruments.FLAG_LABELS,
        readable_sections=readable_sections,
        safety_step_text=safety_step_text,
    )
    sections.register(
        app,
        sections.Section(
            name="assessment",
            tab=sections.Tab("Assessment", "assessment.overview", order=20, blueprint="assessment"),
            header="assessment/_case_header.html",
            steps=steps,
            gate=gate,
            record=assessment_part,
        ),
    )
