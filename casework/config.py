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
    # Sign-in throttling (casework.auth.throttle): attempts per account from
    # one address, attempts per address, and, per account from everywhere,
    # how many before each attempt waits longer (doubling, up to the max).
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
    LOGIN_ACCOUNT_SLOWDOWN_AFTER = "10 per hour"
    LOGIN_ACCOUNT_MAX_DELAY_SECONDS = 300
    # Staff sign in with a code from an authenticator app as well as the
    # password (family members may choose to).
    TWO_FACTOR_REQUIRED_FOR_STAFF = True
    PRACTICE_NAME = "Harbor Family Intervention"
    PRACTICE_TIMEZONE = "America/New_York"
    PRACTICE_PHONE = "(555) 010-0199"
    CASELOAD_PAGE_SIZE = 25
    AUDIT_PAGE_SIZE = 50
    # The most events one CSV export of the audit log holds (narrow the filter past it).
    AUDIT_EXPORT_LIMIT = 50_000
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

    # ---- running in production (README: "Running in production") ----
    # The app is reached over HTTPS only: session and remember-me cookies are
    # sent with Secure, and every response carries Strict-Transport-Security.
    # None decides from how the app runs: on, except under the debugger, in
    # tests and under the `flask` command (`flask run`, which `make run` uses
    # over plain http://127.0.0.1, where a Secure cookie is refused by some
    # browsers and HSTS would mean nothing).
    HTTPS_ONLY = None
    HSTS_SECONDS = 365 * 24 * 3600  # a year; browsers remember HTTPS-only that long
    # Lax, not Strict: a link from an email (a portal invitation, a case link
    # sent to a colleague) is a navigation from another site, which Strict
    # would send without the session, so a signed-in user would look signed
    # out, and the page's fresh session cookie would replace theirs. Lax still
    # withholds the cookie from other sites' POSTs (and every form has CSRF).
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # The largest request accepted (413 beyond it). The largest legitimate
    # form (a check-in or a note of 60,000 characters, each a four-byte
    # character, percent-encoded) stays under 1 MiB; nothing is uploaded.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # How many proxies (load balancers) sit in front of the app and add
    # X-Forwarded-For / X-Forwarded-Proto. With 0 those headers are ignored
    # (anyone can send them); with N, the address N hops back is the client's,
    # which throttling and the audit log then record.
    PROXY_COUNT = 0


def flag(value: str) -> bool:
    """An on/off setting from the environment: 1/0, true/false, yes/no, on/off."""
    word = value.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise RuntimeError(f"Expected on or off (1/0, true/false), got {value!r}")


ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": str,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_WARNING_SECONDS": int,
    "SESSION_COOKIE_HOURS": int,
    "KEPT_FORM_HOURS": int,
    "RATELIMIT_STORAGE_URI": str,
    "TWO_FACTOR_REQUIRED_FOR_STAFF": flag,
    "PRACTICE_NAME": str,
    "PRACTICE_TIMEZONE": str,
    "PRACTICE_PHONE": str,
    "HTTPS_ONLY": flag,
    "HSTS_SECONDS": int,
    "MAX_CONTENT_LENGTH": int,
    "PROXY_COUNT": int,
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
    if app.config["HTTPS_ONLY"] is None:
        app.config["HTTPS_ONLY"] = not (
            app.debug or app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true"
        )
    if app.config["HTTPS_ONLY"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    if not app.config["SECRET_KEY"]:
        if not (app.debug or app.testing or app.config.get("TESTING")):
            raise RuntimeError(
                "SECRET_KEY is not set. Put it in instance/config.py or the environment "
                "(`make run` writes one for you)."
            )
        app.config["SECRET_KEY"] = "development-only-not-secret"  # noqa: S105
