"""A deactivated family account stays off: no invitation switches it back on."""

from sqlalchemy import select

from casework.auth.models import User
from casework.extensions import db
from casework.portal import service as invites
from casework.portal.models import PortalInvite
from casework.timeutil import utcnow
from tests.conftest import login

NEW_PASSWORD = "a long walk on the pier"


def _invite(people) -> str:
    case, fran = people["case"], people["family"]
    contact = next(c for c in case.contacts if c.user_id == fran.id)
    token = invites.invite(case, people["owner"], contact)
    db.session.commit()
    return token


def _deactivate(as_user, people):
    admin = as_user(people["admin"])
    response = admin.post(f"/admin/users/{people['family'].id}/active", data={"active": "0"})
    assert response.status_code == 302


def _try(client, token):
    return client.post(f"/invite/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def test_an_unused_invitation_no_longer_reopens_a_deactivated_account(people, as_user, client):
    token = _invite(people)
    _deactivate(as_user, people)

    page = client.get(f"/invite/{token}")
    assert page.status_code == 410
    assert "This link is no longer valid." in page.text
    response = _try(client, token)
    assert response.status_code == 410
    assert client.get("/portal/").status_code != 200

    db.session.expire_all()
    fran = db.session.get(User, people["family"].id)
    assert fran.active is False
    assert login(client.application.test_client(), fran, NEW_PASSWORD).status_code != 302
    # Deactivation withdrew the link itself: it stays dead if the account comes back.
    assert db.session.scalar(select(PortalInvite)).expires_at <= utcnow()


def test_a_link_withdrawn_at_deactivation_stays_dead_after_reactivation(people, as_user, client):
    token = _invite(people)
    _deactivate(as_user, people)
    admin = as_user(people["admin"])
    admin.post(f"/admin/users/{people['family'].id}/active", data={"active": "1"})
    assert _try(client, token).status_code == 410
    assert "This link has expired." in client.get(f"/invite/{token}").text


def test_a_link_made_after_deactivation_does_not_reopen_the_account(people, as_user, client):
    _deactivate(as_user, people)
    token = _invite(people)
    assert _try(client, token).status_code == 410
    db.session.expire_all()
    assert db.session.get(User, people["family"].id).active is False


def test_an_account_switched_off_after_the_page_opened_is_not_reopened(
    people, as_user, client, monkeypatch
):
    """The account is deactivated between the link's check and the password."""
    token = _invite(people)
    found = invites.find_invite(token)
    people["family"].active = False
    db.session.commit()
    monkeypatch.setattr(invites, "find_invite", lambda _token: found)
    assert _try(client, token).status_code == 409
    db.session.expire_all()
    assert db.session.get(User, people["family"].id).active is False
