"""Is the family ready for the intervention? Plain facts in, what is ready
and what blocks out, most important first. No Flask, no database.

The order of `CHECKS` is the order of importance: safety before everything,
then a date, the team, the letters, the treatment lined up (chosen, bed held,
insurance verified, transport), and the rehearsal last.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

# A bed held for less than this from now is a warning, then a blocker once gone.
BED_WARNING = timedelta(hours=48)


@dataclass(frozen=True)
class Facts:
    """What the case holds, as plain values."""

    now: datetime
    date_set: bool = False
    day_at: datetime | None = None  # the intervention session's start (UTC)
    chair: bool = False  # someone chairs (a member with that role, or staff named)
    speakers: int = 0  # members who speak and attend the day
    speakers_with_final_letters: int = 0
    placement_chosen: bool = False
    bed_held_until: datetime | None = None  # the chosen placement's
    bed_needed: bool = True  # outpatient care holds no bed
    insurance_verified: bool = False
    transport_set: bool = False
    rehearsal_items: int = 0
    rehearsal_ticked: int = 0
    unplanned_safety_flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    ready: bool
    detail: str = ""
    warning: bool = False  # ready, but needs watching (a bed held only a little longer)


def _safety(f: Facts) -> Item:
    if f.unplanned_safety_flags:
        names = ", ".join(f.unplanned_safety_flags)
        return Item(
            "safety",
            "Safety plan for every safety concern",
            False,
            f"No plan or review since it was raised: {names}",
        )
    return Item("safety", "Safety plan for every safety concern", True)


def _date(f: Facts) -> Item:
    if not f.date_set or f.day_at is None:
        return Item("date", "Date, time and place set", False, "Schedule the intervention session")
    return Item("date", "Date, time and place set", True)


def _team(f: Facts) -> Item:
    missing = []
    if not f.chair:
        missing.append("someone to chair")
    if f.speakers == 0:
        missing.append("at least one speaker attending")
    if missing:
        return Item(
            "team", "The team: a chair and speakers", False, "Needs " + " and ".join(missing)
        )
    return Item("team", "The team: a chair and speakers", True, f"{f.speakers} speaking")


def _letters(f: Facts) -> Item:
    if f.speakers == 0:
        return Item("letters", "Every speaker's letter final", False, "No speakers yet")
    waiting = f.speakers - f.speakers_with_final_letters
    if waiting > 0:
        return Item(
            "letters",
            "Every speaker's letter final",
            False,
            f"{waiting} of {f.speakers} letters not final",
        )
    return Item("letters", "Every speaker's letter final", True)


def _placement(f: Facts) -> Item:
    if not f.placement_chosen:
        return Item("placement", "Treatment chosen", False, "Choose a placement for the day")
    return Item("placement", "Treatment chosen", True)


def _bed(f: Facts) -> Item:
    label = "Bed held through the day"
    if not f.placement_chosen:
        return Item("bed", label, False, "No placement chosen")
    if not f.bed_needed:
        return Item("bed", label, True, "No bed needed for this level of care")
    if f.bed_held_until is None:
        return Item("bed", label, False, "No bed held")
    if f.bed_held_until <= f.now:
        return Item("bed", label, False, "The hold has run out")
    if f.day_at is not None and f.bed_held_until < f.day_at:
        return Item("bed", label, False, "The hold ends before the day")
    if f.bed_held_until - f.now <= BED_WARNING:
        return Item("bed", label, True, "The hold ends within 48 hours", warning=True)
    return Item("bed", label, True)


def _insurance(f: Facts) -> Item:
    label = "Insurance verified"
    if not f.placement_chosen:
        return Item("insurance", label, False, "No placement chosen")
    if not f.insurance_verified:
        return Item("insurance", label, False, "Verify the insurance with the placement")
    return Item("insurance", label, True)


def _transport(f: Facts) -> Item:
    if not f.transport_set:
        return Item("transport", "Transport and companion", False, "Say who drives and who goes")
    return Item("transport", "Transport and companion", True)


def _rehearsal(f: Facts) -> Item:
    label = "Rehearsal checklist done"
    if f.rehearsal_items == 0:
        return Item("rehearsal", label, False, "No checklist")
    left = f.rehearsal_items - f.rehearsal_ticked
    if left > 0:
        return Item("rehearsal", label, False, f"{left} of {f.rehearsal_items} items to go")
    return Item("rehearsal", label, True)


CHECKS = (_safety, _date, _team, _letters, _placement, _bed, _insurance, _transport, _rehearsal)


@dataclass(frozen=True)
class Readiness:
    items: list[Item]

    @property
    def blockers(self) -> list[Item]:
        return [i for i in self.items if not i.ready]

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def warnings(self) -> list[Item]:
        return [i for i in self.items if i.ready and i.warning]

    @property
    def first_blocker(self) -> Item | None:
        blockers = self.blockers
        return blockers[0] if blockers else None


def assess(facts: Facts) -> Readiness:
    """Every check, in order of importance."""
    return Readiness([check(facts) for check in CHECKS])


def early_outcome_needs_reason(day_at: datetime | None, recorded_at: datetime) -> bool:
    """An outcome recorded before the planned day needs a reason."""
    return day_at is None or recorded_at < day_at
