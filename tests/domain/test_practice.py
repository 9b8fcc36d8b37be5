"""The stall rule of the practice page, and the phase mix it counts."""

import pytest

from casework.domain import practice


@pytest.mark.parametrize(
    ("days", "median", "stalled"),
    [
        (21, 10, True),  # more than twice the median
        (20, 10, False),  # exactly twice is not past it
        (15, 3, True),  # past the two-week floor
        (13, 3, False),  # over twice a short median, but under two weeks
        (14, 7, False),
        (100, 60, False),  # a long phase for everyone is no stall
    ],
)
def test_stalled_is_past_twice_the_median_and_the_floor(days, median, stalled):
    assert practice.has_stalled(days, median) is stalled


def test_medians_per_phase():
    pairs = [("assessment", 2), ("assessment", 4), ("assessment", 30), ("education", 5)]
    assert practice.phase_medians(pairs) == {"assessment": 4, "education": 5}
    assert practice.phase_medians([("assessment", 2), ("assessment", 5)]) == {"assessment": 3.5}


def test_phase_mix_lists_every_open_phase_in_order():
    mix = practice.phase_mix([("aftercare", 2), ("scheduling", 1)])
    assert list(mix) == ["scheduling", "assessment", "education", "intervention", "aftercare"]
    assert mix == {
        "scheduling": 1,
        "assessment": 0,
        "education": 0,
        "intervention": 0,
        "aftercare": 2,
    }
