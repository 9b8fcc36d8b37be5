"""The supervisor's view of the practice: when a case has stalled in its
phase. Plain Python: no Flask, no database.

A case has stalled when it has been in its phase more than STALL_FACTOR
times the practice's median for that phase (over the open cases in it now),
and at least STALL_MINIMUM_DAYS: a practice whose cases all moved this week
has a median of a day or two, and three days in a phase is no stall.
"""

from collections.abc import Iterable
from statistics import median

from casework.domain.phases import OPEN_PHASES

STALL_FACTOR = 2
STALL_MINIMUM_DAYS = 14


def stall_threshold(median_days: float) -> float:
    """Days in the phase beyond which a case has stalled."""
    return max(STALL_FACTOR * median_days, STALL_MINIMUM_DAYS)


def has_stalled(days_in_phase: float, median_days: float) -> bool:
    return days_in_phase > stall_threshold(median_days)


def phase_medians(days_by_phase: Iterable[tuple[str, float]]) -> dict[str, float]:
    """The median of the days in phase for each phase, from (phase, days) pairs."""
    grouped: dict[str, list[float]] = {}
    for phase, days in days_by_phase:
        grouped.setdefault(phase, []).append(days)
    return {phase: median(values) for phase, values in grouped.items()}


def phase_mix(counts: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Counts per open phase in the phases' order, zero where none."""
    found = dict(counts)
    return {phase.value: found.get(phase.value, 0) for phase in OPEN_PHASES}
