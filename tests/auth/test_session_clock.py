"""The page's session clock: what each page tells its script, reading the time
left (which renews nothing) and "Stay signed in" (which does, by POST)."""

import re
from datetime import UTC, datetime

import pytest

from tests.conftest import PASSWORD, csrf_token


@pytest.fixture
def csrf_app(make_app_with):
    return make_app_with(WTF_CSRF_ENABLED=True)


def sign_in(client, user):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    # Sign-in starts a fresh session, with a CSRF token of its own.
    return csrf_token(client.get("/account/password").get_data(as_text=True))


def idle_for(client, seconds: float) -> None:
    with client.session_transaction() as session:
        session["seen"] = datetime.now(UTC).timestamp() - seconds


def seen(client) -> float:
    with client.session_transaction() as session:
        return session["seen"]


def dialog(page: str) -> str:
    match = re.search(r'<dialog id="session-dialog"[^>]*>', page)
    assert match, "no session dialog on the page"
    return match.group(0)


@pytest.mark.parametrize(("who", "url"), [("owner", "/cases/"), ("family", "/portal/")])
def test_every_signed_in_page_carries_the_clock_and_its_script(app, people, as_user, who, url):
    app.config.update(SESSION_IDLE_MINUTES=15, SESSION_WARNING_SECONDS=120)
    page = as_user(people[who]).get(url).get_data(as_text=True)

    tag = dialog(page)
    assert 'role="alertdialog"' in tag
    assert 'data-idle-seconds="900"' in tag and 'data-warning-seconds="120"' in tag
    assert 'data-renew-url="/session/renew"' in tag and 'data-csrf-token="' in tag
    assert '<script src="/static/js/session.js" defer></script>' in page
    assert "Stay signed in" in page and "after 15 minutes without activity" in page


def test_the_sign_in_page_has_no_clock(client):
    page = client.get("/login").get_data(as_text=True)
    assert "session-dialog" not in page and "<script" not in page


def test_the_script_is_served_by_the_app(client):
    response = client.get("/static/js/session.js")
    body = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200
    assert "javascript" in response.mimetype
    assert "X-CSRFToken" in body


def test_reading_the_time_left_renews_nothing(app, people, as_user):
    client = as_user(people["owner"])
    idle_for(client, 10 * 60)
    before = seen(client)

    answer = client.get("/session").get_json()

    assert answer["signed_in"] is True
    assert 295 <= answer["remaining"] <= 300
    assert seen(client) == before


def test_the_time_left_runs_out(app, people, as_user):
    client = as_user(people["owner"])
    idle_for(client, 16 * 60)
    assert client.get("/session").get_json() == {"signed_in": False, "remaining": 0}
    assert app.test_client().get("/session").get_json() == {"signed_in": False, "remaining": 0}


def test_stay_signed_in_needs_the_csrf_token(csrf_app, people):
    client = csrf_app.test_client()
    token = sign_in(client, people["owner"])
    idle_for(client, 14 * 60)
    before = seen(client)

    refused = client.post("/session/renew", headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert seen(client) == before

    renewed = client.post(
        "/session/renew", headers={"X-CSRFToken": token, "Accept": "application/json"}
    )
    assert renewed.status_code == 200
    assert renewed.get_json() == {"signed_in": True, "remaining": 900}
    assert seen(client) > before + 13 * 60


def test_stay_signed_in_keeps_the_session_past_the_old_limit(csrf_app, people):
    client = csrf_app.test_client()
    token = sign_in(client, people["owner"])
    idle_for(client, 14 * 60)
    client.post("/session/renew", headers={"X-CSRFToken": token})
    with client.session_transaction() as session:
        session["seen"] -= 2 * 60  # 16 minutes after the page was opened

    assert client.get("/cases/").status_code == 200


def test_stay_signed_in_after_the_limit_answers_401(csrf_app, people):
    client = csrf_app.test_client()
    token = sign_in(client, people["owner"])
    idle_for(client, 16 * 60)

    response = client.post("/session/renew", headers={"X-CSRFToken": token})

    assert response.status_code == 401
    assert response.get_json() == {"signed_in": False, "remaining": 0}
    assert client.get("/cases/").status_code == 302  # ended, not renewed


def test_a_sign_in_starts_the_idle_clock(app, people, as_user):
    client = as_user(people["owner"])
    assert datetime.now(UTC).timestamp() - seen(client) < 60


def test_a_session_that_never_recorded_being_seen_has_ended(app, people, as_user):
    client = as_user(people["owner"])
    with client.session_transaction() as session:
        del session["seen"]
    assert client.get("/cases/").status_code == 302
