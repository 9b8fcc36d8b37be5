"""Two-factor sign-in: setting up an authenticator app, the code after the
password, replayed codes, recovery codes, throttling, the admin's reset and
the setting that requires it of staff."""

import hashlib
import re
from urllib.parse import unquote

import pyotp
import pytest
import segno
from sqlalchemy import select

from casework import create_app
from casework.audit.models import AuditEvent
from casework.auth import two_factor
from casework.auth.models import RecoveryCode, User
from casework.extensions import db
from tests.conftest import PASSWORD

SECRET_ON_PAGE = re.compile(r'id="secret-key">([A-Z2-7 ]+)<')
RECOVERY_ON_PAGE = re.compile(r"<li><code>([a-z0-9-]{19})</code></li>")


def enrol(user) -> list[str]:
    """Set up an authenticator app for `user` as the pages would; its codes."""
    secret = pyotp.random_base32()
    codes = two_factor.enrol(user, secret, pyotp.TOTP(secret).now())
    user.totp_last_step = None  # the enrolling code may sign in too, in these tests
    db.session.commit()
    return codes


def code_for(user) -> str:
    db.session.refresh(user)
    return pyotp.TOTP(user.totp_secret).now()


def events(action: str | None = None) -> list[tuple[str, str | None]]:
    db.session.expire_all()
    query = select(AuditEvent.action, AuditEvent.summary).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return [tuple(row) for row in db.session.execute(query)]


def password_step(client, user, password=PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def text(response) -> str:
    return response.get_data(as_text=True)


# ---- setting it up ---------------------------------------------------------------------


def test_a_family_member_sets_up_an_app_from_their_account(people, as_user):
    family = people["family"]
    client = as_user(family)
    assert "Off" in text(client.get("/account/two-factor"))
    assert "Two-factor sign-in" in text(client.get("/account/password"))  # reached by a link

    page = client.get("/account/two-factor/set-up")

    assert page.status_code == 200
    secret = SECRET_ON_PAGE.search(text(page)).group(1).replace(" ", "")
    # The QR code is an SVG image of the otpauth:// address for this secret, no script.
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=family.email, issuer_name="Harbor Family Intervention"
    )
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', text(page)).group(1)
    assert qr == segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    svg = unquote(qr.split(",", 1)[1])
    assert svg.startswith("<svg") or svg.startswith("<?xml") and "<script" not in svg
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]

    wrong = client.post(
        "/account/two-factor/set-up", data={"code": "000000", "password": PASSWORD}
    )
    assert wrong.status_code == 422 and "That code is not right" in text(wrong)
    # A session left open is not enough: the app is set up with the password only.
    for password in ("", "not-the-password"):
        refused = client.post(
            "/account/two-factor/set-up",
            data={"code": pyotp.TOTP(secret).now(), "password": password},
        )
        assert refused.status_code == 422
        assert "password" in text(refused).lower()
    db.session.refresh(family)
    assert not family.two_factor_enrolled

    done = client.post(
        "/account/two-factor/set-up",
        data={"code": pyotp.TOTP(secret).now(), "password": PASSWORD},
    )

    assert done.status_code == 200
    shown = RECOVERY_ON_PAGE.findall(text(done))
    assert len(shown) == 10 and len(set(shown)) == 10
    db.session.refresh(family)
    assert family.two_factor_enrolled and family.totp_secret == secret
    stored = set(
        db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == family.id))
    )
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in shown}
    assert ("two_factor_enrol", f"Two-factor sign-in set up for {family.email}") in events()
    assert "On" in text(client.get("/account/two-factor"))
    # Shown once: the account page never shows them again.
    assert shown[0] not in text(client.get("/account/two-factor"))


# ---- signing in with a code ----------------------------------------------------------


def test_an_enrolled_account_is_asked_for_a_code_and_reaches_nothing_before_it(app, people):
    owner = people["owner"]
    enrol(owner)
    client = app.test_client()

    first = password_step(client, owner)

    assert first.status_code == 302 and first.headers["Location"] == "/login/code"
    # Half-way: no page of the app answers yet.
    for url in (
        "/cases/",
        "/account/password",
        "/account/two-factor",
        f"/cases/{people['case'].reference}/",
    ):
        assert client.get(url).headers["Location"].startswith("/login"), url
    assert not signed_in(client)
    wrong = client.post("/login/code", data={"code": "123456"})
    assert wrong.status_code == 401 and "That code is not right" in text(wrong)

    right = client.post("/login/code", data={"code": code_for(owner)})

    assert right.status_code == 302 and right.headers["Location"] == "/cases/"
    assert signed_in(client)
    assert ("login_failed", "Wrong two-factor code") in events()
    assert ("login", "Signed in with a code from an authenticator app") in events()


