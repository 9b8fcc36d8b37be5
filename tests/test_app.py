"""The app as a whole: settings, security headers and error pages."""

import pytest

from casework import create_app
from tests.conftest import login, make_app


def test_no_secret_key_no_start_outside_debug_and_tests(monkeypatch, database_url):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": None})
    testing = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": None}
    )
    assert testing.config["SECRET_KEY"]


def test_settings_come_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("SESSION_COOKIE_HOURS", "2")
    monkeypatch.setenv("PRACTICE_TIMEZONE", "America/Chicago")
    app = make_app(database_url)
    assert app.config["SESSION_IDLE_MINUTES"] == 5
    # The cookie outlives the idle limit (the server ends idle sessions).
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 2 * 3600
    assert app.config["PRACTICE_TIMEZONE"] == "America/Chicago"


def test_pages_carry_a_policy_with_no_inline_script(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script" not in response.get_data(as_text=True)


def test_error_pages_explain_without_a_stack_trace(make_app_with, people):
    # As in production: not testing, so the error handler answers.
    app = make_app_with(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    assert login(client, people["owner"]).status_code == 302
    response = client.get("/boom-for-test")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page and "Traceback" not in page
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "We could not find that page" in missing.get_data(
        as_text=True
    )
    forbidden = client.get("/admin/users/")
    assert forbidden.status_code == 403
    assert "You do not have access" in forbidden.get_data(as_text=True)


def test_healthz_says_when_the_database_is_down(app, client, monkeypatch):
    from casework.extensions import db

    def broken(*args, **kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}
