"""Settings: defaults here, then instance/config.py, then the environment,
then the dict handed to create_app (tests)."""

import os
from datetime import timedelta


class Defaults:
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # filled in from the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_IDLE_MINUTES = 15
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
    PRACTICE_NAME = "Harbor Family Intervention"
    PRACTICE_TIMEZONE = "America/New_York"
    PRACTICE_PHONE = "(555) 010-0199"
    CASELOAD_PAGE_SIZE = 25
    AUDIT_PAGE_SIZE = 50
    # Feeds name the session kind and case reference; True adds first names.
    CALENDAR_FIRST_NAMES = False
    CALENDAR_FEED_DAYS_BACK = 60
    WTF_CSRF_TIME_LIMIT = None  # the session's own idle limit governs
    # The page warns this many seconds before the idle limit and offers
    # "Stay signed in" (WCAG 2.2.1).
    SESSION_WARNING_SECONDS = 120
    # How long the browser keeps the signed session cookie. The idle limit is
    # the server's (from the time the session was last seen); the cookie
    # outlives it so that a form posted after the limit still carries its
    # CSRF token and the account it came from, and what it held is kept.
    SESSION_COOKIE_HOURS = 24
    # What a form posted after the session ended held waits this long for its
    # user to sign in again (casework.auth.kept_forms).
    KEPT_FORM_HOURS = 24


ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": str,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_WARNING_SECONDS": int,
    "SESSION_COOKIE_HOURS": int,
    "KEPT_FORM_HOURS": int,
    "RATELIMIT_STORAGE_URI": str,
    "PRACTICE_NAME": str,
    "PRACTICE_TIMEZONE": str,
    "PRACTICE_PHONE": str,
}


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// forms and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load(app, overrides: dict | None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name, kind in ENVIRONMENT_SETTINGS.items():
        if name in os.environ:
            app.config[name] = kind(os.environ[name])
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.update(overrides or {})

    uri = app.config["SQLALCHEMY_DATABASE_URI"] or "sqlite:///" + os.path.join(
        app.instance_path, "casework.sqlite3"
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(uri)
    app.config["PERMANENT_SESSION_LIFETIME"] = max(
        timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
        timedelta(hours=app.config["SESSION_COOKIE_HOURS"]),
    )
    if not app.config["SECRET_KEY"]:
        if not (app.debug or app.testing or app.config.get("TESTING")):
            raise RuntimeError(
                "SECRET_KEY is not set. Put it in instance/config.py or the environment "
                "(`make run` writes one for you)."
            )
        app.config["SECRET_KEY"] = "development-only-not-secret"  # noqa: S105
