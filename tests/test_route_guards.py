"""Every route that is not case-bound, tried as every kind of user.

Case-bound routes have their own matrix in tests/cases/test_access_matrix.py.
A new route without an expectation here fails the first test.
"""

import pytest
from flask import url_for

from casework.auth.models import Role
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
    "auth.logout": row(LOGIN, 302, 302, 302, 302),
    "auth.change_password": row(LOGIN, 200, 200, 200, 200),
    "audit.index": ADMIN_ONLY,
    "users.index": ADMIN_ONLY,
    "users.new": ADMIN_ONLY,
    "users.detail": ADMIN_ONLY,
    "users.set_password": row(LOGIN, 403, 422, 403, 403),
    "users.set_active": row(LOGIN, 403, 302, 403, 403),
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
    # The invitation token is the credential: an unknown one is 404 for everybody.
    "invites.accept": row(404, 404, 404, 404, 404),
    "education.library": CLINICAL,
    "education.new_module": CLINICAL,
    "education.module": CLINICAL,
    "education.edit_module": CLINICAL,
    # An empty archive form comes back with its message.
    "education.archive_module": row(LOGIN, 403, 403, 422, 422),
}


def other_rules(app):
    return [r for r in app.url_map.iter_rules() if "<ref>" not in r.rule]


def test_every_other_route_has_an_expectation(app):
    endpoints = {r.endpoint for r in other_rules(app)}
    assert endpoints == set(EXPECTED), (
        f"without an expectation: {sorted(endpoints - set(EXPECTED))}; "
        f"stale expectations: {sorted(set(EXPECTED) - endpoints)}"
    )


@pytest.fixture
def clients(people, factory, as_user, app):
    users = {
        "family": people["family"],
        "admin": people["admin"],
        "interventionist": people["owner"],
        "supervisor": people["supervisor"],
    }
    made = {who: as_user(user) for who, user in users.items()}
    made["anonymous"] = app.test_client()
    return made


def test_every_user_gets_what_the_table_says(app, clients, factory):
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
    values = {
        "slug": module.slug,
        "user_id": target.id,
        "token": "no-such-token",
        "filename": "css/casework.css",
        "assignment_id": 999_999,
        "session_id": 999_999,
        "packet_id": 999_999,
    }
    wrong = {}
    for rule in other_rules(app):
        with app.test_request_context():
            url = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
        method = "GET" if "GET" in rule.methods else "POST"
        # Sign-out last, so it does not sign the other requests out.
        for who in WHO:
            if rule.endpoint == "auth.logout":
                continue
            response = clients[who].open(url, method=method)
            response.close()  # static files are streamed
            got = response.status_code
            if got == 302 and response.headers["Location"].startswith("/login?next="):
                got = LOGIN
            if got != EXPECTED[rule.endpoint][who]:
                wrong[(rule.endpoint, who)] = (got, EXPECTED[rule.endpoint][who])
    for who in WHO:
        response = clients[who].post("/logout")
        got = response.status_code
        if got == 302 and response.headers["Location"].startswith("/login?next="):
            got = LOGIN
        if got != EXPECTED["auth.logout"][who]:
            wrong[("auth.logout", who)] = (got, EXPECTED["auth.logout"][who])
    assert not wrong, f"(endpoint, user): (got, expected): {wrong}"
