"""The words and rules of the intervention itself: approaches, roles, levels
of care, the letter's states, outcomes and the follow-up pathway each one
starts. Plain Python."""

APPROACHES = {
    "johnson": "Planned surprise meeting (Johnson-style)",
    "arise": "Invitational (ARISE)",
    "love_first": "Love First",
    "craft": "CRAFT-based family approach",
    "other": "Other",
}

ARISE_LEVELS = {
    1: "Level 1: the first call and coaching",
    2: "Level 2: network meetings",
    3: "Level 3: a formal intervention",
}

ROLES = {
    "chair": "Chair",
    "speaker": "Speaker",
    "supporter": "Supporter",
    "observer": "Observer",
    "not_attending": "Not attending",
}
SPEAKING_ROLES = frozenset({"chair", "speaker"})

LEVELS_OF_CARE = {
    "outpatient": "Outpatient",
    "intensive_outpatient": "Intensive outpatient",
    "partial_hospitalization": "Partial hospitalization",
    "residential": "Residential",
    "withdrawal": "Medically managed withdrawal",
    "inpatient_psychiatric": "Inpatient psychiatric",
    "other": "Other",
}
# Levels of care that hold no bed.
NO_BED = frozenset({"outpatient", "intensive_outpatient", "partial_hospitalization"})

FINANCIAL_RELATIONSHIPS = {
    "none": "None: the practice has no financial relationship with this facility",
    "referral_agreement": "A referral agreement",
    "ownership": "The practice, or someone in it, has an ownership interest",
    "other": "Other",
}

ENABLING_BEHAVIOURS = {
    "giving_money": "Giving money, or paying debts",
    "paying_bills": "Paying rent, phone or car bills",
    "covering_up": "Covering up or lying to others for them",
    "making_excuses": "Making excuses to work, school or family",
    "rescuing": "Rescuing them from consequences (bail, fines, lawyers)",
    "using_together": "Drinking or using with them",
    "housing_without_conditions": "Housing them with no conditions",
    "doing_their_tasks": "Doing what they should do themselves",
    "other": "Something else, in my own words",
}

# The letter: draft -> shared for review -> returned with comments -> final.
LETTER_STATUSES = {
    "draft": "Draft",
    "shared": "Shared for review",
    "returned": "Returned with comments",
    "final": "Final",
}


class LetterRuleError(Exception):
    """A step the letter's state does not allow; the message says why."""


def letter_editable(status: str) -> bool:
    """The author (or staff with them) may change the text: not while staff
    review it, and not once it is final (reopening comes first)."""
    return status in ("draft", "returned")


def can_share(status: str) -> bool:
    return status in ("draft", "returned")


def can_review(status: str) -> bool:
    """Staff return or finalise a letter that is shared with them."""
    return status == "shared"


def can_reopen(status: str) -> bool:
    return status == "final"


OUTCOMES = {
    "accepted_admitted": "Accepted and admitted",
    "accepted_delayed": "Accepted, with a delay",
    "declined": "Declined",
    "postponed": "Postponed",
    "counter_offer": "Counter-offer",
    "left_room": "Left the room",
}

# The follow-up pathway each outcome starts (see domain.followups).
PATHWAY_FOR_OUTCOME = {
    "accepted_admitted": "entered_treatment",
    "accepted_delayed": "postponed",
    "declined": "declined",
    "postponed": "postponed",
    "counter_offer": "declined",
    "left_room": "declined",
}


def pathway_for(outcome: str) -> str:
    if outcome not in PATHWAY_FOR_OUTCOME:
        raise ValueError(f"Unknown outcome: {outcome!r}")
    return PATHWAY_FOR_OUTCOME[outcome]


def outcome_needs(outcome: str) -> set[str]:
    """What else the outcome's form must say."""
    return {
        "accepted_admitted": {"admitted_at", "placement"},
        "accepted_delayed": {"detail"},
        "counter_offer": {"detail"},
    }.get(outcome, set())


# The practice's rehearsal checklist until it writes its own.
DEFAULT_REHEARSAL = [
    "Each letter read aloud",
    "Seating walked through",
    "Roles confirmed",
    "Answers to objections practised",
    "What to do if the loved one leaves",
    "Safety plan reviewed",
    "Placement and transport confirmed",
]
