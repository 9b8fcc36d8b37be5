"""Every route that is not case-bound, tried as every kind of user.

Case-bound routes have their own matrix in tests/cases/test_access_matrix.py.
Each (endpoint, user) pair is its own test, with its own database and its
own signed-in client, so it passes alone and in any order. A new route
without an expectation here fails the first test.
"""

import pytest
from flask import url_for

from casework.auth.models import Role, User
from casework.education.service import write_module
from casework.extensions import db

LOGIN = "login"  # sent to the sign-in page
WHO = ("anonymous", "family", "admin", "interventionist", "supervisor")


def row(anonymous, family, admin, interventionist, supervisor):
    return dict(zip(WHO, (anonymous, family, admin, interventionist, supervisor), strict=True))


EVERYONE_200 = row(200, 200, 200, 200, 200)
ADMIN_ONLY = row(LOGIN, 403, 200, 403, 403)
CLINICAL = row(LOGIN, 403, 403, 200, 200)

EXPECTED = {
    "index": row(302, 302, 302, 302, 302),
    "healthz": EVERYONE_200,
    "static": EVERYONE_200,
    "auth.login": row(200, 302, 302, 302, 302),
    # Each pair has its own client, so signing out need no longer come last.
    "auth.logout": row(LOGIN, 302, 302, 302, 302),
    "auth.change_password": row(LOGIN, 200, 200, 200, 200),
    # The page's session clock: reading it renews nothing; renewing needs a session.
    "auth.session_status": EVERYONE_200,
    "auth.session_renew": row(401, 200, 200, 200, 200),
    # Half-way through signing in: without a password just given, back to /login.
    "auth.second_step": row(302, 302, 302, 302, 302),
    "auth.enrol_at_sign_in": row(302, 302, 302, 302, 302),
    "auth.two_factor_settings": row(LOGIN, 200, 200, 200, 200),
    "auth.two_factor_enrol": row(LOGIN, 200, 200, 200, 200),
    # Nobody here has set up two-factor sign-in yet: the form comes back.
    "auth.new_recovery_codes": row(LOGIN, 422, 422, 422, 422),
    "audit.index": ADMIN_ONLY,
    "audit.export_csv": ADMIN_ONLY,
    "users.index": ADMIN_ONLY,
    "users.new": ADMIN_ONLY,
    "users.detail": ADMIN_ONLY,
    "users.set_password": row(LOGIN, 403, 422, 403, 403),
    "users.set_active": row(LOGIN, 403, 302, 403, 403),
    "users.reset_two_factor": row(LOGIN, 403, 302, 403, 403),
    # An account's role: an empty POST names no role from the list (400).
    "access.change_role": row(LOGIN, 403, 400, 403, 403),
    # Where an account waiting for clinical access lands; everyone else goes on.
    "access.waiting": row(LOGIN, 403, 302, 302, 302),
    # Emergency (break-glass) access: an interventionist's form; a supervisor
    # sees every case already.
    "access.break_glass_form": row(LOGIN, 403, 403, 200, 403),
    # The supervisors' review of access; a request or grant that does not exist is 404.
    "access.review": row(LOGIN, 403, 403, 403, 200),
    "access.confirm_request": row(LOGIN, 403, 403, 403, 404),
    "access.decline_request": row(LOGIN, 403, 403, 403, 404),
    "access.review_grant": row(LOGIN, 403, 403, 403, 404),
    "cases.caseload": row(LOGIN, 403, 302, 200, 200),
    "cases.new_case": CLINICAL,
    "scheduling.calendar": CLINICAL,
    "scheduling.feed_settings": CLINICAL,
    # The token is the credential: an unknown one is 404 for everybody.
    "scheduling.feed": row(404, 404, 404, 404, 404),
    "portal.home": row(LOGIN, 200, 403, 403, 403),
    # Ids that belong to nobody: a family member gets 404, staff never pass the guard.
    "portal.reader": row(LOGIN, 404, 403, 403, 403),
    "portal.finished": row(LOGIN, 404, 403, 403, 403),
    "portal.session_ics": row(LOGIN, 404, 403, 403, 403),
    "portal.packet_pdf": row(LOGIN, 404, 403, 403, 403),
    # Their part in the intervention: a kind page while there is no plan; a
    # post has nothing to write to (404).
    "portal.intervention": row(LOGIN, 200, 403, 403, 403),
    "portal.intervention_post": row(LOGIN, 404, 403, 403, 403),
    # The check-in: a kind page while no follow-up is due; a post has nothing to answer (404).
    "portal.check_in": row(LOGIN, 200, 403, 403, 403),
    "portal.check_in_post": row(LOGIN, 404, 403, 403, 403),
    # The member's consents: the list opens; a consent that is nobody's is 404.
    "portal.consents_page": row(LOGIN, 200, 403, 403, 403),
    "portal.consent": row(LOGIN, 404, 403, 403, 403),
    "portal.consent_post": row(LOGIN, 404, 403, 403, 403),
    "portal.consent_pdf": row(LOGIN, 404, 403, 403, 403),
    # The member's own messages; an empty message is sent back to be written.
    "portal.messages": row(LOGIN, 200, 403, 403, 403),
    "portal.messages_post": row(LOGIN, 422, 403, 403, 403),
    # The invitation token is the credential: an unknown one is 404 for everybody.
    "invites.accept": row(404, 404, 404, 404, 404),
    "education.library": CLINICAL,
    "education.new_module": CLINICAL,
    "education.module": CLINICAL,
    "education.edit_module": CLINICAL,
    # An empty archive form comes back with its message.
    "education.archive_module": row(LOGIN, 403, 403, 422, 422),
    # Supervisors' pages: notes to sign off, supervision and headings, the checklist.
    "notes.queue": row(LOGIN, 403, 403, 403, 200),
    "notes.settings": row(LOGIN, 403, 403, 403, 200),
    # The practice page: supervisors (and administrators with supervisor access).
    "practice.index": row(LOGIN, 403, 403, 403, 200),
    "intervention.checklist": row(LOGIN, 403, 403, 403, 200),
    # The practice's own kinds of consent; archiving a kind that is nobody's is 404.
    "consent.kinds_page": row(LOGIN, 403, 403, 403, 200),
    "consent.archive_kind": row(LOGIN, 403, 403, 403, 404),
}


