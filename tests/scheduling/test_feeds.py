import re
from datetime import UTC, time

from icalendar import Calendar
from sqlalchemy import select

from casework.extensions import db
from casework.timeutil import local_to_utc
from tests.conftest import count_queries
from tests.scheduling.conftest import future_day


def _feed_url(client) -> str:
    """Make a new address: the page shows it this once."""
    response = client.post("/calendar/feed", data={"action": "replace"})
    assert response.status_code == 200
    found = re.search(r'value="http://localhost(/calendar/feed/[^"]+\.ics)"', response.text)
    assert found, "the new address is not on the page"
    return found.group(1)


def _events(body: bytes):
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def test_feed_round_trips_times_uid_sequence_and_status(people, as_user, add_session, app):
    case = people["case"]
    session = add_session(case, local_to_utc(future_day(), time(18, 30)), 90)
    client = as_user(people["owner"])
    url = _feed_url(client)
    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    event = _events(response.data)[session.uid]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert str(start.tzinfo) == "America/New_York"
    assert (start.hour, start.minute) == (18, 30)
    assert start.astimezone(UTC).replace(tzinfo=None) == session.starts_at
    assert (end - start).total_seconds() == 90 * 60
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert "VTIMEZONE" in response.get_data(as_text=True)

    client.post(
        f"/cases/{case.reference}/sessions/{session.id}/edit",
        data={
            "kind": "follow_up",
            "title": "Follow-up",
            "date": future_day(5).isoformat(),
            "time": "19:00",
            "duration_minutes": "90",
            "place_kind": "phone",
            "place": "",
            "version": str(session.version),
            "reason": "Moved to Thursday",
        },
    )
    event = _events(anonymous.get(url).data)[session.uid]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").date() == future_day(5)

    client.post(
        f"/cases/{case.reference}/sessions/{session.id}/cancel", data={"reason": "Family unwell"}
    )
    event = _events(anonymous.get(url).data)[session.uid]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2


def test_default_feed_names_no_loved_one(people, as_user, add_session, app):
    case = people["case"]
    session = add_session(case, kind="intervention", title="The intervention")
    for contact in case.active_contacts:
        session.contacts.append(contact)
    db.session.commit()
    client = as_user(people["owner"])
    url = _feed_url(client)
    body = app.test_client().get(url).get_data(as_text=True)
    unfolded = body.replace("\r\n ", "")
    assert case.loved_one_name not in unfolded
    assert case.loved_one_name.split()[0] not in unfolded
    assert f"Intervention · {case.reference}" in unfolded
    assert case.active_contacts[0].name.split()[0] not in unfolded
    app.config["CALENDAR_FIRST_NAMES"] = True
    body = app.test_client().get(url).data
    summary = str(_events(body)[session.uid]["SUMMARY"])
    assert summary == f"Intervention · {case.reference} · with Fran, Relative, Relative"
    assert case.loved_one_name not in body.decode()


def test_revoked_or_replaced_token_gives_404(people, as_user, add_session, app):
    add_session(people["case"])
    client = as_user(people["owner"])
    first = _feed_url(client)
    assert app.test_client().get(first).status_code == 200
    second = _feed_url(client)  # replacing revokes the first
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    client.post("/calendar/feed", data={"action": "revoke"})
    assert app.test_client().get(second).status_code == 404
    assert app.test_client().get("/calendar/feed/not-a-token.ics").status_code == 404


def test_feed_query_count_does_not_grow(people, as_user, add_session, app):
    case = people["case"]
    client = as_user(people["owner"])
    url = _feed_url(client)
    anonymous = app.test_client()

    def queries_for(total):
        while len(case_sessions()) < total:
            add_session(case)
        with count_queries(db.engine) as statements:
            body = anonymous.get(url).data
        assert len(_events(body)) == total
        return len(statements)

    def case_sessions():
        from casework.scheduling.models import CaseSession

        return db.session.scalars(select(CaseSession.id)).all()

    assert queries_for(10) == queries_for(60)


def test_single_session_ics_download(people, as_user, add_session):
    case = people["case"]
    session = add_session(case)
    client = as_user(people["owner"])
    response = client.get(f"/cases/{case.reference}/sessions/{session.id}.ics")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert list(_events(response.data)) == [session.uid]


def test_sessions_either_side_of_a_clock_change_keep_their_wall_time(people, as_user, app):
    """Weekly 6:30 PM sessions across the November change stay at 6:30 PM."""
    case = people["case"]
    client = as_user(people["owner"])
    for day in ("2030-10-29", "2030-11-05"):  # clocks go back on 2030-11-03
        response = client.post(
            f"/cases/{case.reference}/sessions/new",
            data={
                "kind": "family_education",
                "date": day,
                "time": "18:30",
                "duration_minutes": "60",
                "place_kind": "video",
                "place": "https://video.example",
            },
        )
        assert response.status_code == 302
    events = sorted(
        _events(app.test_client().get(_feed_url(client)).data).values(),
        key=lambda e: e.decoded("DTSTART"),
    )
    starts = [e.decoded("DTSTART") for e in events]
    assert [(s.hour, s.minute) for s in starts] == [(18, 30), (18, 30)]
    assert [s.astimezone(UTC).hour for s in starts] == [22, 23]
    page = client.get(f"/cases/{case.reference}/sessions/").get_data(as_text=True)
    assert page.count("6:30 PM") == 2
