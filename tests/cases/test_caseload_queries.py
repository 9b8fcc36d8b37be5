"""The caseload runs the same statements whatever the practice's history:
the number of SQL statements does not grow with the cases it holds or shows."""

import pytest
from sqlalchemy import text

from casework.extensions import db
from tests.conftest import count_queries, login

PASSWORD = "demo password 1"
PATHS = (
    "/cases/",
    "/cases/?phase=aftercare",
    "/cases/?status=all",
    "/cases/?q=an",
)


def statements(client, path: str) -> list[str]:
    db.session.remove()
    with count_queries(db.engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, path
    return seen


@pytest.fixture
def demo(app, seed_demo):
    seed_demo(PASSWORD)
    clients = {}
    for who in ("interventionist", "supervisor"):
        clients[who] = app.test_client()
        assert login(clients[who], f"{who}@example.org", PASSWORD).status_code == 302
    return clients


def test_the_caseload_runs_the_same_statements_with_a_practice_history(demo, runner):
    before = {(who, p): len(statements(c, p)) for who, c in demo.items() for p in PATHS}
    result = runner.invoke(args=["seed-demo", "--password", PASSWORD, "--cases", "1500"])
    assert result.exit_code == 0, result.output
    after = {(who, p): len(statements(c, p)) for who, c in demo.items() for p in PATHS}
    assert after == before
    # A fixed, small number, none per row shown: the user; counts by phase; the
    # page of cases and the safety panel, each row with its primary contact;
    # next sessions, held kinds, overdue reading, late notes, intervention
    # readiness, consent gaps, unread family messages; the week ahead; notes
    # to write and to sign; for a supervisor, the names in the interventionist
    # filter, notes to co-sign, and the count of them in the navigation; and
    # the page's one audit event naming the cases it shows (one INSERT).
    assert max(n for (who, _), n in after.items() if who == "interventionist") <= 19
    assert max(n for (who, _), n in after.items() if who == "supervisor") <= 21


def test_a_heavy_caseload_runs_the_same_statements(demo, app):
    before = len(statements(demo["interventionist"], "/cases/"))
    # Hand the interventionist the open cases of a synthetic practice.
    runner = app.test_cli_runner()
    assert (
        runner.invoke(args=["seed-demo", "--password", PASSWORD, "--cases", "3000"]).exit_code == 0
    )
    db.session.execute(
        text(
            "UPDATE cases SET interventionist_id = "
            "(SELECT id FROM users WHERE email = 'interventionist@example.org') "
            "WHERE status = 'active' AND interventionist_id NOT IN (SELECT id FROM users "
            "WHERE email IN ('interventionist@example.org', 'interventionist2@example.org'))"
        )
    )
    db.session.commit()
    page = demo["interventionist"].get("/cases/").get_data(as_text=True)
    assert 'rel="next"' in page  # more than a page of cases now
    assert len(statements(demo["interventionist"], "/cases/")) == before
    assert len(statements(demo["interventionist"], "/cases/?page=3")) == before


def test_the_safety_panel_and_search_use_indexes_on_postgresql(demo, db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL run only (--db postgresql)")
    db.session.execute(text("SET enable_seqscan = off"))
    plan = "\n".join(
        db.session.scalars(
            text("EXPLAIN SELECT id FROM cases WHERE search_key LIKE '%' || :q || '%'"),
            {"q": "whit"},
        )
    )
    assert "ix_cases_search_key_trgm" in plan
