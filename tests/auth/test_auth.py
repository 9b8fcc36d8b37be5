"""Signing in and out, sessions that end, throttling, passwords, accounts."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from casework.auth.access_requests import AccessRequest
from casework.auth.models import User
from casework.extensions import db
from tests.conftest import PASSWORD, login

NO_MATCH = "That email and password do not match an active account."
NEW_PASSWORD = "a completely new passphrase"


def error_messages(page: str) -> list[str]:
    return re.findall(r'<p class="error"[^>]*>(.*?)</p>', page)


def signed_in(client) -> bool:
    response = client.get("/account/password")
    return response.status_code == 200


def copy_session(client, app):
    """A second browser holding the same cookie (a stolen or shared one)."""
    twin = app.test_client()
    twin.set_cookie("session", client.get_cookie("session").value)
    return twin


def get_user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


# ---- signing in ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("owner", "/cases/"),
        ("supervisor", "/cases/"),
        ("admin", "/cases/"),
        ("family", "/portal/"),
    ],
)
def test_sign_in_lands_staff_on_the_caseload_and_family_on_the_portal(app, people, who, landing):
    client = app.test_client()
    response = login(client, people[who])
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    page = client.get(landing, follow_redirects=True)
    assert page.status_code == 200
    assert people[who].name in page.get_data(as_text=True)


def test_an_administrator_lands_on_their_own_pages(app, people):
    client = app.test_client()
    login(client, people["admin"])
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users/"
    # and the case list itself stays closed to them
    assert people["case"].reference not in client.get("/cases/", follow_redirects=True).get_data(
        as_text=True
    )


def test_signed_in_visitors_to_the_login_page_go_to_their_landing(app, people, as_user):
    assert as_user(people["family"]).get("/login").headers["Location"] == "/portal/"
    assert as_user(people["owner"]).get("/").headers["Location"] == "/cases/"


def test_wrong_password_and_unknown_email_look_the_same(app, people):
    client = app.test_client()
    owner = people["owner"]
    people_inactive = people["other"]
    people_inactive.active = False
    db.session.commit()

    wrong = login(client, owner, "not the password")
    unknown = login(client, "nobody@example.org", "not the password")
    inactive = login(client, people_inactive, PASSWORD)

    for response in (wrong, unknown, inactive):
        assert response.status_code == 401
        assert error_messages(response.get_data(as_text=True)) == [NO_MATCH]
    assert not signed_in(client)


def test_email_is_matched_without_regard_to_case_or_spaces(app, people):
    client = app.test_client()
    response = login(client, "  " + people["owner"].email.upper() + " ")
    assert response.status_code == 302


def test_the_session_is_renewed_at_sign_in(app, people):
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"  # a session fixed before sign-in
    before = client.get_cookie("session").value

    login(client, people["owner"])

    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{people['owner'].id}:")


# ---- sessions that end -------------------------------------------------------------


def idle_for(client, seconds: float) -> None:
    with client.session_transaction() as session:
        session["seen"] = datetime.now(UTC).timestamp() - seconds


def test_an_idle_session_signs_out(people, as_user):
    client = as_user(people["owner"])
    idle_for(client, 14 * 60)
    assert client.get("/cases/").status_code == 200  # 14 minutes: still fine

    idle_for(client, 16 * 60)
    response = client.get("/cases/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "You were signed out after a period of inactivity." in page
    assert client.get("/cases/").status_code == 302  # for good, not just once


def test_the_idle_limit_is_a_setting(app, people, as_user):
    app.config["SESSION_IDLE_MINUTES"] = 1
    client = as_user(people["owner"])
    idle_for(client, 90)
    assert client.get("/cases/").status_code == 302
    assert not signed_in(client)


def test_each_request_restarts_the_idle_clock(people, as_user):
    client = as_user(people["owner"])
    idle_for(client, 10 * 60)
    assert client.get("/cases/").status_code == 200
    with client.session_transaction() as session:
        assert datetime.now(UTC).timestamp() - session["seen"] < 60


def test_logout_is_a_post_and_ends_every_copy_of_the_session(app, people, as_user):
    client = as_user(people["owner"])
    twin = copy_session(client, app)
    assert signed_in(twin)

    assert client.get("/logout").status_code == 405
    assert signed_in(client)

    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You are signed out." in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)
    assert not signed_in(twin)
    assert twin.get("/cases/").headers["Location"].startswith("/login")


def test_deactivating_an_account_ends_its_sessions(app, people, as_user):
    owner = people["owner"]
    client = as_user(owner)
    twin = copy_session(client, app)
    admin = as_user(people["admin"])

    response = admin.post(f"/admin/users/{owner.id}/active", data={"active": "0"})

    assert response.status_code == 302
    assert "is deactivated" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert not signed_in(client)
    assert not signed_in(twin)
    refused = login(app.test_client(), owner)
    assert refused.status_code == 401
    assert NO_MATCH in refused.get_data(as_text=True)

    admin.post(f"/admin/users/{owner.id}/active", data={"active": "1"})
    assert login(app.test_client(), owner).status_code == 302


def test_an_administrator_cannot_deactivate_themselves(people, as_user):
    admin = people["admin"]
    client = as_user(admin)
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot deactivate your own account." in page
    assert get_user(admin.email).active
    assert signed_in(client)


def test_changing_my_password_signs_out_my_other_sessions(app, people, as_user):
    owner = people["owner"]
    client = as_user(owner)
    twin = copy_session(client, app)

    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert signed_in(client)  # this browser carries on
    assert not signed_in(twin)
    assert login(app.test_client(), owner, PASSWORD).status_code == 401
    assert login(app.test_client(), owner, NEW_PASSWORD).status_code == 302
    assert get_user(owner.email).password_hash.startswith("$argon2id$")


def test_an_administrator_setting_a_password_signs_the_user_out(app, people, as_user):
    owner = people["owner"]
    client = as_user(owner)
    admin = as_user(people["admin"])

    response = admin.post(
        f"/admin/users/{owner.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert "their other sessions are signed out" in admin.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert not signed_in(client)
    assert login(app.test_client(), owner, NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), owner, PASSWORD).status_code == 401


# ---- throttling ----------------------------------------------------------------------


def test_repeated_failures_for_one_account_are_throttled(people, make_app_with):
    app = make_app_with(RATELIMIT_ENABLED=True)
    assert app.config["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per 15 minutes"
    owner = people["owner"]
    client = app.test_client()
    for attempt in range(5):
        # the same account however its email is typed
        email = owner.email.upper() if attempt % 2 else owner.email
        assert login(client, email, "wrong password").status_code == 401

    blocked = login(client, owner, "wrong password")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    # Even the right password waits now...
    assert login(app.test_client(), owner, PASSWORD).status_code == 429
    # ...but another account from the same address is not held up.
    assert login(app.test_client(), people["other"], PASSWORD).status_code == 302


def test_repeated_failures_from_one_address_are_throttled(people, make_app_with):
    app = make_app_with(RATELIMIT_ENABLED=True)
    assert app.config["LOGIN_LIMIT_PER_ADDRESS"] == "20 per 15 minutes"
    client = app.test_client()
    for n in range(20):
        assert login(client, f"guess{n}@example.org", "password123").status_code == 401

    assert login(client, "guess-more@example.org", "password123").status_code == 429
    assert login(app.test_client(), people["owner"], PASSWORD).status_code == 429

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.23"
    assert login(elsewhere, people["owner"], PASSWORD).status_code == 302


def test_successful_sign_ins_are_not_throttled(people, make_app_with):
    app = make_app_with(RATELIMIT_ENABLED=True)
    for _ in range(6):
        assert login(app.test_client(), people["owner"], PASSWORD).status_code == 302


# ---- passwords and accounts --------------------------------------------------------


def test_an_administrator_creates_an_account_that_can_sign_in(app, people, as_user):
    admin = as_user(people["admin"])

    response = admin.post(
        "/admin/users/new",
        data={
            "email": "Jordan.Reyes@Example.org",
            "name": "Jordan Reyes",
            "role": "interventionist",
            "phone": "(555) 010-0102",
            "password": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    user = get_user("jordan.reyes@example.org")
    assert user is not None and user.role == "interventionist" and user.active
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    detail = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Account created for jordan.reyes@example.org." in detail
    assert "Interventionist" in detail
    assert "Jordan Reyes" in admin.get("/admin/users/").get_data(as_text=True)

    client = app.test_client()
    assert login(client, "jordan.reyes@example.org", NEW_PASSWORD).headers["Location"] == "/cases/"


def test_an_administrator_may_also_hold_supervisor_access(app, people, as_user):
    admin = as_user(people["admin"])
    for email, role in (("both@example.org", "admin"), ("notboth@example.org", "family")):
        admin.post(
            "/admin/users/new",
            data={
                "email": email,
                "name": "Someone",
                "role": role,
                "also_supervisor": "y",
                "password": NEW_PASSWORD,
            },
        )
    both = get_user("both@example.org")
    # Supervisor access made from the web waits for a supervisor's confirmation.
    assert not both.sees_every_case and both.clinical_pending
    assert not get_user("notboth@example.org").sees_every_case  # only for admins
    asked = db.session.scalar(select(AccessRequest).where(AccessRequest.user_id == both.id))
    confirmed = as_user(people["supervisor"]).post(f"/review/access/requests/{asked.id}/confirm")
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert get_user("both@example.org").sees_every_case
    client = app.test_client()
    login(client, "both@example.org", NEW_PASSWORD)
    assert client.get(f"/cases/{people['case'].reference}/").status_code == 200


def test_stored_passwords_are_argon2id(people):
    for user in people.values():
        if isinstance(user, User):
            assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("who", ["owner", "supervisor", "family"])
def test_only_administrators_manage_accounts(people, as_user, who):
    client = as_user(people[who])
    target = people["other"]
    before = (target.password_hash, target.session_token, target.active)
    users_before = db.session.scalar(select(func.count()).select_from(User))

    requests = [
        ("GET", "/admin/users/", None),
        ("GET", "/admin/users/new", None),
        ("GET", f"/admin/users/{target.id}", None),
        (
            "POST",
            "/admin/users/new",
            {"email": "x@example.org", "name": "X", "role": "admin", "password": NEW_PASSWORD},
        ),
        (
            "POST",
            f"/admin/users/{target.id}/password",
            {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        ),
        ("POST", f"/admin/users/{target.id}/active", {"active": "0"}),
    ]
    for method, url, data in requests:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, (method, url)
        assert target.email not in response.get_data(as_text=True)

    db.session.expire_all()
    assert (target.password_hash, target.session_token, target.active) == before
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before


# ---- the command line -------------------------------------------------------------


def test_create_user_command_asks_for_the_password(app, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Priya@Example.org",
            "--name",
            "Priya N",
            "--role",
            "supervisor",
        ],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created supervisor account priya@example.org." in result.output
    user = get_user("priya@example.org")
    assert user.role == "supervisor" and user.password_hash.startswith("$argon2id$")
    assert login(app.test_client(), "priya@example.org", NEW_PASSWORD).status_code == 302


def test_create_user_command_takes_the_password_as_an_option(app, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "ops@example.org",
            "--name",
            "Ops",
            "--role",
            "admin",
            "--also-supervisor",
            "--password",
            NEW_PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert get_user("ops@example.org").sees_every_case


def test_create_user_command_refuses_bad_input(people, runner):
    base = ["create-user", "--name", "N", "--role", "interventionist"]
    count = db.session.scalar(select(func.count()).select_from(User))

    short = runner.invoke(args=[*base, "--email", "a@example.org", "--password", "short"])
    assert short.exit_code == 2 and "at least 10 characters" in short.output

    taken = runner.invoke(
        args=[*base, "--email", people["owner"].email, "--password", NEW_PASSWORD]
    )
    assert taken.exit_code == 2 and "already exists" in taken.output

    role = runner.invoke(
        args=[*base[:-1], "wizard", "--email", "w@example.org", "--password", NEW_PASSWORD]
    )
    assert role.exit_code == 2

    mismatch = runner.invoke(
        args=[*base, "--email", "m@example.org"], input=f"{NEW_PASSWORD}\nsomething else\n"
    )
    assert mismatch.exit_code != 0
    assert "do not match" in mismatch.output

    assert db.session.scalar(select(func.count()).select_from(User)) == count
