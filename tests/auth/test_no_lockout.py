"""Nobody can lock another person out by guessing at their password, and a
refusal costs what a wrong password costs."""

import argon2
import pyotp
import pytest
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth import passwords, two_factor
from casework.auth.models import RecoveryCode
from casework.extensions import db
from tests.conftest import PASSWORD

ATTACKER = "203.0.113.66"
OWNER_AT = "198.51.100.20"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, email, password, code=None):
    data = {"email": email, "password": password}
    if code is not None:
        data["code"] = code
    return client.post("/login", data=data)


def enrol(user) -> list[str]:
    secret = pyotp.random_base32()
    codes = two_factor.enrol(user, secret, pyotp.TOTP(secret).now())
    user.totp_last_step = None
    db.session.commit()
    return codes


def summaries() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.summary)))


@pytest.fixture
def throttled(make_app_with):
    return make_app_with(RATELIMIT_ENABLED=True)


def test_five_guesses_do_not_lock_the_owner_out(people, throttled):
    owner = people["owner"]
    attacker = client_at(throttled, ATTACKER)
    for _ in range(5):
        assert sign_in(attacker, owner.email, "guess").status_code == 401

    # The attacker's address is held for this account, even with the password...
    assert sign_in(attacker, owner.email, PASSWORD).status_code == 429
    # ...but the owner, from their own address, signs in straight away.
    assert sign_in(client_at(throttled, OWNER_AT), owner.email, PASSWORD).status_code == 302


def guess_from_many_addresses(app, email: str, count: int) -> None:
    for n in range(count):
        response = sign_in(client_at(app, f"203.0.113.{n + 1}"), email, "guess")
        assert response.status_code == 401


def test_guesses_from_many_addresses_slow_the_account_down(people, throttled):
    owner = people["owner"]
    guess_from_many_addresses(throttled, owner.email, 10)  # the hour's allowance

    first = sign_in(client_at(throttled, "203.0.113.200"), owner.email, "guess")
    assert first.status_code == 401  # checked, and it holds the account for a second
    held = sign_in(client_at(throttled, "203.0.113.201"), owner.email, "guess")

    assert held.status_code == 429
    page = held.get_data(as_text=True)
    assert "Too many attempts for this account. Wait 2 seconds" in page or (
        "Wait 1 second," in page
    )
    assert f"Sign-in refused for {owner.email}: too many attempts" in summaries()


def test_the_password_with_a_code_passes_the_hold(people, throttled):
    owner = people["owner"]
    codes = enrol(owner)
    guess_from_many_addresses(throttled, owner.email, 10)
    sign_in(client_at(throttled, "203.0.113.200"), owner.email, "guess")  # takes the slot
    owner_browser = client_at(throttled, OWNER_AT)

    held = sign_in(owner_browser, owner.email, PASSWORD)
    assert held.status_code == 429
    assert "enter a code from it as well" in held.get_data(as_text=True)
    assert 'name="code"' in held.get_data(as_text=True)

    # A wrong password with a right code, or the right one with a wrong code: refused alike.
    for password, code in ((PASSWORD, "000000"), ("guess", codes[0])):
        refused = sign_in(client_at(throttled, ATTACKER), owner.email, password, code)
        assert refused.status_code == 429
        assert "The password or the code is not right." in refused.get_data(as_text=True)
    unspent = select(RecoveryCode.used_at).where(
        RecoveryCode.code_hash == two_factor.hash_recovery_code(codes[0])
    )
    assert db.session.scalar(unspent) is None  # the pair failed: the code was not used up

    passed = sign_in(owner_browser, owner.email, PASSWORD, pyotp.TOTP(owner.totp_secret).now())

    assert passed.status_code == 302 and passed.headers["Location"] == "/cases/"
    assert "Signed in with a code from an authenticator app while the account was held" in (
        summaries()
    )


def test_an_unknown_account_is_held_like_a_real_one(people, throttled):
    for email in (people["owner"].email, "nobody@example.org"):
        guess_from_many_addresses(throttled, email, 10)
        sign_in(client_at(throttled, "203.0.113.200"), email, "guess")
        held = sign_in(client_at(throttled, "203.0.113.201"), email, "guess")
        assert held.status_code == 429 and 'name="code"' in held.get_data(as_text=True)


# ---- the cost of a refusal -----------------------------------------------------------------


@pytest.fixture
def verified(monkeypatch):
    """Every argon2 verification made: the hash each was made against."""
    hashes: list[str] = []
    real = argon2.PasswordHasher.verify

    def spy(self, stored_hash, password):
        hashes.append(stored_hash)
        return real(self, stored_hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", spy)
    return hashes


def test_unknown_and_deactivated_accounts_cost_a_real_verification(app, people, verified):
    owner, gone = people["owner"], people["other"]
    gone.active = False
    db.session.commit()
    client = app.test_client()

    for email, password in (
        (owner.email, "wrong password"),
        ("nobody@example.org", "wrong password"),
        (gone.email, PASSWORD),
        (gone.email, "wrong password"),
    ):
        before = len(verified)
        assert sign_in(client, email, password).status_code == 401
        assert len(verified) == before + 1, email  # exactly one argon2 verification each

    assert verified[0] == owner.password_hash
    assert verified[1] == passwords.dummy_hash()  # argon2id at the defaults, like a real one
    assert verified[2] == verified[3] == gone.password_hash  # its own hash, not skipped
