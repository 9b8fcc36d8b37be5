"""The audit trail: every case read and refusal recorded, rows never change,
and the administrators' log filters and pages."""

import re
from datetime import datetime

import pytest
from sqlalchemy import delete, func, select, update

from casework.audit.models import Action, AuditEvent, AuditRowIsPermanent
from casework.auth.models import Role
from casework.extensions import db
from tests.conftest import PASSWORD, login


def events(action=None, **where):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == Action(action).value)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    db.session.expire_all()
    return list(db.session.scalars(query))


def signed_in_from(app, user, address):
    """A client signed in from a given address (the session is bound to it)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    assert login(client, user).status_code == 302
    return client


def count_events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize(
    "path", ["/", "/edit", "/phase", "/contacts/new", "/contacts/{contact}/edit"]
)
def test_each_case_page_view_writes_one_view_event(app, people, path):
    case, owner = people["case"], people["owner"]
    client = signed_in_from(app, owner, "203.0.113.7")
    url = f"/cases/{case.reference}" + path.format(contact=case.contacts[0].id)
    before = count_events()

    response = client.get(url)

    assert response.status_code == 200
    assert count_events() == before + 1
    (view,) = events("view", case_id=case.id)
    assert view.actor_id == owner.id
    assert view.ip == "203.0.113.7"
    assert view.object_type == "page"
    assert view.occurred_at is not None
    client.get(url)
    assert len(events("view", case_id=case.id)) == 2


def test_a_supervisor_view_is_audited_as_the_supervisor(people, as_user):
    case, supervisor = people["case"], people["supervisor"]
    as_user(supervisor).get(f"/cases/{case.reference}/reassign")
    (view,) = events("view", case_id=case.id)
    assert view.actor_id == supervisor.id


def test_the_caseload_itself_is_not_a_case_read(people, as_user):
    as_user(people["owner"]).get("/cases/")
    assert events("view") == []


def test_a_refused_case_read_is_audited_and_still_answers_404(app, people):
    case, other = people["case"], people["other"]
    client = signed_in_from(app, other, "198.51.100.9")

    response = client.get(f"/cases/{case.reference}/")

    assert response.status_code == 404
    assert case.loved_one_name not in response.get_data(as_text=True)
    (denied,) = events("access_denied")
    assert (denied.actor_id, denied.case_id, denied.ip) == (other.id, case.id, "198.51.100.9")
    assert events("view") == []


def test_a_refused_write_is_audited_and_changes_nothing(people, as_user):
    case, other = people["case"], people["other"]
    response = as_user(other).post(
        f"/cases/{case.reference}/edit",
        data={"loved_one_name": "Changed By Stranger", "concerns": "alcohol"},
    )
    assert response.status_code == 404
    db.session.refresh(case)
    assert case.loved_one_name != "Changed By Stranger"
    (denied,) = events("access_denied")
    assert (denied.actor_id, denied.case_id) == (other.id, case.id)
    assert events("update", case_id=case.id) == []


def test_an_unknown_reference_writes_no_case_event(people, as_user):
    client = as_user(people["owner"])
    before = count_events()
    assert client.get("/cases/C-1999-0001/").status_code == 404
    assert count_events() == before


def test_audit_rows_cannot_be_updated_through_the_orm(people, as_user):
    as_user(people["owner"]).get(f"/cases/{people['case'].reference}/")
    (view,) = events("view")
    view.summary = "rewritten history"
    with pytest.raises(AuditRowIsPermanent):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditRowIsPermanent):
        db.session.execute(
            update(AuditEvent).where(AuditEvent.id == view.id).values(summary="x"),
            execution_options={"synchronize_session": "fetch"},
        )
        db.session.commit()
    db.session.rollback()
    (view,) = events("view")
    assert view.summary is None


def test_audit_rows_cannot_be_deleted_through_the_orm(people, as_user):
    as_user(people["owner"]).get(f"/cases/{people['case'].reference}/")
    (view,) = events("view")
    db.session.delete(view)
    with pytest.raises(AuditRowIsPermanent):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditRowIsPermanent):
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == view.id))
        db.session.commit()
    db.session.rollback()
    assert len(events("view")) == 1


def test_failed_logins_are_audited(app, people):
    client = app.test_client()
    owner = people["owner"]

    assert login(client, owner, "not the password").status_code == 401
    assert login(client, "nobody@example.org", "whatever").status_code == 401

    known, unknown = events("login_failed")
    assert known.actor_id == owner.id
    assert owner.email in known.summary
    assert known.ip == "127.0.0.1"
    assert unknown.actor_id is None
    assert "nobody@example.org" in unknown.summary
    assert events("login") == []
    assert login(client, owner, PASSWORD).status_code == 302
    (ok,) = events("login")
    assert ok.actor_id == owner.id


# ---- the administrators' log -------------------------------------------------

ROW_RE = re.compile(r"<tr>\s*<td data-label=\"When\">.*?</tr>", re.S)


def rows(html: str) -> list[str]:
    return ROW_RE.findall(html)


def details(html: str) -> set[str]:
    """The events listed, by the address each came from (192.0.2.4 is evt-4):
    an admin sees no summary."""
    return {f"evt-{n}" for n in re.findall(r'<td data-label="From">192\.0\.2\.(\d)</td>', html)}


@pytest.fixture
def log(people, factory):
    """Events with known actors, cases, actions and dates."""
    other_case = factory.case(people["other"], loved_one_name="Other Family")
    made = [
        # (summary, actor, case, action, when)
        ("evt-1", people["owner"], people["case"], "view", datetime(2019, 1, 5, 12)),
        ("evt-2", people["owner"], people["case"], "update", datetime(2019, 2, 10, 9)),
        ("evt-3", people["other"], other_case, "view", datetime(2019, 2, 11, 23, 30)),
        ("evt-4", people["other"], other_case, "phase_change", datetime(2019, 3, 1, 8)),
        ("evt-5", people["supervisor"], people["case"], "reassign", datetime(2019, 3, 2, 8)),
    ]
    for summary, actor, case, action, when in made:
        db.session.add(
            AuditEvent(
                summary=summary,
                object_type="Note",
                object_id="900" + summary[-1],
                actor_id=actor.id,
                case_id=case.id,
                action=action,
                occurred_at=when,
                ip="192.0.2." + summary[-1],
            )
        )
    db.session.commit()
    return {"other_case": other_case}


def test_audit_log_dates_are_the_practices_days(app, people, log, admin_client):
    """The log shows local times, so From and To are local days too."""
    app.config["PRACTICE_TIMEZONE"] = "America/New_York"
    late = AuditEvent(
        summary="evt-late",
        ip="198.51.100.9",
        actor_id=people["owner"].id,
        action="view",
        occurred_at=datetime(2019, 2, 12, 2, 0),  # Feb 11, 9:00 PM in New York
    )
    db.session.add(late)
    db.session.commit()

    def found(**query):
        page = admin_client.get("/admin/audit/", query_string=query).get_data(as_text=True)
        return "198.51.100.9" in page

    page = admin_client.get("/admin/audit/", query_string={"until": "2019-02-11"})
    assert "Feb 11, 2019 9:00 PM" in page.get_data(as_text=True)
    assert found(since="2019-02-11", until="2019-02-11")
    assert not found(since="2019-02-12")
    assert not found(until="2019-02-10")


@pytest.fixture
def admin_client(people, as_user):
    return as_user(people["admin"])


def test_audit_log_lists_who_what_case_and_where(people, log, admin_client):
    html = admin_client.get("/admin/audit/").get_data(as_text=True)
    assert details(html) == {"evt-1", "evt-2", "evt-3", "evt-4", "evt-5"}
    row = next(r for r in rows(html) if "note 9002" in r)
    assert f"{people['owner'].name} changed note 9002 of {people['case'].reference}" in row
    row = next(r for r in rows(html) if log["other_case"].reference in r and "phase" in r)
    assert f"{people['other'].name} moved {log['other_case'].reference} to another phase" in row
    assert "192.0.2.4" in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "view"}, {"evt-1", "evt-3"}),
        ({"action": "reassign"}, {"evt-5"}),
        ({"since": "2019-02-10", "until": "2019-02-11"}, {"evt-2", "evt-3"}),
        ({"since": "2019-03-01"}, {"evt-4", "evt-5"}),
        ({"until": "2019-01-31"}, {"evt-1"}),
        ({"action": "view", "since": "2019-02-01"}, {"evt-3"}),
    ],
)
def test_audit_log_filters(log, admin_client, query, expected):
    response = admin_client.get("/admin/audit/", query_string=query)
    assert response.status_code == 200
    assert details(response.get_data(as_text=True)) == expected


def test_audit_log_filters_by_user_and_case(people, log, admin_client):
    by_user = admin_client.get("/admin/audit/", query_string={"person": people["other"].name})
    assert details(by_user.get_data(as_text=True)) == {"evt-3", "evt-4"}

    ref = people["case"].reference
    by_case = admin_client.get("/admin/audit/", query_string={"case": ref.lower() + " "})
    assert details(by_case.get_data(as_text=True)) == {"evt-1", "evt-2", "evt-5"}

    both = admin_client.get(
        "/admin/audit/", query_string={"case": ref, "person": people["supervisor"].email.upper()}
    )
    assert details(both.get_data(as_text=True)) == {"evt-5"}

    none = admin_client.get("/admin/audit/", query_string={"case": "C-1999-0001"})
    assert none.status_code == 400
    assert "No case has the reference C-1999-0001." in none.get_data(as_text=True)
    quiet = admin_client.get("/admin/audit/", query_string={"case": ref, "action": "login"})
    assert "No events match." in quiet.get_data(as_text=True)


def test_audit_log_paginates(app, people, log, admin_client):
    app.config["AUDIT_PAGE_SIZE"] = 2
    # Newest first: evt-5, evt-4 | evt-3, evt-2 | evt-1
    query = {"since": "2019-01-01", "until": "2019-06-30"}
    seen = []
    first = admin_client.get("/admin/audit/", query_string=query).get_data(as_text=True)
    assert "Page 1 of 3" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    for number in (1, 2, 3):
        html = admin_client.get("/admin/audit/", query_string={**query, "page": number}).get_data(
            as_text=True
        )
        assert f"Page {number} of 3" in html
        page_rows = [r for r in rows(html) if "192.0.2." in r]
        assert len(page_rows) == (2 if number < 3 else 1)
        seen += sorted(details(html), reverse=True)
    assert seen == ["evt-5", "evt-4", "evt-3", "evt-2", "evt-1"]
    last = admin_client.get("/admin/audit/", query_string={**query, "page": 3}).get_data(
        as_text=True
    )
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert "since=2019-01-01" in last  # the filters survive paging


@pytest.mark.parametrize("who", ["owner", "supervisor", "family"])
def test_only_admins_reach_the_audit_log(people, as_user, log, who):
    response = as_user(people[who]).get("/admin/audit/")
    assert response.status_code == 403
    assert "evt-" not in response.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in_from_the_audit_log(client, log):
    response = client.get("/admin/audit/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_an_admin_with_supervisor_access_reaches_the_audit_log(factory, as_user, log):
    both = factory.user(Role.ADMIN, also_supervisor=True)
    assert as_user(both).get("/admin/audit/").status_code == 200
