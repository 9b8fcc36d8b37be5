from datetime import time, timedelta

from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import local_to_utc, local_today, to_local
from tests.scheduling.conftest import future_day, session_form


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_schedule_a_session_and_see_it_on_the_case(people, as_user):
    case, owner = people["case"], people["owner"]
    client = as_user(owner)
    contact = case.active_contacts[0]
    response = client.post(f"/cases/{case.reference}/sessions/new", data=session_form([contact.id]))
    assert response.status_code == 302
    session = db.session.scalars(select(CaseSession)).one()
    local = to_local(session.starts_at)
    assert (local.date(), local.hour, local.minute) == (future_day(), 18, 30)
    assert session.title == "Assessment interview"
    assert [c.id for c in session.contacts] == [contact.id]
    tab = client.get(f"/cases/{case.reference}/sessions/").get_data(as_text=True)
    assert "Assessment interview" in tab and "Coming up" in tab
    overview = client.get(f"/cases/{case.reference}/").get_data(as_text=True)
    assert "Scheduled assessment interview session for" in overview


def test_wall_clock_time_survives_daylight_saving(people, as_user, app):
    """6:30 PM stays 6:30 PM on both sides of the November change."""
    app.config["PRACTICE_TIMEZONE"] = "America/New_York"
    from datetime import date

    before = local_to_utc(date(2030, 11, 1), time(18, 30))
    after = local_to_utc(date(2030, 11, 8), time(18, 30))
    assert (before.hour, after.hour) == (22, 23)  # EDT is UTC-4, EST is UTC-5
    assert to_local(before).strftime("%-I:%M %p %Z") == "6:30 PM EDT"
    assert to_local(after).strftime("%-I:%M %p %Z") == "6:30 PM EST"


def test_duration_limits(people, as_user):
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/sessions/new"
    for minutes in ("10", "721", "abc"):
        response = client.post(url, data=session_form(duration_minutes=minutes))
        assert response.status_code == 422
        assert "15 minutes to 12 hours" in response.get_data(as_text=True) or minutes == "abc"
    assert _count(CaseSession) == 0
    assert client.post(url, data=session_form(duration_minutes="720")).status_code == 302


def test_attendees_must_belong_to_the_case(people, as_user, factory):
    elsewhere = factory.case(people["owner"])
    stranger = elsewhere.active_contacts[0]
    client = as_user(people["owner"])
    response = client.post(
        f"/cases/{people['case'].reference}/sessions/new", data=session_form([stranger.id])
    )
    assert response.status_code == 422
    assert _count(CaseSession) == 0


def test_a_past_start_only_when_recording_a_held_session(people, as_user):
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/sessions/new"
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    response = client.post(url, data=session_form(date=yesterday))
    assert response.status_code == 422
    assert "That time has passed" in response.get_data(as_text=True)
    assert client.post(url, data=session_form(date=yesterday, record_held="y")).status_code == 302
    assert db.session.scalars(select(CaseSession)).one().status == "held"


def test_overlap_is_shown_and_needs_confirmation(people, as_user, add_session):
    case = people["case"]
    add_session(case, local_to_utc(future_day(), time(18, 0)), 60, title="Family night")
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/sessions/new"
    response = client.post(url, data=session_form())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "overlaps with another session" in page and "Family night" in page
    assert 'value="12 Harbor Road, Suite 3"' in page  # what was typed is kept
    assert _count(CaseSession) == 1
    assert client.post(url, data=session_form(confirm_overlap="y")).status_code == 302
    assert _count(CaseSession) == 2


def test_reschedule_needs_a_reason_and_raises_sequence(people, as_user, add_session):
    case = people["case"]
    session = add_session(case)
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/sessions/{session.id}/edit"
    form = session_form(
        kind="follow_up",
        title="Follow-up",
        date=future_day(4).isoformat(),
        time="09:00",
        duration_minutes="60",
        version=str(session.version),
    )
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert "Say why" in response.get_data(as_text=True)
    response = client.post(url, data={**form, "reason": "Family asked for the morning"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.sequence == 1
    assert to_local(session.starts_at).date() == future_day(4)
    summary, reason = db.session.execute(
        select(AuditEvent.summary, AuditEvent.reason).where(AuditEvent.action == "update")
    ).one()
    # The reason is kept beside the summary, which names the session by its time alone.
    assert summary.startswith("Session rescheduled from ") and "Follow-up" not in summary
    assert reason == "Family asked for the morning"


def test_cancel_keeps_the_session_with_its_reason(people, as_user, add_session):
    case = people["case"]
    session = add_session(case)
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/sessions/{session.id}/cancel"
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "Snowstorm"}).status_code == 302
    db.session.refresh(session)
    assert (session.status, session.cancel_reason, session.sequence) == (
        "cancelled",
        "Snowstorm",
        1,
    )
    page = client.get(f"/cases/{case.reference}/sessions/{session.id}").get_data(as_text=True)
    assert "Snowstorm" in page


def test_held_and_no_show_only_after_the_start(people, as_user, add_session):
    case = people["case"]
    future = add_session(case)
    client = as_user(people["owner"])
    client.post(f"/cases/{case.reference}/sessions/{future.id}/held")
    db.session.refresh(future)
    assert future.status == "scheduled"
    past = add_session(case, local_to_utc(local_today() - timedelta(days=2), time(10, 0)))
    assert client.post(f"/cases/{case.reference}/sessions/{past.id}/no_show").status_code == 302
    db.session.refresh(past)
    assert past.status == "no_show"


def test_stale_session_edit_answers_409(people, as_user, add_session):
    case = people["case"]
    session = add_session(case)
    client = as_user(people["owner"])
    form = session_form(
        kind="follow_up",
        title="Renamed by me",
        duration_minutes="60",
        time="10:00",
        place="",
        version="0",
    )
    response = client.post(f"/cases/{case.reference}/sessions/{session.id}/edit", data=form)
    assert response.status_code == 409
    assert "Renamed by me" in response.get_data(as_text=True)
