"""The session queries other areas and the calendar use, all on two builders:
`upcoming` (scheduled and still to come) and `staff_sessions` (one person's
sessions in a window)."""

from datetime import timedelta

import pytest

from casework.auth.models import Role
from casework.extensions import db
from casework.scheduling import queries
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow


@pytest.fixture
def make_session(people):
    def make(case=None, days=1.0, status="scheduled", lead=None, staff=()):
        case = case or people["case"]
        session = CaseSession(
            case_id=case.id,
            lead_id=(lead or case.interventionist).id,
            kind="follow_up",
            title=f"In {days} days, {status}",
            starts_at=utcnow() + timedelta(days=days),
            duration_minutes=60,
            status=status,
        )
        session.staff.extend(staff)
        db.session.add(session)
        db.session.commit()
        return session

    return make


def ids(sessions):
    return [s.id for s in sessions]


def test_what_is_upcoming_agrees_everywhere(people, factory, make_session):
    case = people["case"]
    other = factory.case(people["other"])
    later = make_session(days=5)
    sooner = make_session(days=2)
    make_session(days=1, status="cancelled")
    make_session(days=-1)  # past, still marked scheduled
    make_session(days=-2, status="held")
    elsewhere = make_session(case=other, days=3)

    assert ids(queries.upcoming_for_case(case.id)) == [sooner.id, later.id]
    assert queries.next_session(case.id).id == sooner.id
    found = queries.next_sessions([case.id, other.id])
    assert {k: v.id for k, v in found.items()} == {case.id: sooner.id, other.id: elsewhere.id}
    assert queries.cases_with_upcoming([case.id, other.id]) == {case.id, other.id}
    assert queries.next_sessions([]) == {} and queries.cases_with_upcoming([]) == set()


def test_a_case_with_nothing_to_come_has_no_next_session(people, make_session):
    case = people["case"]
    make_session(days=-1)
    make_session(days=2, status="cancelled")
    assert queries.upcoming_for_case(case.id) == []
    assert queries.next_session(case.id) is None
    assert queries.next_sessions([case.id]) == {}
    assert queries.cases_with_upcoming([case.id]) == set()


def test_the_week_ahead_is_the_scheduled_part_of_the_staff_window(people, factory, make_session):
    owner, other = people["owner"], people["other"]
    helper = factory.user(Role.INTERVENTIONIST, name="Hal Helper")
    people["case"].co_interventionist_id = helper.id
    db.session.commit()
    led = make_session(days=1)
    attended = make_session(days=2, lead=other, staff=[owner])
    cancelled = make_session(days=3, status="cancelled")
    too_far = make_session(days=10)
    not_mine = make_session(days=1, lead=other, staff=[helper])
    now = utcnow()

    window = queries.staff_sessions(owner, now - timedelta(hours=1), now + timedelta(days=8))
    assert ids(window) == [led.id, attended.id, cancelled.id]
    assert ids(queries.week_ahead(owner)) == [led.id, attended.id]
    assert ids(queries.staff_sessions(owner, now)) == [
        led.id,
        attended.id,
        cancelled.id,
        too_far.id,
    ]
    assert ids(queries.week_ahead(helper)) == [not_mine.id]


def test_sessions_follow_case_access_not_the_lead_column(people, factory, make_session):
    """Someone who leads or attends a session of a case they may not see (it
    was reassigned away) is not shown it; a supervisor's own sessions show."""
    owner, other, supervisor = people["owner"], people["other"], people["supervisor"]
    elsewhere = factory.case(other)
    stale_lead = make_session(case=elsewhere, days=1, lead=owner)
    attending = make_session(case=elsewhere, days=2, staff=[owner])
    mine = make_session(days=3)
    led_by_supervisor = make_session(case=elsewhere, days=4, lead=supervisor)

    assert ids(queries.week_ahead(owner)) == [mine.id]
    assert ids(queries.week_ahead(other)) == [attending.id]
    assert stale_lead.id not in ids(queries.staff_sessions(owner, utcnow()))
    assert ids(queries.week_ahead(supervisor)) == [led_by_supervisor.id]
