"""Session forms and calendar filters never answer 500 and save nothing bad."""

import pytest
from sqlalchemy import func, select

from casework.extensions import db
from casework.scheduling.models import CaseSession
from tests.scheduling.conftest import session_form

LONG = "x" * 10_000
SCRIPT = "<script>alert(1)</script>"

BAD_VALUES = [
    {"kind": "tea-party"},
    {"kind": ""},
    {"date": "not-a-date"},
    {"date": "2026-02-30"},
    {"date": ""},
    {"time": "25:99"},
    {"time": ""},
    {"duration_minutes": "ninety"},
    {"duration_minutes": "-5"},
    {"duration_minutes": "99999999999999999999"},
    {"place_kind": "moon"},
    {"place": LONG},
    {"title": LONG},
    {"notes": LONG},
    {"contacts": ["abc"]},
    {"contacts": ["999999"]},
    {"staff": ["-1"]},
]


@pytest.mark.parametrize("bad", BAD_VALUES, ids=lambda b: ",".join(b))
def test_bad_session_values_get_the_form_again(people, as_user, bad):
    client = as_user(people["owner"])
    response = client.post(
        f"/cases/{people['case'].reference}/sessions/new", data=session_form(**bad)
    )
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CaseSession)) == 0


def test_script_in_a_title_comes_back_escaped(people, as_user):
    client = as_user(people["owner"])
    case = people["case"]
    response = client.post(
        f"/cases/{case.reference}/sessions/new", data=session_form(title=SCRIPT, place=SCRIPT)
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("query", ["week=yesterday", "user=abc", "user=99999", "week=2026-13-01"])
def test_bad_calendar_filters_are_4xx(people, as_user, query):
    client = as_user(people["supervisor"])
    assert client.get(f"/calendar/?{query}").status_code in (400, 404)


def test_unknown_session_is_404(people, as_user):
    client = as_user(people["owner"])
    ref = people["case"].reference
    for url in (
        f"/cases/{ref}/sessions/999",
        f"/cases/{ref}/sessions/999/edit",
        f"/cases/{ref}/sessions/999.ics",
        f"/cases/{ref}/sessions/999/handout.pdf",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/cases/{ref}/sessions/999/cancel", data={"reason": "x"}).status_code == 404


def test_a_session_of_another_case_is_404(people, as_user, add_session, factory):
    other_case = factory.case(people["owner"])
    session = add_session(other_case)
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/sessions/{session.id}"
    assert client.get(url).status_code == 404
