"""Jinja filters and the values every page can use.

Only what belongs to no area lives here; each area adds its own labels in
its `init_app`."""

from markupsafe import Markup

from casework import markdown
from casework.domain.phases import (
    CLOSING_REASONS,
    OPEN_PHASES,
    PHASE_LABELS,
    Phase,
    progress,
)
from casework.practice_text import CRISIS_LINES, REDISCLOSURE_STATEMENT
from casework.timeutil import format_local


def register(app) -> None:
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["localdate"] = lambda v: format_local(v, "%b %-d, %Y")
    app.jinja_env.filters["phase_label"] = lambda v: PHASE_LABELS[Phase(v)] if v else ""
    app.jinja_env.filters["closing_label"] = lambda v: CLOSING_REASONS.get(v, v or "")
    # Markdown a person wrote, as clean HTML (markdown-it-py, then nh3).
    app.jinja_env.filters["user_markdown"] = lambda v: Markup(markdown.render(v))  # noqa: S704

    # Globals rather than a context processor, so imported macros see them too.
    app.jinja_env.globals.update(
        practice_name=app.config["PRACTICE_NAME"],
        practice_phone=app.config["PRACTICE_PHONE"],
        crisis_lines=CRISIS_LINES,
        redisclosure_statement=REDISCLOSURE_STATEMENT,
        open_phases=OPEN_PHASES,
        phase_progress_steps=progress,
        practice_timezone=app.config["PRACTICE_TIMEZONE"],
    )
