"""The case's phase state machine.

Open phases run in order. A case moves forward one phase at a time, back one
phase with a reason, closes from any open phase with a closing reason, and
reopens into the phase it was closed from.
"""

from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    SCHEDULING = "scheduling"
    ASSESSMENT = "assessment"
    EDUCATION = "education"
    INTERVENTION = "intervention"
    AFTERCARE = "aftercare"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASE_LABELS = {
    Phase.SCHEDULING: "Scheduling",
    Phase.ASSESSMENT: "Assessment",
    Phase.EDUCATION: "Family education",
    Phase.INTERVENTION: "Intervention",
    Phase.AFTERCARE: "Post-intervention support",
    Phase.CLOSED: "Closed",
}

OPEN_PHASES: tuple[Phase, ...] = (
    Phase.SCHEDULING,
    Phase.ASSESSMENT,
    Phase.EDUCATION,
    Phase.INTERVENTION,
    Phase.AFTERCARE,
)

CLOSING_REASONS = {
    "completed": "Completed",
    "declined_services": "Declined services",
    "unreachable": "Unreachable",
    "referred_elsewhere": "Referred elsewhere",
    # Closing well after post-intervention support.
    "aftercare_completed": "Aftercare completed",
    "lost_to_follow_up": "Lost to follow-up",
    "declined_further_contact": "Declined further contact",
    "referred_on": "Referred on",
    "other": "Other",
}

# What an interventionist usually does next in each phase.
NEXT_STEPS = {
    Phase.SCHEDULING: "Hold the first call and book the assessment",
    Phase.ASSESSMENT: "Complete the assessment and screenings",
    Phase.EDUCATION: "Work through the family's reading and letters",
    Phase.INTERVENTION: "Confirm the team, treatment and rehearsal",
    Phase.AFTERCARE: "Keep the follow-up check-ins on schedule",
    Phase.CLOSED: "Nothing: the case is closed",
}


class TransitionError(ValueError):
    """A phase change the rules do not allow, with a message for the user."""


@dataclass(frozen=True)
class Transition:
    src: Phase
    dst: Phase
    kind: str  # forward, back, close, reopen
    reason: str


def _index(phase: Phase) -> int:
    return OPEN_PHASES.index(phase)


def next_phase(phase: Phase | str) -> Phase | None:
    phase = Phase(phase)
    if phase is Phase.CLOSED or phase is OPEN_PHASES[-1]:
        return None
    return OPEN_PHASES[_index(phase) + 1]


def previous_phase(phase: Phase | str) -> Phase | None:
    phase = Phase(phase)
    if phase is Phase.CLOSED or phase is OPEN_PHASES[0]:
        return None
    return OPEN_PHASES[_index(phase) - 1]


def can_transition(
    src: Phase | str, dst: Phase | str, *, closed_from: Phase | str | None = None
) -> bool:
    """Whether the rules allow moving a case from src to dst.

    A closed case may reopen into an open phase; when the phase it was closed
    from is known, only into that one.
    """
    try:
        src, dst = Phase(src), Phase(dst)
    except ValueError:
        return False
    if src is dst:
        return False
    if src is Phase.CLOSED:
        return dst in OPEN_PHASES and (closed_from is None or Phase(closed_from) is dst)
    if dst is Phase.CLOSED:
        return True
    return abs(_index(dst) - _index(src)) == 1


def plan(
    src: Phase | str,
    dst: Phase | str,
    *,
    reason: str = "",
    closing_reason: str | None = None,
    closed_from: Phase | str | None = None,
) -> Transition:
    """Check a requested change and say what kind it is, or raise TransitionError."""
    try:
        src, dst = Phase(src), Phase(dst)
    except ValueError as exc:
        raise TransitionError("That is not a phase.") from exc
    reason = (reason or "").strip()
    if not can_transition(src, dst, closed_from=closed_from):
        if src is Phase.CLOSED and closed_from:
            raise TransitionError(
                f"A closed case reopens into the phase it was closed from "
                f"({Phase(closed_from).label})."
            )
        raise TransitionError(f"A case cannot move from {src.label} to {dst.label}.")
    if dst is Phase.CLOSED:
        if closing_reason not in CLOSING_REASONS:
            raise TransitionError("Choose why the case is closing.")
        if closing_reason == "other" and not reason:
            raise TransitionError("Say why the case is closing.")
        return Transition(src, dst, "close", reason)
    if src is Phase.CLOSED:
        if not reason:
            raise TransitionError("Say why the case is being reopened.")
        return Transition(src, dst, "reopen", reason)
    if _index(dst) < _index(src):
        if not reason:
            raise TransitionError("Moving a case back needs a reason.")
        return Transition(src, dst, "back", reason)
    return Transition(src, dst, "forward", reason)


def progress(phase: Phase | str, closed_from: Phase | str | None = None) -> list[tuple[Phase, str]]:
    """Each open phase with its state for a progress bar: done, current or todo.

    A closed case shows the phases it went through as done.
    """
    phase = Phase(phase)
    reached = Phase(closed_from) if phase is Phase.CLOSED and closed_from else phase
    steps = []
    for step in OPEN_PHASES:
        if phase is Phase.CLOSED:
            state = (
                "done"
                if reached is not Phase.CLOSED and _index(step) <= _index(reached)
                else "todo"
            )
        elif step is phase:
            state = "current"
        else:
            state = "done" if _index(step) < _index(phase) else "todo"
        steps.append((step, state))
    return steps
