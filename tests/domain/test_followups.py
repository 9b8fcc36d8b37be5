"""Follow-up plans by pathway, exact to the day, and when each is overdue."""

from datetime import date

import pytest

from casework.domain import followups
from casework.domain.followups import FollowUp, plan, replan, state

START = date(2026, 3, 2)


def days_of(items):
    return [(f.due - START).days for f in items]


@pytest.mark.parametrize(
    ("pathway", "days"),
    [
        ("entered_treatment", [1, 3, 7, 14, 30, 60, 90, 180, 270, 365]),
        ("declined", [1, 3, 7, 14, 30, 60, 90, 120, 150, 180]),
        ("postponed", [1, 3, 7, 14, 21, 28, 35, 42, 49, 56]),
        ("left_treatment_early", [0, 1, 3, 7, 14, 30, 60, 90, 180, 270, 365]),
        ("returned_to_use", [0, 1, 3, 7, 14, 30, 60, 90, 180, 270, 365]),
    ],
)
def test_every_pathway_plans_its_cadence_from_its_start(pathway, days):
    planned = plan(pathway, START)
    assert days_of(planned) == days
    assert all(isinstance(f, FollowUp) and f.kind and f.window_days >= 1 for f in planned)


def test_exact_dates_for_treatment():
    planned = plan("entered_treatment", date(2026, 1, 31))
    assert [f.due for f in planned[:5]] == [
        date(2026, 2, 1),
        date(2026, 2, 3),
        date(2026, 2, 7),
        date(2026, 2, 14),
        date(2026, 3, 2),
    ]
    assert planned[-1].due == date(2027, 1, 31)


def test_declined_offers_re_engagement_monthly():
    planned = plan("declined", START)
    assert [f.kind for f in planned if (f.due - START).days >= 30] == ["re-engagement offer"] * 6


def test_an_unknown_pathway_is_refused():
    with pytest.raises(ValueError):
        plan("cured", START)


def test_a_practice_cadence_replaces_the_default():
    planned = plan("entered_treatment", START, cadence={"entered_treatment": [2, 10, 40]})
    assert days_of(planned) == [2, 10, 40]
    assert days_of(plan("declined", START, cadence={"entered_treatment": [2]}))[:2] == [1, 3]
    with pytest.raises(ValueError):
        plan("declined", START, cadence={"declined": [-1]})


def test_a_switch_keeps_what_is_done_and_replans_the_rest_from_the_new_start():
    done = [date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 9)]  # days 1, 3 and 7 of treatment
    left = date(2026, 3, 12)
    after = replan("left_treatment_early", left, done)
    assert [f.due for f in after[:3]] == done and {f.kind for f in after[:3]} == {"done"}
    assert [f.due for f in after[3:6]] == [date(2026, 3, 12), date(2026, 3, 13), date(2026, 3, 15)]
    assert after[-1].due == date(2027, 3, 12)


def test_follow_ups_done_after_the_new_start_push_the_plan_on():
    after = replan("returned_to_use", START, [START])
    assert after[0] == FollowUp(START, "done", 0)
    assert after[1].due == date(2026, 3, 3)  # day 0 is the check-in already done


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 16), "upcoming"),
        (date(2026, 3, 17), "due_today"),
        (date(2026, 3, 20), "due"),  # the last day of its 3-day window
        (date(2026, 3, 21), "overdue"),
    ],
)
def test_due_due_today_and_overdue(today, expected):
    fourteen = plan("entered_treatment", date(2026, 3, 3))[3]
    assert fourteen.due == date(2026, 3, 17) and fourteen.window_days == 3
    assert state(fourteen, today) == expected


def test_milestones():
    reached = followups.milestones(date(2026, 1, 1), date(2026, 4, 5))
    assert [(label, done) for label, _, done in reached] == [
        ("30 days", True),
        ("60 days", True),
        ("90 days", True),
        ("6 months", False),
        ("1 year", False),
    ]
