"""casework.portal.access, the one place that decides what a family member may
see; and the family login kept out of every staff page."""

import ast
from pathlib import Path

import pytest
from flask import url_for
from werkzeug.exceptions import NotFound

from casework.portal import access
from tests.conftest import login

PORTAL = Path(__file__).resolve().parents[2] / "casework" / "portal"


@pytest.fixture
def signed_in(app, family):
    """signed_in(user): a request context in which `user` is signed in."""
    from flask_login import login_user

    def make(user):
        ctx = app.test_request_context()
        ctx.push()
        login_user(user)
        contexts.append(ctx)

    contexts = []
    yield make
    for ctx in reversed(contexts):
        ctx.pop()


def test_each_loader_gives_the_members_own_record_and_404_for_anything_else(
    family, assign, add_session, make_packet, signed_in, consented
):
    (mine,) = assign(family["fran_contact"], "writing-your-letter")
    (sams,) = assign(family["sam_contact"], "return-to-use")
    (olives,) = assign(family["olive_contact"], "levels-of-treatment")
    with_fran = add_session(family["case"], [family["fran_contact"]], title="Fran and me")
    with_sam = add_session(family["case"], [family["sam_contact"]], title="Sam only")
    elsewhere = add_session(family["other_case"], [family["olive_contact"]], title="Olive's")
    shared = make_packet(family["case"], "how-recovery-works", title="Shared")
    unshared = make_packet(family["case"], "how-recovery-works", shared=False, title="Draft")
    theirs = make_packet(family["other_case"], "how-recovery-works", title="Theirs")

    signed_in(family["fran"])
    assert access.member_contact().id == family["fran_contact"].id
    assert access.load_own_assignment(mine.id).id == mine.id
    assert access.load_own_session(with_fran.id).id == with_fran.id
    assert access.load_own_packet(shared.id).id == shared.id
    assert [a.id for a in access.own_assignments()] == [mine.id]
    assert [s.id for s in access.own_upcoming_sessions()] == [with_fran.id]
    assert [p.id for p in access.own_packets()] == [shared.id]

    refused = [
        (access.load_own_assignment, sams.id),  # another member of the same case
        (access.load_own_assignment, olives.id),  # another case
        (access.load_own_session, with_sam.id),  # a session she does not attend
        (access.load_own_session, elsewhere.id),
        (access.load_own_packet, unshared.id),  # not shared yet
        (access.load_own_packet, theirs.id),
    ]
    for loader in (access.load_own_assignment, access.load_own_session, access.load_own_packet):
        refused += [(loader, value) for value in (0, -1, 2**31, 2**63, 2**64)]
    for loader, value in refused:
        with pytest.raises(NotFound):
            loader(value)


def test_staff_and_unlinked_accounts_have_no_member_contact(people, signed_in, family):
    signed_in(people["owner"])  # staff: the portal decides nothing for them
    assert access.current_contact() is None
    with pytest.raises(NotFound):
        access.member_contact()


@pytest.mark.parametrize(
    "path",
    [
        "/portal/reading/{big}",
        "/portal/reading/{big}/finished",
        "/portal/sessions/{big}.ics",
        "/portal/packets/{big}.pdf",
    ],
)
@pytest.mark.parametrize("big", [0, 2**31, 2**63, 2**64])
def test_ids_out_of_range_are_404_through_the_portal_urls(family, as_user, path, big):
    client = as_user(family["fran"])
    method = "POST" if path.endswith("finished") else "GET"
    response = client.open(path.format(big=big), method=method)
    assert response.status_code == 404


def test_portal_views_load_only_through_portal_access():
    """No query in the views: every record comes from casework.portal.access."""
    source = (PORTAL / "views.py").read_text()
    tree = ast.parse(source)
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not imported & {"select", "db", "Contact", "Assignment", "Packet", "CaseSession"}
    assert "db.session" not in source and "select(" not in source


def test_a_family_login_passes_no_staff_guard(app, family, client):
    """Every route outside the portal, the invitation link and signing in, as
    a family member, with their own case's reference and real ids: refused by
    the role guard (403) before anything is looked up."""
    assert login(client, family["fran"]).status_code == 302
    open_to_all = {"static", "healthz", "index", "invites.accept", "scheduling.feed"}
    own_account = {
        "auth.login",
        "auth.logout",
        "auth.change_password",
        "auth.session_status",  # the page's idle clock, on portal pages too
        "auth.session_renew",
        # Signing in with a second factor, which family members may set up too.
        "auth.second_step",
        "auth.enrol_at_sign_in",
        "auth.two_factor_settings",
        "auth.two_factor_enrol",
        "auth.new_recovery_codes",
    }
    values = {
        "ref": family["case"].reference,
        "contact_id": family["fran_contact"].id,
        "session_id": 1,
        "outcome": "held",
        "number": 1,
        "code": "PHQ-9",
        "assignment_id": 1,
        "packet_id": 1,
        "user_id": family["fran"].id,
        "slug": "writing-your-letter",
        "note_id": 1,
        "member_id": 1,
        "placement_id": 1,
        "step": "share",
        "check_in_id": 1,
        "request_id": 1,
        "grant_id": 1,
        "consent_id": 1,
        "kind_id": 1,
    }
    tried = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("portal.") or rule.endpoint in open_to_all | own_account:
            continue
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.endpoint}: no test value for {sorted(missing)}"
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 403, f"{method} {url}: {response.status_code}"
            tried += 1
    assert tried > 40
