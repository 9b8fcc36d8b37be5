"""The Sessions tab a page at a time: still to come first (soonest first), then
earlier and cancelled ones (latest first), in a fixed number of statements."""

import re
from datetime import timedelta

import pytest

from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow
from tests.conftest import count_queries


def add_sessions(case, lead, *, to_come: int, earlier: int, cancelled_to_come: int = 0):
    now = utcnow().replace(microsecond=0)
    rows = []
    for n in range(to_come):
        rows.append(("scheduled", now + timedelta(days=n + 1), f"Coming {n + 1}"))
    for n in range(cancelled_to_come):
        rows.append(("cancelled", now + timedelta(days=n + 1, hours=2), f"Called off {n + 1}"))
    for n in range(earlier):
        rows.append(("held", now - timedelta(days=n + 1), f"Earlier {n + 1}"))
    db.session.add_all(
        CaseSession(
            case_id=case.id,
            lead_id=lead.id,
            kind="follow_up",
            title=title,
            starts_at=starts_at,
            duration_minutes=60,
            status=status,
        )
        for status, starts_at, title in rows
    )
    db.session.commit()


def titles(page: str) -> list[str]:
    return re.findall(r'class="session-title"[^>]*>([^<]+)<', page)


def section(page: str, heading: str) -> str | None:
    match = re.search(rf"<h3>{heading}</h3>(.*?)</section>", page, re.S)
    return match.group(1) if match else None


@pytest.fixture
def tab(people, as_user, app):
    app.config["SESSIONS_PAGE_SIZE"] = 20
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/sessions/"

    def get(page: int | None = None, status: int = 200) -> str:
        response = client.get(url + (f"?page={page}" if page else ""))
        assert response.status_code == status
        return response.get_data(as_text=True)

    return get


def test_to_come_first_then_earlier_a_page_at_a_time(people, tab):
    add_sessions(people["case"], people["owner"], to_come=15, earlier=30, cancelled_to_come=1)

    first = tab()
    coming = [f"Coming {n}" for n in range(1, 16)]
    earlier = ["Called off 1"] + [f"Earlier {n}" for n in range(1, 31)]
    assert titles(first) == coming + earlier[:5]
    assert titles(section(first, "Coming up")) == coming
    assert titles(section(first, "Earlier and cancelled")) == earlier[:5]
    assert "Page 1 of 3" in first
    assert f'href="/cases/{people["case"].reference}/sessions/?page=2" rel="next"' in first

    second = tab(2)
    assert titles(second) == earlier[5:25]
    assert section(second, "Coming up") is None  # nothing to come on this page
    assert "Page 2 of 3" in second and 'rel="prev"' in second

    third = tab(3)
    assert titles(third) == earlier[25:]
    assert 'rel="next"' not in third

    tab(4, status=404)


def test_one_page_says_so_when_nothing_is_scheduled(people, tab):
    page = tab()
    assert "Nothing scheduled. Schedule the next session." in page
    assert "No earlier sessions." in page
    assert 'class="pagination"' not in page
    tab(2, status=404)


def test_the_tab_runs_the_same_statements_for_3_sessions_or_300(people, factory, as_user):
    light = people["case"]
    heavy = factory.case(people["owner"])
    add_sessions(light, people["owner"], to_come=1, earlier=2)
    add_sessions(heavy, people["owner"], to_come=100, earlier=200)
    client = as_user(people["owner"])

    counts = []
    for case in (light, heavy):
        url = f"/cases/{case.reference}/sessions/"
        client.get(url)
        with count_queries(db.engine) as statements:
            page = client.get(url).get_data(as_text=True)
        counts.append(len(statements))
        assert len(titles(page)) == (3 if case is light else 20)
    assert counts[0] == counts[1]
    assert "Page 1 of 15" in page
