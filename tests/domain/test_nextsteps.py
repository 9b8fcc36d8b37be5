"""The ranking of next steps, alone."""

from datetime import date

from casework.domain.nextsteps import Step, Urgency, first, rank


def test_safety_outranks_everything_else():
    steps = [
        Step("Usual work", Urgency.ROUTINE),
        Step("Assessment interview on Tue 25 Nov", Urgency.BOOKED, due=date(2026, 11, 25)),
        Step("Follow up on overdue reading", Urgency.OVERDUE),
        Step("Safety first: self-harm risk", Urgency.SAFETY),
        Step("First call today at 2:00 PM", Urgency.TODAY),
    ]
    assert [s.urgency for s in rank(steps)] == [
        Urgency.SAFETY,
        Urgency.OVERDUE,
        Urgency.TODAY,
        Urgency.BOOKED,
        Urgency.ROUTINE,
    ]


def test_a_booked_session_outranks_the_phase_hint():
    booked = Step("Assessment interview on Tue 25 Nov", Urgency.BOOKED)
    assert first(
        [Step("Hold the first call and book the assessment", Urgency.ROUTINE), booked]
    ) == (booked)


def test_nothing_booked_outranks_something_booked():
    to_book = Step("Schedule the next session", Urgency.TO_ARRANGE)
    assert first([Step("Rehearsal on Fri", Urgency.BOOKED), to_book]) == to_book


def test_within_a_tier_the_earlier_due_date_wins_then_the_proposal_order():
    late = Step("Later", Urgency.OVERDUE, due=date(2026, 11, 20))
    early = Step("Earlier", Urgency.OVERDUE, due=date(2026, 11, 2))
    undated_a = Step("Undated A", Urgency.OVERDUE)
    undated_b = Step("Undated B", Urgency.OVERDUE)
    assert rank([undated_a, late, undated_b, early]) == [early, late, undated_a, undated_b]


def test_no_steps_no_first():
    assert first([]) is None
