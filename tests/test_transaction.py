"""One owner for each request's transaction (casework/transaction.py)."""

import pathlib
import re

import pytest
from flask import abort
from sqlalchemy import func, select

from casework.aftercare.models import CheckIn
from casework.assessment.models import Assessment
from casework.audit.models import Action, AuditEvent
from casework.cases import service as case_service
from casework.cases.access import load_case
from casework.cases.models import FamilyCase
from casework.consent.models import Consent
from casework.education import service as education_service
from casework.education.models import Packet
from casework.extensions import db
from casework.intervention.models import Placement, TeamMember
from casework.notes.models import Note
from casework.scheduling.models import CaseSession
from tests.conftest import login

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "casework"
# The command line owns its own unit of work; the request hook owns the rest.
MAY_COMMIT = {"transaction.py", "cli.py"}


def test_nothing_but_the_transaction_owner_commits():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        if path.name not in MAY_COMMIT
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.commit\(", line)
    ]
    assert offenders == []


def _view_events(case_id: int) -> int:
    db.session.remove()  # read what was committed, not what this session holds
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == Action.VIEW.value)
    )


@pytest.fixture
def demo_case(app, seed_demo):
    """The demo case with the most kinds of child record, and one of each: a
    family past the intervention (sessions, an assessment, the team, the
    treatment lined up, check-ins), given a packet of its past reading if
    the demo printed none for it."""
    seed_demo("demo password 1")
    case = db.session.scalar(
        select(FamilyCase)
        .where(
            FamilyCase.id.in_(select(CaseSession.case_id)),
            FamilyCase.id.in_(select(Assessment.case_id)),
            FamilyCase.id.in_(select(TeamMember.case_id)),
            FamilyCase.id.in_(select(Placement.case_id)),
            FamilyCase.id.in_(select(CheckIn.case_id)),
            FamilyCase.id.in_(select(Consent.case_id)),
        )
        .order_by(FamilyCase.id)
        .limit(1)
    )
    assert case is not None, (
        "the demo has a case with sessions, an assessment, a team, a placement, check-ins "
        "and consents"
    )
    if db.session.scalar(select(Packet.id).where(Packet.case_id == case.id)) is None:
        given = education_service.assignments_for(case)
        assert given, "the family was given reading"
        education_service.create_packet(
            case,
            case.interventionist,
            title="What we read together",
            family_name=case.active_contacts[0].name.split()[-1],
            cover_letter=None,
            versions=[given[0].module_version],
            include_schedule=False,
            include_contacts=True,
        )
        db.session.commit()
    values = {
        "ref": case.reference,
        "contact_id": case.active_contacts[0].id,
        "session_id": db.session.scalar(
            select(CaseSession.id).where(CaseSession.case_id == case.id).limit(1)
        ),
        "number": db.session.scalar(
            select(Assessment.number).where(Assessment.case_id == case.id).limit(1)
        ),
        "packet_id": db.session.scalar(select(Packet.id).where(Packet.case_id == case.id).limit(1)),
        "note_id": db.session.scalar(
            select(Note.id).where(Note.case_id == case.id, Note.status != "draft").limit(1)
        ),
        "code": "PHQ-9",
        "member_id": db.session.scalar(
            select(TeamMember.id).where(TeamMember.case_id == case.id).limit(1)
        ),
        "placement_id": db.session.scalar(
            select(Placement.id).where(Placement.case_id == case.id).limit(1)
        ),
        "step": "share",
        "check_in_id": db.session.scalar(
            select(CheckIn.id).where(CheckIn.case_id == case.id).limit(1)
        ),
        "consent_id": db.session.scalar(
            select(Consent.id).where(Consent.case_id == case.id).limit(1)
        ),
    }
    return case.id, values


def case_get_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/cases/<ref>/")),
        key=lambda rule: rule.rule,
    )


def test_every_case_page_leaves_exactly_one_view_event(app, client, demo_case):
    case_id, values = demo_case
    assert login(client, "supervisor@example.org", "demo password 1").status_code == 302
    pages = [rule for rule in case_get_rules(app) if "GET" in rule.methods]
    assert len(pages) >= 12
    for rule in pages:
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        before = _view_events(case_id)
        response = client.get(url)
        # A locked assessment's edit page sends the reader on: still a read.
        assert response.status_code in (200, 302), (url, response.status_code)
        assert _view_events(case_id) - before == 1, url


@pytest.fixture
def failing_app(make_app_with, people):
    """The real app with two extra case routes that fail after writing."""
    app = make_app_with(PROPAGATE_EXCEPTIONS=False)

    def write_then(fail):
        def view(ref):
            case = load_case(ref)  # a GET: writes the view event
            case_service.update_case(case, {**case_service.snapshot(case), "summary": "Changed"})
            fail()

        return view

    def crash():
        raise RuntimeError("a bug after the writes")

    app.add_url_rule("/cases/<ref>/crash", "crash", write_then(crash))
    app.add_url_rule("/cases/<ref>/refuse", "refuse", write_then(lambda: abort(409)))
    return app


@pytest.mark.parametrize(("path", "status"), [("crash", 500), ("refuse", 409)])
def test_a_request_that_fails_after_writing_leaves_nothing(failing_app, people, path, status):
    case = people["case"]
    with failing_app.app_context():
        client = failing_app.test_client()
        login(client, people["owner"])
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        response = client.get(f"/cases/{case.reference}/{path}")
        assert response.status_code == status
        db.session.remove()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert db.session.get(FamilyCase, case.id).summary != "Changed"
