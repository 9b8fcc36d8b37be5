"""Follow-up after the intervention: which check-ins a pathway plans, when
each is due and when it is overdue. Plain Python: no Flask, no database.

    plan("entered_treatment", admission_day) -> [FollowUp(due, kind, window_days), ...]

Each cadence counts days after the pathway's start. A follow-up is "due"
from its day, and "overdue" once its window has passed. A change of
pathway re-plans what is still ahead from the new start (`replan`) and
keeps the follow-ups already done.
"""

from dataclasses import dataclass
from datetime import date, timedelta

PATHWAYS = {
    "entered_treatment": "Entered treatment",
    "declined": "Declined help",
    "postponed": "Postponed",
    "left_treatment_early": "Left treatment early",
    "returned_to_use": "Returned to use",
}

# Days after the start (see the module docstring for what the start is).
DEFAULT_CADENCES: dict[str, tuple[int, ...]] = {
    # start = the day of admission
    "entered_treatment": (1, 3, 7, 14, 30, 60, 90, 180, 270, 365),
    # start = the intervention day; then monthly, offering re-engagement
    "declined": (1, 3, 7, 14, 30, 60, 90, 120, 150, 180),
    # start = the intervention day; weekly until a new date is set
    "postponed": (1, 3, 7, 14, 21, 28, 35, 42, 49, 56),
    # start = the day they left
    "left_treatment_early": (0, 1, 3, 7, 14, 30, 60, 90, 180, 270, 365),
    # start = the day the return to use became known
    "returned_to_use": (0, 1, 3, 7, 14, 30, 60, 90, 180, 270, 365),
}


@dataclass(frozen=True)
class FollowUp:
    due: date
    kind: str
    window_days: int


def _kind(pathway: str, day: int) -> str:
    """What the check-in is for, in a few words."""
    if day == 0:
        return "same-day check-in"
    if pathway == "declined" and day >= 30:
        return "re-engagement offer"
    if day <= 7:
        return "early check-in"
    if day < 90:
        return "check-in"
    return "milestone check-in"


def _window(day: int) -> int:
    """How many days a follow-up may run late before it is overdue: a day in
    the first week, three in the first month, a week after that."""
    if day <= 7:
        return 1
    if day <= 30:
        return 3
    return 7


def _cadence(pathway: str, cadence: dict | None) -> tuple[int, ...]:
    if pathway not in DEFAULT_CADENCES:
        raise ValueError(f"Unknown pathway {pathway!r}; known: {', '.join(DEFAULT_CADENCES)}")
    days = (cadence or {}).get(pathway, DEFAULT_CADENCES[pathway])
    if any(not isinstance(d, int) or isinstance(d, bool) or d < 0 for d in days):
        raise ValueError(f"A cadence is whole days from 0 up, not {days!r}")
    return tuple(sorted(set(days)))


def plan(
    pathway: str,
    start: date,
    done: list[date] | None = None,
    cadence: dict | None = None,
) -> list[FollowUp]:
    """The follow-ups of `pathway` from `start`, earliest first.

    `done` holds the days of follow-ups already carried out on this pathway:
    they are kept as they were (a follow-up done on a day of the plan stands
    for it), and only the rest of the plan is returned after them. `cadence`
    is the practice's own {pathway: days} (settings), used instead of the
    defaults for the pathways it names. An unknown pathway raises ValueError.
    """
    days = _cadence(pathway, cadence)
    kept = [FollowUp(d, "done", 0) for d in sorted(done or [])]
    planned = [
        FollowUp(start + timedelta(days=day), _kind(pathway, day), _window(day)) for day in days
    ]
    if not kept:
        return planned
    last_done = kept[-1].due
    return kept + [f for f in planned if f.due > last_done]


def replan(
    new_pathway: str,
    new_start: date,
    done: list[date],
    cadence: dict | None = None,
) -> list[FollowUp]:
    """After a change of pathway: what is done stays done, and the rest comes
    from the new pathway's cadence counted from its own start."""
    return plan(new_pathway, new_start, done=done, cadence=cadence)


DUE, DUE_TODAY, OVERDUE, UPCOMING = "due", "due_today", "overdue", "upcoming"


def state(follow_up: FollowUp, today: date) -> str:
    """Where a follow-up stands on `today` (the practice's local day)."""
    if today < follow_up.due:
        return UPCOMING
    if today == follow_up.due:
        return DUE_TODAY
    if today > follow_up.due + timedelta(days=follow_up.window_days):
        return OVERDUE
    return DUE


MILESTONES = ((30, "30 days"), (60, "60 days"), (90, "90 days"), (182, "6 months"), (365, "1 year"))


def milestones(recovery_start: date | None, today: date) -> list[tuple[str, date, bool]]:
    """Each milestone of recovery with its day and whether it is reached."""
    if recovery_start is None:
        return []
    return [
        (
            label,
            recovery_start + timedelta(days=days),
            today >= recovery_start + timedelta(days=days),
        )
        for days, label in MILESTONES
    ]


# The library module each pathway's families are offered first.
PATHWAY_READING = {
    "entered_treatment": "the-first-weeks-of-treatment",
    "declined": "when-they-say-no",
    "postponed": "when-they-say-no",
    "left_treatment_early": "leaving-treatment-early",
    "returned_to_use": "return-to-use",
}


# ---- what a check-in records ----------------------------------------------------------

METHODS = {
    "phone": "Phone call",
    "video": "Video call",
    "in_person": "In person",
    "text": "Text messages",
    "email": "Email",
    "portal": "The family portal",
}

LOVED_ONE_STATUSES = {
    "in_treatment": "In treatment",
    "completed": "Completed treatment",
    "discharged_with_plan": "Discharged with a plan",
    "left_early": "Left treatment early",
    "not_in_treatment": "Not in treatment",
    "unknown": "Not known",
}

COMMITMENTS = {"yes": "Keeping them", "partly": "Partly", "no": "Not keeping them"}

SUPPORTS = {
    "al_anon": "Al-Anon",
    "nar_anon": "Nar-Anon",
    "smart_ff": "SMART Recovery Family & Friends",
    "craft_group": "A CRAFT group",
    "counselling": "Counselling",
    "other": "Other",
}

# Changes of pathway a check-in can bring, and the pathway each one starts.
SWITCHES = {
    "left_early": "left_treatment_early",
    "returned_to_use": "returned_to_use",
    "completed": "entered_treatment",  # follow-up continues from completion
}


def switch_for(loved_one_status: str | None, returned_to_use: bool) -> str | None:
    """The pathway a check-in's news starts, if it changes the pathway."""
    if returned_to_use:
        return SWITCHES["returned_to_use"]
    if loved_one_status == "left_early":
        return SWITCHES["left_early"]
    return None


def recovery_start(reports: list[tuple[date, int | None, bool]]) -> date | None:
    """The first day of the current run of recovery, from check-ins
    (held_on, days since last use, returned to use), oldest first: the newest
    report of days since use counts, and a return to use reported after it
    starts the count again only when its own days are known."""
    start = None
    for held_on, days_since_use, returned in reports:
        if days_since_use is not None:
            start = held_on - timedelta(days=days_since_use)
        elif returned:
            start = None
    return start
