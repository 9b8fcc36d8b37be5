"""Re-entering one's password (to change it, to sign a note): throttled like sign-in."""

import pytest
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth import reauth
from casework.auth.passwords import verify_password
from casework.auth.reauth import TooManyAttempts, confirm_password
from casework.extensions import db
from tests.conftest import PASSWORD, login

NEW = "a completely new passphrase"


@pytest.fixture
def throttled(app, make_app_with):
    """The run's app with the limits on (the limiter itself is made ready, with
    fresh counts, by building an app that has them on)."""
    make_app_with(RATELIMIT_ENABLED=True)
    app.config["RATELIMIT_ENABLED"] = True
    return app


def failures(user) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.action == "login_failed", AuditEvent.actor_id == user.id
            )
        )
    )


def test_the_right_password_is_confirmed_and_a_wrong_one_audited(app, people):
    owner = people["owner"]
    with app.test_request_context():
        assert confirm_password(owner, PASSWORD) is True
        assert confirm_password(owner, "not it") is False
        assert confirm_password(owner, "") is False
        db.session.commit()
    assert failures(owner) == ["Password re-entry failed"] * 2


def test_the_limit_is_sign_ins_per_account_limit(people, throttled, monkeypatch):
    app = throttled
    assert app.config["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per 15 minutes"
    owner, other = people["owner"], people["other"]
    with app.test_request_context():
        for _ in range(5):
            assert confirm_password(owner, "wrong") is False
        checked = []
        monkeypatch.setattr(reauth, "verify_password", lambda *a: checked.append(a) or True)

        with pytest.raises(TooManyAttempts) as refused:
            confirm_password(owner, PASSWORD)  # even the right one waits now

        assert checked == []  # counted and refused before any check
        assert refused.value.code == 429
        assert "Wait 15 minutes" in refused.value.description
        assert confirm_password(other, PASSWORD) is True  # another account is not held up
        db.session.commit()
    assert failures(owner)[-1] == "Password re-entry refused: too many attempts"


def test_right_passwords_do_not_use_up_the_limit(people, throttled):
    app = throttled
    owner = people["owner"]
    with app.test_request_context():
        for _ in range(12):  # a day's notes signed one after another
            assert confirm_password(owner, PASSWORD) is True
        for _ in range(4):
            assert confirm_password(owner, "wrong") is False
        assert confirm_password(owner, PASSWORD) is True


def test_changing_the_password_is_throttled_on_the_current_one(people, make_app_with):
    app = make_app_with(RATELIMIT_ENABLED=True)
    owner = people["owner"]
    client = app.test_client()
    assert login(client, owner).status_code == 302
    attempt = {"current": "wrong", "password": NEW, "confirm": NEW}
    for _ in range(5):
        response = client.post("/account/password", data=attempt)
        assert response.status_code == 422
        assert "That is not your current password." in response.get_data(as_text=True)

    blocked = client.post("/account/password", data={**attempt, "current": PASSWORD})

    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert "Too many wrong passwords for this account. Wait 15 minutes" in page
    assert 'name="password"' in page  # the form again, with its message
    db.session.expire_all()
    db.session.refresh(owner)
    assert verify_password(owner.password_hash, PASSWORD)  # unchanged
    assert "Password re-entry refused: too many attempts" in failures(owner)
