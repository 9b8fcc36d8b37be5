"""The administrator downloads the filtered audit log as CSV: the sentence the
screen shows and its columns, UTF-8 with a byte order mark, cells a
spreadsheet would run as formulas written as text, no summary or reason, in
one query, and the download is itself an event in the log."""

import csv
import io
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from casework.audit.export import cell
from casework.audit.models import AuditEvent
from casework.auth.models import Role
from casework.extensions import db
from tests.conftest import count_queries

SECRET = "Summary only clinicians may read"
REASON = "He talked about ending his life"
HOSTILE = '=HYPERLINK("http://x","y")'  # a name a spreadsheet would run


def read_csv(response) -> list[dict]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def logged(people, factory):
    owner, case = people["owner"], people["case"]
    hostile = factory.user(Role.INTERVENTIONIST, name=HOSTILE)
    made = [
        AuditEvent(actor_id=owner.id, case_id=case.id, action="view", object_type="page",
                   object_id="assessment.overview", occurred_at=datetime(2024, 5, 6, 16),
                   ip="192.0.2.7", summary=SECRET, reason=REASON),
        AuditEvent(actor_id=hostile.id, action="login", object_type="User",
                   object_id=str(hostile.id), occurred_at=datetime(2024, 5, 7, 16),
                   ip="-2+3"),
    ]  # fmt: skip
    db.session.add_all(made)
    db.session.commit()
    return made


def test_the_export_has_the_sentence_and_its_columns_and_no_clinical_detail(
    people, as_user, logged
):
    response = as_user(people["admin"]).get(
        "/admin/audit/export.csv?case=" + people["case"].reference
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    (row,) = read_csv(response)
    owner, ref = people["owner"], people["case"].reference
    assert row == {
        "What happened": f"{owner.name} opened the assessment of {ref}",
        "When (practice time)": "2024-05-06 12:00:00",  # New York, summer time
        "Who": f"{owner.name} <{owner.email}>",
        "Action": "Opened",
        "Case": ref,
        "Record": "page assessment.overview",
        "Address": "192.0.2.7",
    }
    body = response.get_data(as_text=True)
    assert SECRET not in body and REASON not in body


def test_an_admin_with_clinical_access_gets_no_summary_in_the_export_either(
    factory, as_user, logged
):
    both = factory.user(Role.ADMIN, also_supervisor=True)
    body = as_user(both).get("/admin/audit/export.csv").get_data(as_text=True)
    assert SECRET not in body and REASON not in body


def test_cells_a_spreadsheet_would_run_are_written_as_text(people, as_user, logged):
    query = {"action": "login", "person": HOSTILE}
    (row,) = read_csv(as_user(people["admin"]).get("/admin/audit/export.csv", query_string=query))
    assert row["What happened"].startswith("'=HYPERLINK(")
    assert row["Who"].startswith("'=HYPERLINK(")
    assert row["Address"] == "'-2+3"


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (None, ""), (12, "12")],
)  # fmt: skip
def test_formula_escaping(value, written):
    assert cell(value) == written


def test_the_export_is_audited_and_names_no_one_it_contains(people, as_user, logged):
    admin = people["admin"]
    client = as_user(admin)
    assert client.get("/admin/audit/export.csv").status_code == 200
    db.session.expire_all()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id.desc())
    ).first()
    assert event.actor_id == admin.id and event.object_type == "AuditLog"
    assert event.case_id is None
    assert re.fullmatch(r"Audit log exported: \d+ events", event.summary)
    client.get(
        "/admin/audit/export.csv", query_string={"person": "Olivia Owner", "since": "2024-05-01"}
    )
    db.session.expire_all()
    last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.summary == "Audit log exported: 1 event (person Olivia Owner, from 2024-05-01)"
    # The log shows it like any other event.
    page = client.get("/admin/audit/?action=export").get_data(as_text=True)
    assert f"{admin.name} exported the audit log" in page


def test_the_export_takes_the_screens_filters_and_refuses_bad_ones(people, as_user, logged):
    client = as_user(people["admin"])
    rows = read_csv(client.get("/admin/audit/export.csv", query_string={"person": "Olivia Owner"}))
    assert [r["Who"].split(" <")[0] for r in rows] == ["Olivia Owner"]
    exports = select(func.count()).where(AuditEvent.object_type == "AuditLog")
    before = db.session.scalar(exports)
    for query, message in [
        ({"person": "No One"}, "No account is named “No One”."),
        ({"since": "0001-01-01"}, "Enter a day between 2000 and 2100."),
        ({"until": "9999-12-31"}, "Enter a day between 2000 and 2100."),
        ({"case": "C-9999-9999"}, "No case has the reference C-9999-9999."),
        ({"since": "2024-05-07", "until": "2024-05-06"}, "The last day comes before the first."),
    ]:
        response = client.get("/admin/audit/export.csv", query_string=query)
        assert response.status_code == 400, query
        page = response.get_data(as_text=True)
        assert message in page
        assert all(f'value="{v}"' in page for v in query.values())
    assert db.session.scalar(exports) == before  # a refused export is no export


def test_an_export_past_the_limit_is_refused_with_a_message(app, people, as_user, logged):
    app.config["AUDIT_EXPORT_LIMIT"] = 1
    response = as_user(people["admin"]).get("/admin/audit/export.csv")
    assert response.status_code == 400
    assert "More than 1 events match" in response.get_data(as_text=True)


def test_the_export_reads_the_log_in_one_query(app, people, as_user, factory, logged):
    client = as_user(people["admin"])
    client.get("/admin/audit/export.csv")  # warm up
    for _ in range(30):
        db.session.add(AuditEvent(actor_id=people["other"].id, action="view",
                                  case_id=factory.case(people["other"]).id, object_type="page",
                                  object_id="cases.overview"))  # fmt: skip
    db.session.commit()
    with count_queries(db.engine) as queries:
        response = client.get("/admin/audit/export.csv")
    assert len(read_csv(response)) > 30
    reads = [q for q in queries if "audit_events" in q and q.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, reads


def test_the_page_links_to_the_export_of_what_it_shows(people, as_user, logged):
    page = as_user(people["admin"]).get("/admin/audit/?action=view&page=1").get_data(as_text=True)
    assert 'href="/admin/audit/export.csv?action=view"' in page
