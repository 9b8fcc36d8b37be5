"""Jinja filters and the values every page can use."""

from casework.assessment.summary import readable_sections
from casework.cases.models import CONCERNS, CONTACT_METHODS, STATUSES, URGENCIES
from casework.domain import instruments, risk, sessions
from casework.domain.phases import (
    CLOSING_REASONS,
    OPEN_PHASES,
    PHASE_LABELS,
    Phase,
    progress,
)
from casework.timeutil import format_local

CRISIS_LINES = (
    ("988 Suicide and Crisis Lifeline", "Call or text 988", "tel:988"),
    ("Emergency", "Call 911", "tel:911"),
    ("Poison Control", "1-800-222-1222", "tel:18002221222"),
)


def register(app) -> None:
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["localdate"] = lambda v: format_local(v, "%b %-d, %Y")
    app.jinja_env.filters["phase_label"] = lambda v: PHASE_LABELS[Phase(v)] if v else ""
    app.jinja_env.filters["concern_label"] = lambda v: CONCERNS.get(v, v)
    app.jinja_env.filters["urgency_label"] = lambda v: URGENCIES.get(v, v)
    app.jinja_env.filters["status_label"] = lambda v: STATUSES.get(v, v)
    app.jinja_env.filters["method_label"] = lambda v: CONTACT_METHODS.get(v, v)
    app.jinja_env.filters["closing_label"] = lambda v: CLOSING_REASONS.get(v, v or "")

    # Globals rather than a context processor, so imported macros see them too.
    app.jinja_env.globals.update(
        practice_name=app.config["PRACTICE_NAME"],
        practice_phone=app.config["PRACTICE_PHONE"],
        crisis_lines=CRISIS_LINES,
        open_phases=OPEN_PHASES,
        phase_progress_steps=progress,
        session_kinds=sessions.KINDS,
        session_statuses=sessions.STATUSES,
        place_labels=sessions.PLACES,
        practice_timezone=app.config["PRACTICE_TIMEZONE"],
        risk_flag_text=risk.FLAGS,
        instrument_flag_labels=instruments.FLAG_LABELS,
        readable_sections=readable_sections,
    )
