"""Rules for the sessions a case is carried through. Plain Python."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

MIN_MINUTES = 15
MAX_MINUTES = 12 * 60

# How far from today a session may be booked or recorded (and the calendar
# shows): wider than any real practice's work, narrow enough that a typed
# year like 0001 or 9999 is refused with a message rather than breaking the
# arithmetic on dates and time zones.
YEARS_BACK = 10
YEARS_AHEAD = 5

KINDS = {
    "first_call": "First call",
    "assessment_interview": "Assessment interview",
    "family_education": "Family education",
    "rehearsal": "Rehearsal",
    "intervention": "Intervention",
    "follow_up": "Follow-up",
    "family_support": "Family support",
    "other": "Other",
}

STATUSES = {
    "scheduled": "Scheduled",
    "held": "Held",
    "cancelled": "Cancelled",
    "no_show": "No-show",
}

PLACES = {"in_person": "In person", "video": "Video call", "phone": "Phone call"}

# The session a case in each phase usually needs next: the schedule form's default.
KIND_FOR_PHASE = {
    "scheduling": "first_call",
    "assessment": "assessment_interview",
    "education": "family_education",
    "intervention": "rehearsal",
    "aftercare": "follow_up",
    "closed": "other",
}


def default_kind(phase: str) -> str:
    return KIND_FOR_PHASE.get(phase, "other")


def video_link(place_kind: str, place: str | None) -> str | None:
    """The address to join a video call, when the place typed is a web
    address (http or https only: never a script or another scheme)."""
    if place_kind != "video" or not place:
        return None
    address = place.strip()
    scheme, _, rest = address.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or any(c.isspace() for c in address):
        return None
    return address

# What each kind of session is for, in the family's words (printed on handouts).
PURPOSE = {
    "first_call": "We get to know your family, hear what is happening, and talk about how "
    "we can help.",
    "assessment_interview": "We learn about your loved one's health, substance use and "
    "history, and about your family, so that the plan fits your situation.",
    "family_education": "Your family learns together about addiction, recovery and how to "
    "help without enabling. Questions are welcome.",
    "rehearsal": "The team practises the intervention: the order of speaking, reading the "
    "letters aloud, and what to do if things do not go to plan.",
    "intervention": "The family meets with your loved one, shares their letters with love, "
    "and offers the treatment that is ready and waiting.",
    "follow_up": "We check in on how everyone is doing and plan the next steps together.",
    "family_support": "A session for the family's own recovery: boundaries, self-care and "
    "support for the road ahead.",
    "other": "A session with your interventionist.",
}

BRING = {
    "first_call": [
        "A few notes on what has been happening and when it started",
        "Any questions you want to ask",
    ],
    "assessment_interview": [
        "Names and doses of your loved one's medications, if you know them",
        "Details of any past treatment: where, when, and how it ended",
        "Insurance card or member number, if your loved one is covered",
    ],
    "family_education": ["The reading your interventionist shared with you", "A notebook and pen"],
    "rehearsal": [
        "Your letter, printed or handwritten",
        "Your bottom line, kept private",
        "Your calendar, to confirm the day of the intervention",
    ],
    "intervention": ["Your letter", "Phones on silent"],
    "follow_up": ["Notes on how things have gone since we last spoke"],
    "family_support": ["Anything you want to talk through"],
    "other": [],
}


# Practical words that depend on where the session happens; a family on a video
# call must not be told to park out of sight. Keyed by (kind, place) first,
# then by place alone.
GETTING_THERE = {
    ("intervention", "in_person"): "Arrive 30 minutes early and park out of sight",
    ("intervention", "video"): "Join the call 30 minutes early from a quiet, private room, "
    "with your camera and sound tested",
    ("intervention", "phone"): "Be ready 30 minutes early somewhere quiet and private, "
    "with your phone charged",
    "in_person": "Arrive a few minutes early",
    "video": "Open the link a few minutes early and check your camera and sound",
    "phone": "Be somewhere quiet and private, with your phone charged",
}


def bring_list(kind: str, place_kind: str) -> list[str]:
    """What a handout tells the family to bring or prepare for this kind of
    session in this kind of place."""
    tip = GETTING_THERE.get((kind, place_kind)) or GETTING_THERE.get(place_kind)
    return [*BRING[kind], *([tip] if tip else [])]


class SessionRuleError(ValueError):
    """A scheduling rule was broken; the message is for the user."""


@dataclass(frozen=True)
class Slot:
    """A span of time another session already holds."""

    id: int
    start: datetime
    end: datetime
    label: str = ""


def end_of(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)


def check_duration(minutes: int) -> None:
    if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise SessionRuleError("A session lasts from 15 minutes to 12 hours.")


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29 in a year without one
        return day.replace(year=day.year + years, day=28)


def date_range(today: date) -> tuple[date, date]:
    """The first and last day a session may fall on, seen from `today`."""
    return _years_from(today, -YEARS_BACK), _years_from(today, YEARS_AHEAD)


def check_date(day: date, today: date) -> None:
    first, last = date_range(today)
    if day < first:
        raise SessionRuleError(
            f"That date is too long ago: a session can be recorded up to {YEARS_BACK} years back."
        )
    if day > last:
        raise SessionRuleError(
            f"That date is too far ahead: a session can be booked up to {YEARS_AHEAD} years ahead."
        )


def clamp_date(day: date, today: date) -> date:
    """The nearest day the calendar can show."""
    first, last = date_range(today)
    return min(max(day, first), last)


def check_start(start: datetime, now: datetime, *, recording_held: bool) -> None:
    """A session starts in the future unless it is being recorded as held."""
    if start < now and not recording_held:
        raise SessionRuleError(
            "That time has passed. To record a session that already happened, "
            "tick “Record as already held”."
        )
    if recording_held and start > now:
        raise SessionRuleError("A session recorded as held must have started already.")


def overlapping(
    start: datetime, minutes: int, others: list[Slot], *, ignore: int | None = None
) -> list[Slot]:
    """The other sessions whose time overlaps [start, start + minutes)."""
    end = end_of(start, minutes)
    return [s for s in others if s.id != ignore and s.start < end and start < s.end]


def date_in_words(local: datetime) -> str:
    """'Tuesday, March 10, 2026 at 6:30 PM' for the practice's local time."""
    return local.strftime("%A, %B %-d, %Y at %-I:%M %p")


def duration_in_words(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest:
        parts.append(f"{rest} minutes")
    return " and ".join(parts)
