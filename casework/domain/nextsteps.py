"""What to do next on a case: each section proposes steps, this ranks them.

Plain Python. Safety comes first, then anything overdue, then what is due
today, then what needs booking, then what is already booked, and last the
phase's usual hint. Within a tier the earlier due date wins, then the order
the steps were proposed in.
"""

from dataclasses import dataclass
from datetime import date
from enum import IntEnum


class Urgency(IntEnum):
    SAFETY = 0  # an open safety concern with no plan: nobody may miss it
    OVERDUE = 1  # something promised is late (reading, a follow-up, a note)
    TODAY = 2  # happens or is due today
    TO_ARRANGE = 3  # nothing is booked: someone has to act
    BOOKED = 4  # the next thing is in the diary
    ROUTINE = 5  # the phase's usual work

    @property
    def css(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class Step:
    text: str
    urgency: Urgency
    due: date | None = None
    href: str | None = None  # where the step is done, when a page does it


def rank(steps: list[Step]) -> list[Step]:
    """The steps most urgent first (a stable sort: ties keep their order)."""
    return sorted(steps, key=lambda s: (s.urgency, s.due or date.max))


def first(steps: list[Step]) -> Step | None:
    ranked = rank(steps)
    return ranked[0] if ranked else None
