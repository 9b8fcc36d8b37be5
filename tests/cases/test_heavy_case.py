"""A case a year into the work costs what a fresh one does, tab for tab.

Every tab of a case (as the case sections register them) runs the same
number of SQL statements for a fresh case as for one with 500 sessions, 60
screenings and 600 timeline events. (Its time: bench/heavy_case.py.)"""

from datetime import timedelta

import pytest
from flask import url_for

from bench.workload import HEAVY, heavy_history
from casework.cases import sections
from casework.demo.builders import book_session
from casework.extensions import db
from casework.timeutil import utcnow
from tests.conftest import count_queries


@pytest.fixture
def two_cases(people, factory):
    owner = people["owner"]
    fresh = factory.case(owner, contacts=2, phase="assessment")
    # A fresh case has its first call booked, so its Sessions tab lists one.
    book_session(
        fresh,
        owner,
        kind="first_call",
        starts_at=utcnow() + timedelta(days=2),
        minutes=45,
        place_kind="phone",
        place=None,
        contacts=fresh.active_contacts[:1],
    )
    heavy = factory.case(owner, contacts=2, phase="assessment")
    heavy_history(heavy, owner)
    db.session.commit()
    return fresh, heavy


def tab_urls(app, case) -> dict[str, str]:
    with app.test_request_context():
        return {tab.label: url_for(tab.endpoint, ref=case.reference) for tab in sections.tabs()}


def statements_for(client, url) -> tuple[int, str]:
    client.get(url)  # anything done once per process or per case is done
    with count_queries(db.engine) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements), response.get_data(as_text=True)


def test_every_tab_of_a_heavy_case_runs_the_statements_of_a_fresh_one(
    app, people, as_user, two_cases
):
    fresh, heavy = two_cases
    client = as_user(people["owner"])
    fresh_urls, heavy_urls = tab_urls(app, fresh), tab_urls(app, heavy)
    # Whatever tabs the sections register; these four at least.
    assert set(fresh_urls) >= {"Overview", "Sessions", "Assessment", "Education"}

    counts = {}
    for tab in fresh_urls:
        fresh_count, _ = statements_for(client, fresh_urls[tab])
        heavy_count, page = statements_for(client, heavy_urls[tab])
        assert heavy.reference in page
        counts[tab] = (fresh_count, heavy_count)

    assert {tab: f for tab, (f, h) in counts.items()} == {
        tab: h for tab, (f, h) in counts.items()
    }, counts


def test_the_heavy_case_is_as_heavy_as_it_says(two_cases):
    from sqlalchemy import func, select

    from casework.assessment.models import Screening
    from casework.audit.models import AuditEvent
    from casework.scheduling.models import CaseSession

    _, heavy = two_cases
    count = {
        "sessions": CaseSession,
        "screenings": Screening,
        "events": AuditEvent,
    }
    for name, model in count.items():
        found = db.session.scalar(
            select(func.count()).select_from(model).where(model.case_id == heavy.id)
        )
        assert found >= HEAVY[name], name
