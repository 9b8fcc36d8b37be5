"""The one-time invitation link: set a password, get signed in, land on /portal/."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth.models import User
from casework.auth.passwords import verify_password
from casework.cases.models import Contact
from casework.extensions import db
from casework.portal import service as invites
from casework.portal.models import PortalInvite
from casework.timeutil import utcnow
from tests.conftest import login

GOOD = "a quiet walk by the harbor"


def _invite(people, contact=None, email="dana@example.org") -> tuple[str, Contact]:
    case = people["case"]
    if contact is None:
        contact = case.active_contacts[0]
        contact.email = email
    token = invites.invite(case, people["owner"], contact)
    db.session.commit()
    return token, contact


def _post(client, token, password=GOOD, confirm=None):
    return client.post(
        f"/invite/{token}",
        data={"password": password, "confirm": password if confirm is None else confirm},
    )


def _counts():
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def test_a_fresh_invite_sets_a_password_signs_in_and_lands_on_the_portal(client, people):
    token, contact = _invite(people)
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Welcome, Relative" in html and "Choose a password" in html
    assert "988" in html  # crisis lines on every portal page

    response = _post(client, token)
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"
    home = client.get("/portal/")
    assert home.status_code == 200
    assert "sign in with dana@example.org" in home.get_data(as_text=True)

    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "dana@example.org"))
    assert user.is_family and verify_password(user.password_hash, GOOD)
    assert db.session.get(Contact, contact.id).user_id == user.id
    assert db.session.scalar(select(PortalInvite)).used_at is not None
    # the new password works at the ordinary sign-in too
    assert login(client.application.test_client(), user, GOOD).status_code == 302


def test_the_same_link_works_only_once(client, people):
    token, _ = _invite(people)
    assert _post(client, token).status_code == 302
    again = client.application.test_client()
    for response in (again.get(f"/invite/{token}"), _post(again, token, "another long password")):
        assert response.status_code == 410
        html = response.get_data(as_text=True)
        assert "This link has already been used." in html
        assert "ask your interventionist for a new link" in html
    user = db.session.scalar(select(User).where(User.email == "dana@example.org"))
    assert verify_password(user.password_hash, GOOD)  # the second try changed nothing


def test_an_expired_link_says_so_and_creates_nothing(client, people):
    token, _ = _invite(people)
    invite = db.session.scalar(select(PortalInvite))
    invite.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = _counts()
    for response in (client.get(f"/invite/{token}"), _post(client, token)):
        assert response.status_code == 410
        html = response.get_data(as_text=True)
        assert "This link has expired." in html
        assert "ask your interventionist for a new link" in html
        assert 'name="password"' not in html
    assert _counts() == before
    assert db.session.scalar(select(PortalInvite)).used_at is None
    assert client.get("/portal/").status_code == 302  # not signed in


@pytest.mark.parametrize(
    "token", ["forged-token", "x" * 5000, "%3Cscript%3Ealert(1)%3C", "' OR 1=1 --"]
)
def test_a_forged_link_is_not_valid_and_creates_nothing(client, people, token):
    _invite(people)
    before = _counts()
    for response in (client.get(f"/invite/{token}"), _post(client, token)):
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "This link is not valid." in html
        assert "ask your interventionist for a new link" in html
        assert "<script>" not in html
    assert _counts() == before
    assert db.session.scalar(select(PortalInvite)).used_at is None


def test_a_newer_invite_retires_the_older_link(client, people):
    old, contact = _invite(people)
    new, _ = _invite(people, contact)
    assert client.get(f"/invite/{old}").status_code == 410
    assert _post(client, new).status_code == 302


def test_an_existing_family_account_gets_a_new_password_and_old_cookies_stop(
    client, people, as_user
):
    fran = people["family"]
    contact = db.session.scalar(select(Contact).where(Contact.user_id == fran.id))
    elsewhere = as_user(fran)
    token, _ = _invite(people, contact)
    assert _post(client, token).status_code == 302
    assert client.get("/portal/").status_code == 200
    assert elsewhere.get("/portal/").status_code == 302  # the old session ended
    assert db.session.scalar(select(func.count()).select_from(User).where(User.id == fran.id))
    db.session.expire_all()
    assert verify_password(db.session.get(User, fran.id).password_hash, GOOD)


def test_an_email_another_account_uses_is_refused_without_a_500(client, people):
    token, _ = _invite(people, email=people["owner"].email)
    before = _counts()
    response = _post(client, token)
    assert response.status_code == 409
    assert "An account already uses this email" in response.get_data(as_text=True)
    assert _counts() == before
    assert db.session.scalar(select(PortalInvite)).used_at is None


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "Use at least 10 characters."),
        (GOOD, "a quiet walk by the river", "The passwords differ."),
        ("p" * 10_000, "p" * 10_000, "Field cannot be longer than 200 characters."),
        ("<script>alert(1)</script>", "<script>", "The passwords differ."),
        ("<b>", "<b>", "Use at least 10 characters."),
        ("", "", "This field is required."),
    ],
)
def test_bad_passwords_give_the_form_again_with_its_message(
    client, people, password, confirm, message
):
    token, _ = _invite(people)
    before = _counts()
    response = _post(client, token, password, confirm)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'name="password"' in html and "Set my password" in html
    assert "<script>alert" not in html and "<b>" not in html
    assert _counts() == before
    assert db.session.scalar(select(PortalInvite)).used_at is None
    assert _post(client, token).status_code == 302  # the link still works afterwards


def test_the_form_needs_its_csrf_token(make_app_with, people):
    app = make_app_with(WTF_CSRF_ENABLED=True)
    token, _ = _invite(people)
    with app.app_context():
        response = app.test_client().post(
            f"/invite/{token}", data={"password": GOOD, "confirm": GOOD}
        )
    assert response.status_code == 400
    assert db.session.scalar(select(PortalInvite)).used_at is None


def test_posts_to_invite_links_are_rate_limited(make_app_with, people):
    app = make_app_with(RATELIMIT_ENABLED=True, INVITE_LIMIT_PER_ADDRESS="3 per 15 minutes")
    with app.app_context():
        client = app.test_client()
        codes = [_post(client, "forged-token").status_code for _ in range(4)]
        assert client.get("/invite/forged-token").status_code == 404  # reading is not limited
    assert codes == [404, 404, 404, 429]


def test_the_link_staff_are_given_opens_this_page(client, people, as_user):
    import re

    case = people["case"]
    contact = case.active_contacts[0]
    staff_page = as_user(people["owner"]).post(
        f"/cases/{case.reference}/contacts/{contact.id}/invite"
    )
    link = re.search(r'value="http://localhost(/invite/[^"]+)"', staff_page.get_data(as_text=True))
    assert link, "no invitation link on the staff page"
    assert client.get(link.group(1)).status_code == 200
    assert _post(client, link.group(1).rsplit("/", 1)[1]).status_code == 302


def test_an_invitation_is_claimed_once_even_when_sent_twice_at_once(people):
    """Two submissions that both found the link unused: only the first may use it."""
    token, _ = _invite(people)
    first = invites.find_invite(token)
    second = invites.find_invite(token)  # looked up before the first was used
    invites.accept_invite(first, "a long enough password")
    with pytest.raises(invites.InviteError, match="already been used"):
        invites.accept_invite(second, "another long password")


def test_the_new_account_is_a_family_account_made_by_the_auth_service(client, people):
    token, contact = _invite(people)
    assert _post(client, token).status_code == 302
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "dana@example.org"))
    assert user.role == "family" and not user.is_staff
    assert user.password_hash.startswith("$argon2id$")
    assert db.session.get(Contact, contact.id).user_id == user.id
    summaries = set(db.session.scalars(select(AuditEvent.summary)))
    assert "Account created for dana@example.org" in summaries  # auth's own audit line


def test_a_link_never_resets_a_staff_account(client, people):
    """Were a contact ever tied to a staff login, its invitation sets no password."""
    owner = people["owner"]
    contact = people["case"].active_contacts[0]
    contact.user_id = owner.id
    token, _ = _invite(people, contact)
    before = owner.password_hash
    response = _post(client, token)
    assert response.status_code == 409
    assert "cannot set a password for this account" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, owner.id).password_hash == before
    assert db.session.scalar(select(PortalInvite)).used_at is None
