"""The case as a hub: each area plugs in a section.

A section says what it adds to a case: its tab, what it shows in the case
header, the facts it reports for a page of cases (one query each), the next
steps it proposes from those facts, and any gate it puts on a phase change.
The caseload, the case header and the phase page ask the sections; the hub
knows no area by name. An area registers itself in one line:

    sections.register(app, Section(name="scheduling", tab=Tab(...), ...))
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request

from casework.domain import nextsteps, phases
from casework.domain.nextsteps import Step


@dataclass(frozen=True)
class Tab:
    label: str
    endpoint: str  # takes the case reference as `ref`
    order: int
    # Every page of this blueprint lights the tab (a session page lights "Sessions").
    blueprint: str | None = None
    # case -> a number shown beside the label (unread messages), 0 for none; a
    # count only, since the tab bar is on every case page.
    count: Callable[[Any], int] | None = None

    def is_current(self) -> bool:
        return request.endpoint == self.endpoint or (
            self.blueprint is not None and request.blueprint == self.blueprint
        )


@dataclass(frozen=True)
class Mark:
    """What one area says beside another area's record (a held session's note
    status on the Sessions tab and the timeline)."""

    text: str
    href: str | None = None
    tone: str = ""  # a badge kind: "", "accent", "muted", "warn"


@dataclass(frozen=True)
class Section:
    name: str
    tab: Tab | None = None
    # A template included in the case header, given `case`.
    header: str | None = None
    # A template included in the overview's summary, given `case` and `facts`.
    overview: str | None = None
    # A template included among the case's action buttons, given `case`.
    actions: str | None = None
    # A panel on the caseload: (template, user -> what the template shows as `data`).
    caseload_panel: tuple[str, Callable[[Any], Any]] | None = None
    # case ids -> {case id: facts}; one query for each kind of fact.
    facts: Callable[[list[int]], dict[int, Any]] | None = None
    # (case, this section's facts for it or None) -> steps it proposes.
    steps: Callable[[Any, Any], Iterable[Step]] | None = None
    # (case, phases.Transition) -> why the move may not happen (empty: it may).
    gate: Callable[[Any, phases.Transition], list[str]] | None = None
    # (kind of record, ids) -> {id: [Mark]}, one query: what this area says
    # beside records of that kind ("CaseSession", "Note", ...) wherever they are listed.
    marks: Callable[[Any, str, list[int]], dict[int, list[Mark]]] | None = None
    # case -> this area's part of the case record export (plain JSON data).
    record: Callable[[Any], dict] | None = None
    # (case, its previous lead, previous co-interventionist or None), after a
    # reassignment: hand the area's open work (scheduled sessions) to the
    # case's people, and audit it.
    reassigned: Callable[[Any, Any, Any], None] | None = None


@dataclass
class Registry:
    sections: list[Section] = field(default_factory=list)

    def add(self, section: Section) -> None:
        if any(s.name == section.name for s in self.sections):
            raise ValueError(f"A case section named {section.name!r} is registered already.")
        self.sections.append(section)


def register(app, section: Section) -> None:
    app.extensions.setdefault("case_sections", Registry()).add(section)


def all_sections() -> list[Section]:
    return current_app.extensions["case_sections"].sections


def tabs() -> list[Tab]:
    return sorted((s.tab for s in all_sections() if s.tab), key=lambda t: t.order)


def headers() -> list[str]:
    return [s.header for s in all_sections() if s.header]


def overviews() -> list[Section]:
    return [s for s in all_sections() if s.overview]


def caseload_panels(user) -> list[tuple[str, Any]]:
    return [
        (s.caseload_panel[0], s.caseload_panel[1](user)) for s in all_sections() if s.caseload_panel
    ]


def marks(case, kind: str, ids: list[int]) -> dict[int, list[Mark]]:
    """Every section's marks for these records of the case."""
    found: dict[int, list[Mark]] = {}
    if not ids:
        return found
    for section in all_sections():
        if section.marks is not None:
            for record_id, said in section.marks(case, kind, ids).items():
                found.setdefault(record_id, []).extend(said)
    return found


def record_parts(case) -> dict[str, dict]:
    """Each section's part of the case record, by section name."""
    return {s.name: s.record(case) for s in all_sections() if s.record is not None}


def reassigned(case, old_lead, old_co) -> None:
    """Tell every section the case has new people."""
    for section in all_sections():
        if section.reassigned is not None:
            section.reassigned(case, old_lead, old_co)


def actions() -> list[str]:
    return [s.actions for s in all_sections() if s.actions]


@dataclass(frozen=True)
class Outlook:
    """What the sections know of a page of cases."""

    facts: dict[str, dict[int, Any]]

    def steps(self, case) -> list[Step]:
        proposed: list[Step] = []
        for section in all_sections():
            if section.steps is not None:
                mine = self.facts.get(section.name, {}).get(case.id)
                proposed.extend(section.steps(case, mine))
        return nextsteps.rank(proposed)

    def next_step(self, case) -> Step | None:
        steps = self.steps(case)
        return steps[0] if steps else None

    def of(self, section: str, case_id: int) -> Any:
        return self.facts.get(section, {}).get(case_id)


def outlook(cases) -> Outlook:
    ids = [c.id for c in cases]
    return Outlook(
        {s.name: s.facts(ids) if ids else {} for s in all_sections() if s.facts is not None}
    )


def blockers(case, transition: phases.Transition) -> list[str]:
    """Every gate's objection to this phase change."""
    found: list[str] = []
    for section in all_sections():
        if section.gate is not None:
            found.extend(section.gate(case, transition))
    return found


def forward_blockers(case) -> list[str]:
    """What would stop the next move forward, to say so before anyone tries."""
    target = phases.next_phase(case.phase)
    if target is None:
        return []
    return blockers(case, phases.Transition(case.phase_enum, target, "forward", ""))
