"""Production defaults: Secure cookies and HSTS outside debug, a request
size limit, and the client's address behind a known number of proxies."""

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from casework.audit.models import Action, AuditEvent
from casework.config import flag
from casework.extensions import db
from casework.notes.models import Note
from tests.conftest import PASSWORD, login

YEAR = 365 * 24 * 3600


@pytest.fixture
def production(make_app_with, monkeypatch):
    """An app as gunicorn runs it: neither testing nor debug nor `flask run`."""
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.delenv("HTTPS_ONLY", raising=False)
    monkeypatch.delenv("PROXY_COUNT", raising=False)

    def build(**overrides):
        return make_app_with(TESTING=False, **overrides)

    return build


def session_cookie(response) -> str:
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert found, response.headers
    return found[-1]


def hsts_seconds(response) -> int | None:
    header = response.headers.get("Strict-Transport-Security")
    if header is None:
        return None
    assert header.startswith("max-age="), header
    return int(header.removeprefix("max-age=").split(";")[0])


def test_outside_debug_cookies_are_secure_and_every_response_says_https_only(people, production):
    app = production()
    client = app.test_client()

    signed_in = login(client, people["owner"])

    assert signed_in.status_code == 302
    cookie = session_cookie(signed_in)
    assert "Secure" in cookie.split("; ")
    assert "SameSite=Lax" in cookie.split("; ")
    assert "HttpOnly" in cookie.split("; ")
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    for response in (
        signed_in,
        client.get("/cases/"),
        client.get("/healthz"),
        client.get("/cases/C-1999-0001/"),  # an error page too
    ):
        assert hsts_seconds(response) >= YEAR, response.request.path


@pytest.mark.parametrize("how", ["debug", "flask run"])
def test_the_debugger_and_the_development_server_keep_plain_http(
    people, production, monkeypatch, how
):
    if how == "flask run":  # `make run`: the flask command's own server on http://127.0.0.1
        monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
        app = production()
    else:
        app = production(DEBUG=True)
    client = app.test_client()

    signed_in = login(client, people["owner"])

    assert signed_in.status_code == 302
    assert "Secure" not in session_cookie(signed_in).split("; ")
    assert "SameSite=Lax" in session_cookie(signed_in).split("; ")
    assert hsts_seconds(client.get("/cases/")) is None


def test_tests_run_without_https_only(app, client):
    assert app.config["HTTPS_ONLY"] is False
    assert hsts_seconds(client.get("/login")) is None


def test_the_environment_turns_https_only_on_or_off(people, production, monkeypatch):
    monkeypatch.setenv("HTTPS_ONLY", "off")
    assert hsts_seconds(production().test_client().get("/login")) is None
    monkeypatch.setenv("HTTPS_ONLY", "on")
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    assert hsts_seconds(production().test_client().get("/login")) >= YEAR
    assert [flag(word) for word in ("1", "Yes", "TRUE", "0", "no", "off")] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    with pytest.raises(RuntimeError):
        flag("maybe")


# ---- the request size limit ----------------------------------------------------------


def test_a_request_over_the_limit_gets_413_and_the_apps_own_page(people, as_user, app):
    client = as_user(people["owner"])
    case = people["case"]
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)

    response = client.post(
        f"/cases/{case.reference}/notes/new?kind=phone",
        data={"kind": "phone", "date": "2026-11-20", "time": "14:30", "body": too_big},
    )

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That was too large to accept" in page
    assert "<html" in page and case.reference not in page
    assert db.session.scalar(select(Note)) is None


def test_the_largest_legitimate_form_still_fits(people, as_user, app):
    """A note of 60,000 characters, each a four-byte character: 720 kB once
    percent-encoded, well within the limit."""
    client = as_user(people["owner"])
    case = people["case"]
    body = "\N{GRINNING FACE}" * 60_000

    response = client.post(
        f"/cases/{case.reference}/notes/new?kind=phone",
        data={
            "kind": "phone",
            "date": "2026-11-20",
            "time": "14:30",
            "duration_minutes": "20",
            "contacts": [str(case.active_contacts[0].id)],
            "staff": [str(people["owner"].id)],
            "body": body,
            "save": "1",
        },
    )

    assert response.status_code == 302, response.status_code
    assert len(urlencode({"body": body})) > 700_000
    assert db.session.scalar(select(Note)).body.strip() == body


# ---- behind a load balancer ----------------------------------------------------------

CLIENT = "203.0.113.7"
BALANCER = "10.0.0.5"


def sign_in_from(app, user, forwarded_for: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = BALANCER
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 302
    return client


def last_address(user) -> str:
    db.session.expire_all()
    return db.session.scalar(
        select(AuditEvent.ip)
        .where(AuditEvent.actor_id == user.id, AuditEvent.action == Action.VIEW)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def test_forwarded_addresses_are_ignored_without_the_setting(people, production):
    app = production()
    client = sign_in_from(app, people["owner"], CLIENT)

    assert client.get(f"/cases/{people['case'].reference}/").status_code == 200
    assert last_address(people["owner"]) == BALANCER


def test_with_one_proxy_the_audit_records_the_clients_address(people, production):
    app = production(PROXY_COUNT=1)
    # A client may send its own X-Forwarded-For; the balancer appends what it saw.
    client = sign_in_from(app, people["owner"], f"198.51.100.99, {CLIENT}")

    response = client.get(
        f"/cases/{people['case'].reference}/",
        headers={"X-Forwarded-For": f"198.51.100.99, {CLIENT}"},
    )

    assert response.status_code == 200
    assert last_address(people["owner"]) == CLIENT


def test_the_proxy_count_comes_from_the_environment(people, production, monkeypatch):
    monkeypatch.setenv("PROXY_COUNT", "2")
    app = production()
    assert app.config["PROXY_COUNT"] == 2
    client = sign_in_from(app, people["owner"], f"{CLIENT}, 10.0.0.9")

    response = client.get(
        f"/cases/{people['case'].reference}/",
        headers={"X-Forwarded-For": f"{CLIENT}, 10.0.0.9"},
    )

    assert response.status_code == 200
    assert last_address(people["owner"]) == CLIENT


def test_throttling_counts_each_client_behind_the_balancer(people, make_app_with):
    app = make_app_with(
        RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes", PROXY_COUNT=1
    )

    def guess(n: int, address: str):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = BALANCER
        return client.post(
            "/login",
            data={"email": f"guess{n}@example.org", "password": "password123"},
            headers={"X-Forwarded-For": address},
        )

    for n in range(3):
        assert guess(n, CLIENT).status_code == 401
    assert guess(3, CLIENT).status_code == 429
    # Another client behind the same balancer is not locked out with them.
    assert guess(4, "198.51.100.23").status_code == 401
