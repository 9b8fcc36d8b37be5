"""The demo practice lets a newcomer in: its staff sign in with a code from
the published demo secret, which `flask demo-code` prints."""

from casework.demo.sign_in import DEMO_TOTP_SECRET

PW = "demo-password-1"


def test_demo_staff_sign_in_with_the_printed_demo_code(app, seed_demo, runner):
    seed_demo(PW)
    client = app.test_client()

    first = client.post("/login", data={"email": "interventionist@example.org", "password": PW})

    assert first.headers["Location"] == "/login/code"
    printed = runner.invoke(args=["demo-code"])
    assert printed.exit_code == 0
    code = printed.stdout.strip()
    assert code.isdigit() and len(code) == 6
    assert DEMO_TOTP_SECRET in printed.stderr
    signed_in = client.post("/login/code", data={"code": code})
    assert signed_in.headers["Location"] == "/cases/"


def test_every_demo_staff_account_has_the_demo_secret_and_family_none(app, seed_demo):
    from sqlalchemy import select

    from casework.auth.models import User
    from casework.extensions import db

    seed_demo(PW)
    for email in (
        "admin@example.org",
        "supervisor@example.org",
        "interventionist@example.org",
        "interventionist2@example.org",
    ):
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.two_factor_enrolled and user.totp_secret == DEMO_TOTP_SECRET, email
    family = db.session.scalar(select(User).where(User.email == "family@example.org"))
    assert not family.two_factor_enrolled
    client = app.test_client()
    response = client.post("/login", data={"email": "family@example.org", "password": PW})
    assert response.headers["Location"] == "/portal/"
