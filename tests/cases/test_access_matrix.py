"""Every case-bound route, tried as every kind of user.

Each (endpoint, user) pair is its own test with its own database, case and
records, signed in as that one user, so any pair passes alone and in any
order; one pair alone is, for example,
    pytest "tests/cases/test_access_matrix.py::test_every_user_gets_what_the_table_says\
[assessment.revise-owner]"

The routes come from the app's own URL map, so a new case page without an
expectation here fails `test_every_case_route_has_an_expectation`.
"""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from casework.aftercare import service as aftercare_service
from casework.aftercare.models import CheckIn
from casework.assessment import service as assessment_service
from casework.assessment.models import Assessment
from casework.auth.models import Role
from casework.cases.models import FamilyCase
from casework.consent.models import Consent
from casework.education import service as education_service
from casework.education.models import Assignment, Packet
from casework.extensions import db
from casework.intervention import service as intervention_service
from casework.intervention.models import Placement, TeamMember
from casework.notes import service as notes_service
from casework.notes.models import Note
from casework.scheduling.models import CaseSession
from casework.timeutil import local_today, utcnow
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
# The assessment's two POST-only actions. Every pair starts from its own
# version 1 (see `case_records`), so no row depends on another having run.
# "complete": the draft is completed and locked, and the user is sent back to
# the assessment page, 302. (With no assessment at all it would be 400.)
# `check_after` asserts the lock happened exactly where the table says 302.
ASSESSMENT_COMPLETE = STAFF_ACTION_POST
# "revise": tried on a completed, locked version 1, the only state in which
# the page offers the form (`PREPARE` locks it). An empty POST (no reason) is
# the assessment page again with the reason's message, 422, and no new
# version. The old single-pass matrix reached the same state only because
# "complete" happened to run first; on a draft an empty POST would instead
# redirect (302) with "Say why the assessment is changing".
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
    # The draft version 1 opens for editing (a locked one would redirect).
    "assessment.edit": STAFF_PAGE,
    "assessment.complete": ASSESSMENT_COMPLETE,
    "assessment.revise": ASSESSMENT_REVISE,
    "assessment.version": STAFF_PAGE,
    "assessment.new_screening": STAFF_PAGE,
    "assessment.safety_plan": STAFF_PAGE,
    # The safety review form and the reviews so far.
    "assessment.safety_review": STAFF_PAGE,
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
# Notes. The case's note is signed by its interventionist (no supervision).
SUPERVISOR_FORM_POST = {**SUPERVISOR_PAGE, "supervisor": 422, "admin_sup": 422}
EXPECTED.update(
    {
        "notes.index": STAFF_PAGE,
        "notes.new": STAFF_PAGE,
        "notes.show": STAFF_PAGE,
        "notes.print_one": STAFF_PAGE,
        "notes.print_all": STAFF_PAGE,
        # The case's session is tomorrow: not held, so its note is not offered
        # yet and the user is sent to the session page.
        "notes.for_session": STAFF_ACTION_POST,
        # The note is signed: its edit page sends everyone to the note.
        "notes.edit": STAFF_ACTION_POST,
        "notes.add_addendum": STAFF_FORM_POST,
        "notes.cosign": SUPERVISOR_FORM_POST,
        "notes.return_note": SUPERVISOR_FORM_POST,
        # The comment is optional, so the form passes; the note's author is
        # not under review, so there is nothing to review: 409.
        "notes.review": {**SUPERVISOR_PAGE, "supervisor": 409, "admin_sup": 409},
        # The whole case record, audited as an export (JSON, and a PDF).
        "notes.record_json": STAFF_PAGE,
        "notes.record_pdf": STAFF_PAGE,
    }
)
# The intervention. The case has a plan, one speaking member with an empty
# letter, and one placement.
EXPECTED.update(
    {
        "intervention.index": STAFF_PAGE,
        # An empty plan form: no approach chosen.
        "intervention.save_plan": STAFF_FORM_POST,
        "intervention.new_member": STAFF_PAGE,
        "intervention.member": STAFF_PAGE,
        "intervention.remove_member": STAFF_ACTION_POST,
        # An empty letter is a letter saved empty; the page again.
        "intervention.save_letter": STAFF_ACTION_POST,
        # Sharing a letter with no words is refused on the member's page.
        "intervention.letter_step": {
            **STAFF_PAGE,
            "owner": 409,
            "co": 409,
            "supervisor": 409,
            "admin_sup": 409,
        },
        "intervention.return_letter": STAFF_FORM_POST,
        "intervention.reopen_letter": STAFF_FORM_POST,
        "intervention.save_bottom_line": STAFF_ACTION_POST,
        "intervention.save_commitments": STAFF_ACTION_POST,
        "intervention.new_placement": STAFF_PAGE,
        "intervention.placement": STAFF_PAGE,
        "intervention.choose_placement": STAFF_ACTION_POST,
        "intervention.rehearsal": STAFF_ACTION_POST,
        "intervention.outcome": STAFF_PAGE,
        "intervention.run_sheet": STAFF_PAGE,
        "intervention.letter_sheet": STAFF_PAGE,
    }
)
# Post-intervention support. The case has a pathway and one staff check-in.
EXPECTED.update(
    {
        "aftercare.index": STAFF_PAGE,
        # The aftercare summary (200, application/pdf).
        "aftercare.summary_pdf": STAFF_PAGE,
        "aftercare.change_pathway": STAFF_FORM_POST,
        "aftercare.add_support": STAFF_FORM_POST,
        "aftercare.new_check_in": STAFF_PAGE,
        "aftercare.check_in": STAFF_PAGE,
        # Only a family member's own check-in is reviewed: 409 for this one.
        "aftercare.review": {
            **STAFF_PAGE,
            "owner": 409,
            "co": 409,
            "supervisor": 409,
            "admin_sup": 409,
        },
    }
)
# Messages: the threads, one member's thread (the case's first contact), and an
# empty reply, sent back to be written.
EXPECTED.update(
    {
        "messages.index": STAFF_PAGE,
        "messages.thread": STAFF_PAGE,
        "messages.reply": STAFF_FORM_POST,
    }
)
# Consent. The case has one consent of the loved one, awaiting signature.
EXPECTED.update(
    {
        "consent.index": STAFF_PAGE,
        # With no kind chosen yet: the kinds to start from.
        "consent.new": STAFF_PAGE,
        "consent.detail": STAFF_PAGE,
        # The paper form (200, application/pdf).
        "consent.print_form": STAFF_PAGE,
        # Empty forms come back with their messages.
        "consent.record_signed": STAFF_FORM_POST,
        "consent.revoke": STAFF_FORM_POST,
        "consent.record_event": STAFF_FORM_POST,
        # The accounting of disclosures, and its printout for the family.
        "consent.accounting": STAFF_PAGE,
        "consent.accounting_pdf": STAFF_PAGE,
    }
)
WHO = list(STAFF_PAGE)
PDF_ENDPOINTS = {
    "assessment.summary_pdf",
    "education.packet_pdf",
    "scheduling.handout",
    "notes.print_one",
    "notes.print_all",
    "intervention.run_sheet",
    "intervention.letter_sheet",
    "aftercare.summary_pdf",
    "notes.record_pdf",
    "consent.print_form",
    "consent.accounting_pdf",
}
JSON_ENDPOINTS = {"notes.record_json"}