def test_the_code_page_needs_the_password_first(app, people):
    client = app.test_client()
    response = client.post("/login/code", data={"code": "123456"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_code_is_accepted_once(app, people):
    owner = people["owner"]
    enrol(owner)
    code = code_for(owner)
    first = app.test_client()
    password_step(first, owner)
    assert first.post("/login/code", data={"code": code}).status_code == 302

    again = app.test_client()
    password_step(again, owner)
    replayed = again.post("/login/code", data={"code": code})

    assert replayed.status_code == 401
    assert "That code has been used already" in text(replayed)
    assert not signed_in(again)
    assert ("login_failed", "Two-factor code refused: already used") in events()


def test_wrong_codes_are_throttled_like_passwords(people, make_app_with):
    app = make_app_with(RATELIMIT_ENABLED=True)
    owner = people["owner"]
    enrol(owner)
    client = app.test_client()
    password_step(client, owner)
    for _ in range(5):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 401

    blocked = client.post("/login/code", data={"code": code_for(owner)})

    assert blocked.status_code == 429
    assert "Too many attempts for this account" in text(blocked)
    assert not signed_in(client)
    assert ("login_failed", "Two-factor code refused: too many attempts") in events()


def test_a_recovery_code_signs_in_once(app, people):
    owner = people["owner"]
    codes = enrol(owner)
    client = app.test_client()
    password_step(client, owner)

    used = client.post("/login/code", data={"code": codes[0].upper().replace("-", " ")})

    assert used.status_code == 302
    assert "You used a recovery code; 9 left." in text(client.get("/cases/"))
    assert ("login", "Signed in with a recovery code") in events()
    again = app.test_client()
    password_step(again, owner)
    assert again.post("/login/code", data={"code": codes[0]}).status_code == 401
    assert again.post("/login/code", data={"code": codes[1]}).status_code == 302


def test_new_recovery_codes_need_the_password_and_replace_the_old(people, as_user):
    owner = people["owner"]
    old = enrol(owner)
    client = as_user(owner)
    wrong = client.post("/account/two-factor/recovery-codes", data={"password": "not it"})
    assert wrong.status_code == 422 and "That is not your password." in text(wrong)

    made = client.post("/account/two-factor/recovery-codes", data={"password": PASSWORD})

    new = RECOVERY_ON_PAGE.findall(text(made))
    assert made.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    db.session.refresh(owner)
    assert two_factor.check(owner, old[0]) == two_factor.WRONG
    assert two_factor.check(owner, new[0]) == two_factor.ACCEPTED_RECOVERY
    assert ("two_factor_enrol", f"New recovery codes made for {owner.email}") in events()


# ---- the setting and the administrator's reset -------------------------------------------


def test_staff_are_required_to_use_it_by_default():
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"] is True


@pytest.mark.parametrize("value", ["0", "off", "false"])
def test_the_requirement_can_be_turned_off_from_the_environment(monkeypatch, value):
    monkeypatch.setenv("TWO_FACTOR_REQUIRED_FOR_STAFF", value)
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"] is False


def test_with_the_requirement_staff_set_it_up_before_anything_else(app, people):
    app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"] = True
    owner = people["owner"]
    client = app.test_client()

    first = password_step(client, owner)

    assert first.headers["Location"] == "/login/set-up"
    assert client.get("/cases/").headers["Location"].startswith("/login")
    page = client.get("/login/set-up")
    assert page.status_code == 200 and "Staff accounts sign in with a code" in text(page)
    secret = SECRET_ON_PAGE.search(text(page)).group(1).replace(" ", "")
    done = client.post("/login/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and len(RECOVERY_ON_PAGE.findall(text(done))) == 10
    assert client.get("/cases/").status_code == 200
    assert ("login", "Signed in after setting up two-factor sign-in") in events()
    # Family members are not required to.
    family = app.test_client()
    assert password_step(family, people["family"]).headers["Location"] == "/portal/"


def test_without_the_requirement_staff_sign_in_with_the_password(app, people):
    app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"] = False
    client = app.test_client()
    assert password_step(client, people["owner"]).headers["Location"] == "/cases/"


def test_an_administrator_resets_it_and_the_user_sets_it_up_again(app, people, as_user):
    app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"] = True
    owner, admin = people["owner"], people["admin"]
    enrol(admin)
    codes = enrol(owner)
    owners_browser = app.test_client()
    password_step(owners_browser, owner)
    owners_browser.post("/login/code", data={"code": codes[0]})
    assert signed_in(owners_browser)
    administrator = app.test_client()
    password_step(administrator, admin)
    administrator.post("/login/code", data={"code": code_for(admin)})
    assert "Reset two-factor sign-in" in text(administrator.get(f"/admin/users/{owner.id}"))

    reset = administrator.post(f"/admin/users/{owner.id}/two-factor/reset")

    assert reset.status_code == 302
    assert "Two-factor sign-in reset for" in text(administrator.get(reset.headers["Location"]))
    db.session.expire_all()
    owner = db.session.get(User, owner.id)
    assert not owner.two_factor_enrolled and owner.totp_secret is None
    assert (
        db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == owner.id)).all() == []
    )
    assert not signed_in(owners_browser)  # signed out everywhere
    assert ("two_factor_reset", f"Two-factor sign-in reset for {owner.email}") in events()
    actor = db.session.scalar(
        select(AuditEvent.actor_id).where(AuditEvent.action == "two_factor_reset")
    )
    assert actor == admin.id
    # Next sign-in: set it up again; the old recovery codes are gone.
    again = app.test_client()
    assert password_step(again, owner).headers["Location"] == "/login/set-up"
    assert again.post("/login/code", data={"code": codes[1]}).headers["Location"] == "/login"


def test_only_administrators_reset_it(people, as_user):
    owner = people["owner"]
    enrol(owner)
    for who in ("supervisor", "other", "family"):
        response = as_user(people[who]).post(f"/admin/users/{owner.id}/two-factor/reset")
        assert response.status_code == 403
    db.session.refresh(owner)
    assert owner.two_factor_enrolled


def test_recovery_codes_are_long_and_random():
    codes = [two_factor._new_recovery_code() for _ in range(50)]
    assert len(set(codes)) == 50
    assert all(re.fullmatch(r"[a-z0-9]{4}(-[a-z0-9]{4}){3}", c) for c in codes)
