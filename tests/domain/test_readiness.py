"""Readiness: every blocker alone and all together, in order of importance."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from casework.domain import readiness

NOW = datetime(2026, 11, 23, 15, 0)
DAY = NOW + timedelta(days=5)

READY = readiness.Facts(
    now=NOW,
    date_set=True,
    day_at=DAY,
    chair=True,
    speakers=3,
    speakers_with_final_letters=3,
    placement_chosen=True,
    bed_held_until=DAY + timedelta(days=1),
    insurance_verified=True,
    transport_set=True,
    rehearsal_items=7,
    rehearsal_ticked=7,
)

ORDER = [
    "safety",
    "date",
    "team",
    "letters",
    "placement",
    "bed",
    "insurance",
    "transport",
    "rehearsal",
]


def keys(items):
    return [i.key for i in items]


def test_a_case_with_everything_in_place_is_ready():
    result = readiness.assess(READY)
    assert result.ready and result.first_blocker is None
    assert keys(result.items) == ORDER  # most important first


@pytest.mark.parametrize(
    ("change", "blocker", "detail"),
    [
        (
            {"unplanned_safety_flags": ["Self-harm risk"]},
            "safety",
            "No plan or review since it was raised: Self-harm risk",
        ),
        ({"date_set": False, "day_at": None}, "date", "Schedule the intervention session"),
        ({"chair": False}, "team", "Needs someone to chair"),
        ({"speakers_with_final_letters": 1}, "letters", "2 of 3 letters not final"),
        ({"bed_held_until": None}, "bed", "No bed held"),
        ({"bed_held_until": NOW - timedelta(hours=1)}, "bed", "The hold has run out"),
        ({"bed_held_until": DAY - timedelta(hours=1)}, "bed", "The hold ends before the day"),
        ({"insurance_verified": False}, "insurance", "Verify the insurance with the placement"),
        ({"transport_set": False}, "transport", "Say who drives and who goes"),
        ({"rehearsal_ticked": 4}, "rehearsal", "3 of 7 items to go"),
        ({"rehearsal_items": 0, "rehearsal_ticked": 0}, "rehearsal", "No checklist"),
    ],
)
def test_each_blocker_alone(change, blocker, detail):
    result = readiness.assess(replace(READY, **change))
    assert keys(result.blockers) == [blocker]
    assert result.first_blocker.detail == detail


def test_no_speakers_blocks_the_team_and_the_letters():
    result = readiness.assess(replace(READY, speakers=0, speakers_with_final_letters=0))
    assert keys(result.blockers) == ["team", "letters"]
    assert result.first_blocker.detail == "Needs at least one speaker attending"


def test_no_placement_blocks_what_hangs_on_it():
    result = readiness.assess(replace(READY, placement_chosen=False))
    assert keys(result.blockers) == ["placement", "bed", "insurance"]


def test_every_blocker_together_most_important_first():
    nothing = readiness.Facts(now=NOW, unplanned_safety_flags=["Violence risk"])
    result = readiness.assess(nothing)
    assert keys(result.blockers) == ORDER
    assert result.first_blocker.key == "safety"


def test_a_bed_held_only_two_more_days_is_ready_with_a_warning():
    soon = replace(
        READY, day_at=NOW + timedelta(hours=20), bed_held_until=NOW + timedelta(hours=30)
    )
    result = readiness.assess(soon)
    assert result.ready
    assert keys(result.warnings) == ["bed"]
    assert result.warnings[0].detail == "The hold ends within 48 hours"


def test_outpatient_care_needs_no_bed():
    result = readiness.assess(replace(READY, bed_needed=False, bed_held_until=None))
    assert result.ready


def test_an_outcome_before_the_day_needs_a_reason():
    assert readiness.early_outcome_needs_reason(DAY, DAY - timedelta(hours=2))
    assert not readiness.early_outcome_needs_reason(DAY, DAY + timedelta(hours=3))
    assert readiness.early_outcome_needs_reason(None, NOW)