def case_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "<ref>" in rule.rule]


def rule_for(app, endpoint):
    rules = [rule for rule in case_rules(app) if rule.endpoint == endpoint]
    assert rules, f"{endpoint}: no such case-bound route (a stale expectation)"
    assert len(rules) == 1, f"{endpoint}: several rules; the matrix tries one URL each"
    return rules[0]


def method_for(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


def url_and_method(app, endpoint, case, **override):
    rule = rule_for(app, endpoint)
    args = {**route_args(rule, case), **override}
    with app.test_request_context():
        return url_for(endpoint, **args), method_for(rule)


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
        "note_id": db.session.scalar(select(Note.id).where(Note.case_id == case.id)),
        "member_id": db.session.scalar(select(TeamMember.id).where(TeamMember.case_id == case.id)),
        "placement_id": db.session.scalar(select(Placement.id).where(Placement.case_id == case.id)),
        "step": "share",
        "check_in_id": db.session.scalar(select(CheckIn.id).where(CheckIn.case_id == case.id)),
        "consent_id": db.session.scalar(select(Consent.id).where(Consent.case_id == case.id)),
    }
    missing = set(rule.arguments) - set(known)
    assert not missing, f"{rule.endpoint}: no test value for {sorted(missing)}"
    return {name: known[name] for name in rule.arguments}


