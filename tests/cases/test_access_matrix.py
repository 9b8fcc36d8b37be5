"""Every case-bound route, tried as every kind of user.

The routes come from the app's own URL map, so a new case page without an
expectation here fails `test_every_case_route_has_an_expectation`.
"""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from casework.assessment.models import Assessment
from casework.auth.models import Role
from casework.cases.models import FamilyCase
from casework.education import service as education_service
from casework.education.models import Assignment, Packet
from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow
from tests.conftest import login

# What each kind of user gets from each case-bound endpoint.
#   owner      the case's interventionist
#   co         the case's co-interventionist
#   other      another interventionist
#   supervisor sees every case
#   admin      no clinical access (role guard)
#   admin_sup  an administrator who also holds supervisor access
#   family     a family member of this very case (portal only)
#   anonymous  not signed in: sent to /login
# An empty POST to a form reaches the form and is refused with 422.
LOGIN = "login"
STAFF_PAGE = {
    "owner": 200,
    "co": 200,
    "other": 404,
    "supervisor": 200,
    "admin": 403,
    "admin_sup": 200,
    "family": 403,
    "anonymous": LOGIN,
}
STAFF_FORM_POST = {**STAFF_PAGE, "owner": 422, "co": 422, "supervisor": 422, "admin_sup": 422}
SUPERVISOR_PAGE = {**STAFF_PAGE, "owner": 403, "co": 403, "other": 403}
# Marking a session that has not started yet is refused with a message on
# the session page (a redirect there); the case itself was reached.
STAFF_ACTION_POST = {**STAFF_PAGE, "owner": 302, "co": 302, "supervisor": 302, "admin_sup": 302}
# The assessment's two POST-only actions, with the draft from `an_assessment`
# (version 1). Pages run first, then POSTs in the order the app registers
# them, so "complete" comes before "revise".
# "complete": the first to send it (the owner) locks the draft; everyone after
# finds it locked already ("That version is already completed."). Both end in
# a redirect to the assessment page, 302. (With no assessment at all: 400.)
ASSESSMENT_COMPLETE = STAFF_ACTION_POST
# "revise": the version is locked by then, so an empty POST (no reason) is the
# assessment page again with the reason's message, 422, and no new version.
ASSESSMENT_REVISE = STAFF_FORM_POST

EXPECTED = {
    "cases.overview": STAFF_PAGE,
    "cases.edit": STAFF_PAGE,
    "cases.new_contact": STAFF_PAGE,
    "cases.edit_contact": STAFF_PAGE,
    "cases.archive_contact": STAFF_FORM_POST,
    "cases.change_phase": STAFF_PAGE,
    "cases.reassign": SUPERVISOR_PAGE,
    "scheduling.index": STAFF_PAGE,
    "scheduling.new": STAFF_PAGE,
    "scheduling.detail": STAFF_PAGE,
    "scheduling.edit": STAFF_PAGE,
    "scheduling.cancel": STAFF_FORM_POST,
    "scheduling.mark": STAFF_ACTION_POST,
    "scheduling.session_ics": STAFF_PAGE,
    "scheduling.handout": STAFF_PAGE,
    "assessment.overview": STAFF_PAGE,
    # The draft from `an_assessment` opens for editing (a locked one would redirect;
    # GET pages are tried before the POSTs that could lock it).
    "assessment.edit": STAFF_PAGE,
    "assessment.complete": ASSESSMENT_COMPLETE,
    "assessment.revise": ASSESSMENT_REVISE,
    "assessment.version": STAFF_PAGE,
    "assessment.new_screening": STAFF_PAGE,
    "assessment.safety_plan": STAFF_PAGE,
    # A PDF of the current assessment (200, application/pdf).
    "assessment.summary_pdf": STAFF_PAGE,
    "education.case_education": STAFF_PAGE,
    "education.new_packet": STAFF_PAGE,
    # A PDF of the packet (200, application/pdf).
    "education.packet_pdf": STAFF_PAGE,
    # An empty assignment form comes back with its messages.
    "education.assign": STAFF_FORM_POST,
    # Making an invitation answers with the education page showing the link once.
    "education.invite": STAFF_PAGE,
    # Both act and send the user back to the education page.
    "education.move_to_latest": STAFF_ACTION_POST,
    "education.share_packet": STAFF_ACTION_POST,
}
WHO = list(STAFF_PAGE)


