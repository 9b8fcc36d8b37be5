"""Dates far off (year 1, year 9999, year 10000) in the calendar and the
session forms: a clear 4xx or the nearest week the calendar shows, never a 500."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from casework.domain import sessions as rules
from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import local_today
from tests.scheduling.conftest import session_form

FAR_OFF = ["0001-01-01", "0001-01-07", "9999-12-31", "9998-06-15"]


def _week_links(html: str) -> dict[str, str]:
    found = re.findall(
        r'href="(/calendar/\?[^"]*week=[^"]+)">(?:&larr; )?(Previous|Next) week', html
    )
    return {label: url.replace("&amp;", "&") for url, label in found}


@pytest.mark.parametrize("week", FAR_OFF)
@pytest.mark.parametrize("who", ["owner", "supervisor"])
def test_a_far_off_week_shows_the_nearest_the_calendar_holds(people, as_user, week, who):
    client = as_user(people[who])
    response = client.get(f"/calendar/?week={week}")
    assert response.status_code == 200
    first, last = rules.date_range(local_today())
    shown = re.search(r"Week of (\w+ \d+, \d{4})", response.text).group(1)
    assert str(first.year) in shown or str(last.year) in shown
    links = _week_links(response.text)
    # At the edge, no link leads past it; the other way still works.
    assert ("Previous" in links) != ("Next" in links)
    for url in links.values():
        assert client.get(url).status_code == 200


def test_walking_the_weeks_stops_at_the_edge(people, as_user):
    client = as_user(people["owner"])
    url = "/calendar/?week=9999-12-31"
    html = client.get(url).text
    assert "Next week" not in html
    url = _week_links(html)["Previous"]
    html = client.get(url).text
    assert "Next week" in html
    html = client.get(_week_links(html)["Next"]).text
    assert "Next week" not in html


@pytest.mark.parametrize("week", ["10000-01-01", "0000-01-01", "2026-02-30", "-001-01-01"])
def test_a_week_that_is_no_date_is_a_400_that_says_so(people, as_user, week):
    response = as_user(people["owner"]).get(f"/calendar/?week={week}")
    assert response.status_code == 400
    assert "That week is not a date the calendar can show" in response.text


@pytest.mark.parametrize(
    ("day", "said"),
    [
        ("0001-01-01", "That date is too long ago"),
        ("1900-01-01", "That date is too long ago"),
        ("9999-12-31", "That date is too far ahead"),
        ("2999-01-01", "That date is too far ahead"),
        ("10000-01-01", "Not a valid date value"),
    ],
)
@pytest.mark.parametrize("held", [False, True])
def test_a_far_off_session_date_is_refused_with_the_forms_message(
    people, as_user, add_session, day, said, held
):
    case = people["case"]
    client = as_user(people["owner"])
    extra = {"record_held": "y"} if held else {}
    data = session_form(date=day, time="23:30", title="Kept title", **extra)
    response = client.post(f"/cases/{case.reference}/sessions/new", data=data)
    assert response.status_code == 422
    assert said in response.text and "Kept title" in response.text

    session = add_session(case)
    data = session_form(date=day, time="00:15", title="Kept title", reason="Moved")
    data["version"] = str(session.version)
    response = client.post(f"/cases/{case.reference}/sessions/{session.id}/edit", data=data)
    assert response.status_code == 422
    assert said in response.text and "Kept title" in response.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CaseSession)) == 1
    assert db.session.get(CaseSession, session.id).title == "Follow-up"


def test_the_range_reaches_ten_years_back_and_five_ahead():
    today = date(2028, 2, 29)
    assert rules.date_range(today) == (date(2018, 2, 28), date(2033, 2, 28))
    rules.check_date(date(2018, 2, 28), today)
    rules.check_date(date(2033, 2, 28), today)
    with pytest.raises(rules.SessionRuleError, match="too long ago"):
        rules.check_date(date(2018, 2, 27), today)
    with pytest.raises(rules.SessionRuleError, match="too far ahead"):
        rules.check_date(date(2033, 3, 1), today)
    assert rules.clamp_date(date(1, 1, 1), today) == date(2018, 2, 28)
    assert rules.clamp_date(date(9999, 12, 31), today) == date(2033, 2, 28)