def outcome(response):
    if response.status_code == 302 and response.headers["Location"].startswith("/login?next="):
        return LOGIN
    return response.status_code


# ---- the state every pair starts from ------------------------------------------------


# What each area's routes need beyond the session every case here has.
def _assessment(case, owner):
    db.session.add(
        Assessment(
            case_id=case.id,
            number=1,
            created_by_id=case.interventionist_id,
            reason="First assessment",
            data={"readiness": {"stage": "contemplation", "ruler": 4}},
        )
    )


def _education(case, owner):
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


def _notes(case, owner):
    note = notes_service.start_contact_note(
        case,
        "phone",
        notes_service.NoteData(utcnow(), 10, None, case.active_contacts[:1], [owner], "Called."),
        owner,
    )
    notes_service.sign(case, note, owner)


def _intervention(case, owner):
    intervention_service.ensure_plan(case)
    intervention_service.save_member(
        case,
        None,
        intervention_service.MemberData(
            case.active_contacts[0], "", "", "speaker", 1, 1, True, True, None
        ),
    )
    intervention_service.save_placement(
        case,
        None,
        {"facility": "Harbor House", "level": "residential", "financial_relationship": "none"},
    )


def _aftercare(case, owner):
    aftercare_service.start_pathway(case, "declined", local_today(), "Declined on the day", owner)
    aftercare_service.record_check_in(
        case,
        aftercare_service.CheckInData(
            local_today(),
            None,
            "phone",
            ["loved_one"],
            "not_in_treatment",
            None,
            False,
            None,
            None,
            None,
            None,
            None,
            "Spoke briefly.",
        ),
        owner,
    )


def _consent(case, owner):
    from casework.consent import kinds as consent_kinds
    from casework.consent import service as consent_service

    kind = consent_kinds.find("family_involvement")
    draft = consent_service.draft_from_kind(kind, recipients=case.active_contacts[:1])
    consent_service.create(case, draft, owner)


RECORDS_BY_AREA = {
    "assessment": _assessment,
    "education": _education,
    "notes": _notes,
    "intervention": _intervention,
    "aftercare": _aftercare,
    "consent": _consent,
}


@pytest.fixture
def case_records(people, request):
    """The case with what the endpoint under test takes an id of: a session
    tomorrow for every area, and for the endpoint's own area a draft
    assessment (version 1), an assignment and a packet of a practice module,
    a signed phone-call note, the intervention's team member and placement,
    or a follow-up pathway and a check-in. Built afresh for every test."""
    case, owner = people["case"], people["owner"]
    db.session.add(
        CaseSession(
            case_id=case.id,
            lead_id=case.interventionist_id,
            kind="follow_up",
            title="Follow-up",
            starts_at=utcnow() + timedelta(days=1),
            duration_minutes=60,
        )
    )
    params = getattr(request.node, "callspec", None)
    area = params.params.get("endpoint", "").split(".")[0] if params else ""
    builders = (
        [RECORDS_BY_AREA[area]] if area in RECORDS_BY_AREA else list(RECORDS_BY_AREA.values())
    )
    for build in builders:
        build(case, owner)
    db.session.commit()
    return case