def case_rules(app):
    """Case-bound rules, pages (GET) first: a POST may change what a page shows."""
    rules = [rule for rule in app.url_map.iter_rules() if "<ref>" in rule.rule]
    return sorted(rules, key=lambda rule: method_for(rule) == "POST")


def route_args(rule, case):
    """Values for a rule's arguments, taken from the case under test."""
    session = db.session.scalar(select(CaseSession).where(CaseSession.case_id == case.id))
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.case_id == case.id).order_by(Assessment.number)
    )
    known = {
        "ref": case.reference,
        "contact_id": case.contacts[0].id,
        "session_id": session.id if session else None,
        "outcome": "held",
        "number": assessment.number if assessment else None,
        "code": "PHQ-9",
        "assignment_id": db.session.scalar(
            select(Assignment.id).where(Assignment.case_id == case.id)
        ),
        "packet_id": db.session.scalar(select(Packet.id).where(Packet.case_id == case.id)),
    }
    missing = set(rule.arguments) - set(known)
    assert not missing, f"{rule.endpoint}: no test value for {sorted(missing)}"
    return {name: known[name] for name in rule.arguments}


def method_for(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


@pytest.fixture
def everyone(people, factory, as_user, app):
    case = people["case"]
    co = factory.user(Role.INTERVENTIONIST, name="Cora Co")
    case.co_interventionist_id = co.id
    db.session.commit()
    admin_sup = factory.user(Role.ADMIN, name="Ada Both", also_supervisor=True)
    users = {
        "owner": people["owner"],
        "co": co,
        "other": people["other"],
        "supervisor": people["supervisor"],
        "admin": people["admin"],
        "admin_sup": admin_sup,
        "family": people["family"],
    }
    clients = {who: as_user(user) for who, user in users.items()}
    clients["anonymous"] = app.test_client()
    return clients


@pytest.fixture
def a_session(people):
    """A session on the case, tomorrow, for the session pages."""
    case = people["case"]
    session = CaseSession(
        case_id=case.id,
        lead_id=case.interventionist_id,
        kind="follow_up",
        title="Follow-up",
        starts_at=utcnow() + timedelta(days=1),
        duration_minutes=60,
    )
    db.session.add(session)
    db.session.commit()
    return session


@pytest.fixture
def education_records(people):
    """An assignment and a packet on the case, for the education pages."""
    case, owner = people["case"], people["owner"]
    module = education_service.write_module(
        owner,
        None,
        slug="matrix-module",
        title="Matrix module",
        summary="For the matrix.",
        topics=None,
        body="## Hello\n\nA short text.",
        sources=None,
    )
    education_service.assign(
        case, owner, [module], case.active_contacts[:1], due_on=None, note=None
    )
    education_service.create_packet(
        case,
        owner,
        title="Matrix packet",
        family_name="Doe",
        cover_letter=None,
        versions=[module.latest],
        include_schedule=False,
        include_contacts=True,
    )
    db.session.commit()


@pytest.fixture
def an_assessment(people):
    """A draft assessment, version 1, on the case: for the assessment pages."""
    case = people["case"]
    assessment = Assessment(
        case_id=case.id,
        number=1,
        created_by_id=case.interventionist_id,
        reason="First assessment",
        data={"readiness": {"stage": "contemplation", "ruler": 4}},
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def test_every_case_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in case_rules(app)}
    assert endpoints, "no case-bound routes found in the URL map"
    assert endpoints == set(EXPECTED), (
        f"routes without an expectation: {sorted(endpoints - set(EXPECTED))}; "
        f"expectations without a route: {sorted(set(EXPECTED) - endpoints)}"
    )


def test_every_user_gets_what_the_table_says(
    app, people, a_session, an_assessment, education_records, everyone
):
    case = people["case"]
    outcomes = {}
    for rule in case_rules(app):
        with app.test_request_context():
            url = url_for(rule.endpoint, **route_args(rule, case))
        method = method_for(rule)
        for who in WHO:
            response = everyone[who].open(url, method=method)
            sent_to_login = response.status_code == 302 and response.headers["Location"].startswith(
                "/login?next="
            )
            outcomes[(rule.endpoint, who)] = LOGIN if sent_to_login else response.status_code
            body = response.get_data().decode("utf-8", "replace")  # PDFs too
            if response.status_code in (403, 404):
                # A refusal gives nothing of the case away.
                assert case.loved_one_name not in body, (rule.endpoint, who)
                assert case.contacts[0].name not in body, (rule.endpoint, who)
            if response.status_code == 200 and response.mimetype == "text/html":
                assert case.reference in body, (rule.endpoint, who)
            if rule.endpoint == "assessment.summary_pdf" and response.status_code == 200:
                assert response.mimetype == "application/pdf", who
                assert response.data.startswith(b"%PDF-"), who
    wrong = {
        (endpoint, who): (got, EXPECTED[endpoint][who])
        for (endpoint, who), got in outcomes.items()
        if got != EXPECTED[endpoint][who]
    }
    assert not wrong, f"(endpoint, user): (got, expected): {wrong}"
    # As the comments above say: the owner's POST locked the draft, and the
    # empty "revise" POSTs started no new version.
    db.session.expire_all()
    versions = db.session.scalars(select(Assessment).where(Assessment.case_id == case.id)).all()
    assert [(v.number, v.status) for v in versions] == [(1, "completed")]


def test_unknown_references_answer_404(
    app, people, a_session, an_assessment, education_records, as_user
):
    case = people["case"]
    clients = {who: as_user(people[who]) for who in ("owner", "supervisor")}
    for rule in case_rules(app):
        args = route_args(rule, case)
        args["ref"] = "C-1999-9999"
        with app.test_request_context():
            url = url_for(rule.endpoint, **args)
        for who, client in clients.items():
            if EXPECTED[rule.endpoint][who] == 403:
                continue  # the role guard answers before the case is looked up
            response = client.open(url, method=method_for(rule))
            assert response.status_code == 404, (rule.endpoint, who)
            assert "We could not find that page" in response.get_data(as_text=True)


def test_a_contact_of_another_case_is_not_reachable_through_my_case(app, people, factory, as_user):
    mine = people["case"]
    clients = {who: as_user(people[who]) for who in ("owner", "supervisor")}
    theirs = factory.case(people["other"], loved_one_name="Somebody Else")
    stranger = theirs.contacts[0]
    for endpoint in ("cases.edit_contact", "cases.archive_contact"):
        with app.test_request_context():
            url = url_for(endpoint, ref=mine.reference, contact_id=stranger.id)
        for who, client in clients.items():
            method = "GET" if endpoint == "cases.edit_contact" else "POST"
            response = client.open(url, method=method, data={"reason": "Moved away"})
            assert response.status_code == 404, (endpoint, who)
            assert stranger.name not in response.get_data(as_text=True)
    db.session.refresh(stranger)
    assert stranger.archived_at is None


def test_unknown_contact_answers_404(app, people, as_user):
    ref = people["case"].reference
    owner = as_user(people["owner"])
    assert owner.get(f"/cases/{ref}/contacts/999999/edit").status_code == 404
    response = owner.post(f"/cases/{ref}/contacts/999999/archive", data={"reason": "x"})
    assert response.status_code == 404


STAFF_PAGES = ["/cases/", "/cases/new", "/admin/users/", "/admin/audit/", "/admin/users/new"]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_a_family_member_never_reaches_a_staff_page(app, people, url):
    client = app.test_client()
    assert login(client, people["family"]).status_code == 302
    for method in ("GET", "POST"):
        response = client.open(url, method=method, data={"loved_one_name": "x"})
        assert response.status_code in (403, 405), (url, method)
        body = response.get_data(as_text=True)
        assert people["case"].reference not in body
        assert people["owner"].email not in body
    # and is still signed in to the portal afterwards
    assert client.get("/portal/").status_code == 200


def test_family_member_cannot_open_a_case_by_post(app, people):
    client = app.test_client()
    login(client, people["family"])
    before = db.session.query(FamilyCase).count()
    response = client.post(
        "/cases/new",
        data={
            "loved_one_name": "Sneaky",
            "concerns": "alcohol",
            "urgency": "routine",
            "contact_name": "Me",
            "contact_relationship": "Mother",
            "interventionist_id": str(people["owner"].id),
        },
    )
    assert response.status_code == 403
    assert db.session.query(FamilyCase).count() == before