def other_rules(app):
    return [r for r in app.url_map.iter_rules() if "<ref>" not in r.rule]


def outcome(response):
    if response.status_code == 302 and response.headers["Location"].startswith("/login?next="):
        return LOGIN
    return response.status_code


@pytest.fixture
def values(factory):
    """Route arguments: a user and a practice module that really exist, ids
    that belong to nobody, and tokens that were never issued."""
    target = factory.user(Role.INTERVENTIONIST, name="Target Person")
    module = write_module(
        target,
        None,
        slug="guarded",
        title="Guarded",
        summary="x",
        topics=None,
        body="Text.",
        sources=None,
    )
    db.session.commit()
    return {
        "slug": module.slug,
        "user_id": target.id,
        "token": "no-such-token",
        "request_id": 999_999,
        "grant_id": 999_999,
        "filename": "css/casework.css",
        "assignment_id": 999_999,
        "session_id": 999_999,
        "packet_id": 999_999,
        "kind_id": 999_999,
        "consent_id": 999_999,
    }


SIGNED_IN_AS = {
    "family": "family",
    "admin": "admin",
    "interventionist": "owner",
    "supervisor": "supervisor",
}


@pytest.fixture
def client_as(app, people, as_user):
    """client_as(who) -> a client signed in as that kind of user (only that one)."""

    def make(who):
        if who == "anonymous":
            return app.test_client()
        return as_user(people[SIGNED_IN_AS[who]])

    return make


def check_set_active(client, values, got):
    # Only the administrator's POST deactivates the account.
    db.session.expire_all()
    assert db.session.get(User, values["user_id"]).active is (got != 302)


def check_logout(client, values, got):
    # Signed out for real: a page for any signed-in user now asks for sign-in.
    assert outcome(client.get("/account/password")) == LOGIN


CHECK_AFTER = {"users.set_active": check_set_active, "auth.logout": check_logout}


def test_every_other_route_has_an_expectation(app):
    endpoints = {r.endpoint for r in other_rules(app)}
    assert endpoints == set(EXPECTED), (
        f"without an expectation: {sorted(endpoints - set(EXPECTED))}; "
        f"stale expectations: {sorted(set(EXPECTED) - endpoints)}"
    )


@pytest.mark.parametrize(
    ("endpoint", "who"), [(endpoint, who) for endpoint in EXPECTED for who in WHO]
)
def test_every_user_gets_what_the_table_says(app, values, client_as, endpoint, who):
    rules = [r for r in other_rules(app) if r.endpoint == endpoint]
    assert len(rules) == 1, f"{endpoint}: {len(rules)} routes (expected one)"
    (rule,) = rules
    with app.test_request_context():
        url = url_for(endpoint, **{a: values[a] for a in rule.arguments})
    method = "GET" if "GET" in rule.methods else "POST"
    client = client_as(who)

    response = client.open(url, method=method)
    response.close()  # static files are streamed

    got = outcome(response)
    assert got == EXPECTED[endpoint][who], f"{method} {url} as {who}: got {got}"
    if endpoint in CHECK_AFTER:
        CHECK_AFTER[endpoint](client, values, got)