def lock_the_assessment(case, people):
    assessment = assessment_service.current(case)
    assessment_service.complete(case, people["owner"], assessment)
    db.session.commit()


# State an endpoint is tried in, beyond `case_records` (see the comments above).
PREPARE = {"assessment.revise": lock_the_assessment}


@pytest.fixture
def client_as(people, factory, app):
    """client_as(who) -> a client signed in as that kind of user (only that one)."""

    def make(who):
        case = people["case"]
        if who == "anonymous":
            return app.test_client()
        if who == "co":
            user = factory.user(Role.INTERVENTIONIST, name="Cora Co")
            case.co_interventionist_id = user.id
            db.session.commit()
        elif who == "admin_sup":
            user = factory.user(Role.ADMIN, name="Ada Both", also_supervisor=True)
        else:
            user = people[who]
        client = app.test_client()
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return make


# ---- after the request: what it must (not) have changed ------------------------------


def versions_of(case):
    db.session.expire_all()
    found = db.session.scalars(
        select(Assessment).where(Assessment.case_id == case.id).order_by(Assessment.number)
    )
    return [(v.number, v.status) for v in found]


def check_complete(case, got):
    # Completed and locked exactly when the user may act on the case.
    expected = [(1, "completed")] if got == 302 else [(1, "draft")]
    assert versions_of(case) == expected


def check_revise(case, got):
    # An empty "revise" starts no new version, whoever sends it.
    assert versions_of(case) == [(1, "completed")]


CHECK_AFTER = {"assessment.complete": check_complete, "assessment.revise": check_revise}


# ---- tests ----------------------------------------------------------------------------


def test_every_case_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in case_rules(app)}
    assert endpoints, "no case-bound routes found in the URL map"
    assert endpoints == set(EXPECTED), (
        f"routes without an expectation: {sorted(endpoints - set(EXPECTED))}; "
        f"expectations without a route: {sorted(set(EXPECTED) - endpoints)}"
    )


@pytest.mark.parametrize(
    ("endpoint", "who"), [(endpoint, who) for endpoint in EXPECTED for who in WHO]
)
def test_every_user_gets_what_the_table_says(app, people, case_records, client_as, endpoint, who):
    case = case_records
    if endpoint in PREPARE:
        PREPARE[endpoint](case, people)
    client = client_as(who)
    url, method = url_and_method(app, endpoint, case)

    response = client.open(url, method=method)

    got = outcome(response)
    assert got == EXPECTED[endpoint][who], f"{method} {url} as {who}: got {got}"
    body = response.get_data().decode("utf-8", "replace")  # PDFs too
    if response.status_code in (403, 404):
        # A refusal gives nothing of the case away.
        assert case.loved_one_name not in body
        assert case.contacts[0].name not in body
    if response.status_code == 200 and endpoint in PDF_ENDPOINTS:
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
    elif response.status_code == 200 and endpoint in JSON_ENDPOINTS:
        assert response.mimetype == "application/json"
        assert response.get_json()["case_reference"] == case.reference
    elif response.status_code == 200:
        assert response.mimetype in ("text/html", "text/calendar"), response.mimetype
    if response.mimetype == "text/html" and response.status_code in (200, 422):
        assert case.reference in body
    if endpoint in CHECK_AFTER:
        CHECK_AFTER[endpoint](case, got)


UNKNOWN_REFERENCE_PAIRS = [
    (endpoint, who)
    for endpoint in EXPECTED
    for who in ("owner", "supervisor")
    # The role guard answers 403 before the case is looked up.
    if EXPECTED[endpoint][who] != 403
]


@pytest.mark.parametrize(("endpoint", "who"), UNKNOWN_REFERENCE_PAIRS)
def test_unknown_references_answer_404(app, case_records, client_as, endpoint, who):
    # Every other argument is a real id of the case's own records, so the
    # unknown reference alone makes the 404.
    url, method = url_and_method(app, endpoint, case_records, ref="C-1999-9999")
    response = client_as(who).open(url, method=method)
    assert response.status_code == 404
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
