import pytest

from casework.domain import phases
from casework.domain.phases import OPEN_PHASES, Phase, can_transition

FORWARD = list(zip(OPEN_PHASES, OPEN_PHASES[1:], strict=False))
BACK = [(b, a) for a, b in FORWARD]
ALL = list(Phase)


def test_phase_values_are_the_seam():
    assert [p.value for p in Phase] == [
        "scheduling",
        "assessment",
        "education",
        "intervention",
        "aftercare",
        "closed",
    ]
    assert Phase("assessment") == "assessment"


@pytest.mark.parametrize("src", ALL)
@pytest.mark.parametrize("dst", ALL)
def test_every_transition(src, dst):
    expected = (
        (src, dst) in FORWARD
        or (src, dst) in BACK
        or (src is not Phase.CLOSED and dst is Phase.CLOSED)
        or (src is Phase.CLOSED and dst is not Phase.CLOSED)
    )
    assert can_transition(src, dst) is expected
    assert can_transition(src.value, dst.value) is expected


@pytest.mark.parametrize("dst", OPEN_PHASES)
def test_reopen_only_into_the_phase_it_was_closed_from(dst):
    for closed_from in OPEN_PHASES:
        assert can_transition(Phase.CLOSED, dst, closed_from=closed_from) is (dst is closed_from)


def test_unknown_phase_is_refused():
    assert can_transition("scheduling", "limbo") is False
    with pytest.raises(phases.TransitionError):
        phases.plan("scheduling", "limbo")


def test_forward_needs_no_reason():
    t = phases.plan("scheduling", "assessment")
    assert (t.kind, t.dst) == ("forward", Phase.ASSESSMENT)


def test_skipping_ahead_is_refused():
    with pytest.raises(phases.TransitionError, match="cannot move"):
        phases.plan("scheduling", "education")


def test_back_needs_a_reason():
    with pytest.raises(phases.TransitionError, match="reason"):
        phases.plan("education", "assessment", reason="  ")
    assert phases.plan("education", "assessment", reason="Family asked").kind == "back"


def test_close_needs_a_closing_reason():
    with pytest.raises(phases.TransitionError, match="closing"):
        phases.plan("assessment", "closed")
    with pytest.raises(phases.TransitionError, match="Say why"):
        phases.plan("assessment", "closed", closing_reason="other")
    assert phases.plan("assessment", "closed", closing_reason="unreachable").kind == "close"


def test_reopen_needs_a_reason_and_the_right_phase():
    with pytest.raises(phases.TransitionError, match="reopened"):
        phases.plan("closed", "education", closed_from="education")
    with pytest.raises(phases.TransitionError, match="closed from"):
        phases.plan("closed", "scheduling", reason="x", closed_from="education")
    assert (
        phases.plan("closed", "education", reason="Called back", closed_from="education").kind
        == "reopen"
    )


def test_next_and_previous():
    assert phases.next_phase("scheduling") is Phase.ASSESSMENT
    assert phases.next_phase("aftercare") is None
    assert phases.previous_phase("scheduling") is None
    assert phases.previous_phase("closed") is None


def test_progress_marks_done_current_and_todo():
    states = dict(phases.progress("education"))
    assert states[Phase.SCHEDULING] == "done"
    assert states[Phase.EDUCATION] == "current"
    assert states[Phase.AFTERCARE] == "todo"
    closed = dict(phases.progress("closed", "assessment"))
    assert closed[Phase.ASSESSMENT] == "done" and closed[Phase.EDUCATION] == "todo"
