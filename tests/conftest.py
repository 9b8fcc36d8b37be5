"""Fixtures: the app on SQLite (default) or PostgreSQL (--db postgresql),
clients signed in as each kind of user, and factories."""

import functools
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, select, text

from casework import create_app
from casework.auth.models import Role
from casework.extensions import Base, db, limiter
from tests.factories import PASSWORD, Factory


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="Database the suite runs on.",
    )


def pytest_report_header(config):
    return f"casework database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def db_kind(request) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def database_template(db_kind, tmp_path_factory):
    """Builds the schema once for the whole run."""
    from casework import models  # noqa: F401

    if db_kind == "postgresql":
        url = os.environ.get("CASEWORK_TEST_DATABASE_URL")
        if not url:
            pytest.exit("--db postgresql needs CASEWORK_TEST_DATABASE_URL", returncode=2)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def shared_sqlite_path(tmp_path_factory):
    """SQLite: every test's fresh database sits at this one path, so one app
    (and one engine, with its compiled statements) serves the whole run."""
    return tmp_path_factory.mktemp("run") / "casework.sqlite3"


def _has_serial_id(table) -> bool:
    return "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement is not False


@functools.cache
def _reset_script() -> str:
    """PostgreSQL: every row deleted and every id restarted, in one round trip."""
    tables = reversed(Base.metadata.sorted_tables)
    deletes = [f"DELETE FROM {t.name}" for t in tables]  # noqa: S608  our own table names
    restarts = [
        f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), 1, false)"
        for t in Base.metadata.sorted_tables
        if _has_serial_id(t)
    ]
    return "; ".join(deletes + restarts)


@pytest.fixture(scope="session")
def reset_engine(db_kind, database_template):
    if db_kind != "postgresql":
        yield None
        return
    engine = create_engine(database_template)
    yield engine
    engine.dispose()


# PostgreSQL: the demo practice's rows, per password, seeded once a run and
# copied back in (COPY) for each test that needs them: seeding takes seconds.
_DEMO_ROWS: dict[str, dict[str, bytes]] = {}


@pytest.fixture
def seed_demo(app, db_kind):
    """seed_demo(password): the demo practice in this test's database, as
    `flask seed-demo --password PW` makes it (on PostgreSQL, the same rows,
    copied from the run's first seeding with that password)."""

    def seed(password: str) -> None:
        if db_kind != "postgresql" or password not in _DEMO_ROWS:
            result = app.test_cli_runner().invoke(args=["seed-demo", "--password", password])
            assert result.exit_code == 0, result.output
            if db_kind == "postgresql":
                _DEMO_ROWS[password] = _copy_rows_out()
        else:
            db.session.remove()
            _copy_rows_in(_DEMO_ROWS[password])
        db.session.expire_all()

    return seed


def _copy_rows_out() -> dict[str, bytes]:
    db.session.remove()
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        rows = {}
        for table in Base.metadata.sorted_tables:
            with cursor.copy(f"COPY {table.name} TO STDOUT") as copy:  # our own table names
                rows[table.name] = b"".join(bytes(chunk) for chunk in copy)
        raw.commit()
        return rows
    finally:
        raw.close()


def _copy_rows_in(rows: dict[str, bytes]) -> None:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table in Base.metadata.sorted_tables:
            if rows.get(table.name):
                with cursor.copy(f"COPY {table.name} FROM STDIN") as copy:
                    copy.write(rows[table.name])
                if _has_serial_id(table):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table.name}))"
                    )
        raw.commit()
    finally:
        raw.close()


@pytest.fixture
def database_url(db_kind, database_template, shared_sqlite_path, reset_engine):
    """A clean database for each test.

    SQLite: a fresh copy of the schema-only template. PostgreSQL: every row
    deleted and the ids restarted (a test's few rows delete in milliseconds,
    where a TRUNCATE of every table took a few tenths of a second)."""
    if db_kind == "postgresql":
        with reset_engine.begin() as conn:
            conn.exec_driver_sql(_reset_script())
        return database_template
    for log in ("-wal", "-shm"):  # the app's write-ahead log (casework.database), if left
        Path(f"{shared_sqlite_path}{log}").unlink(missing_ok=True)
    shutil.copy(database_template, shared_sqlite_path)
    return f"sqlite:///{shared_sqlite_path}"


class IsolatedClient(FlaskClient):
    """Requests share the test's app context (and so its `g`); start each
    request with an empty `g`, as a real server would."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


def make_app(database_url, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # Tests sign in with the password alone unless they turn this on
        # (tests/auth/test_two_factor.py); accounts that have set up an
        # authenticator app are asked for a code all the same (`login`).
        "TWO_FACTOR_REQUIRED_FOR_STAFF": False,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def shared_app(db_kind, database_template, shared_sqlite_path):
    """One app for the run: a new app means a new engine, which compiles every
    SQL statement afresh, and that was most of what a short test cost."""
    url = database_template if db_kind == "postgresql" else f"sqlite:///{shared_sqlite_path}"
    built = make_app(url)
    yield built
    with built.app_context():
        db.engine.dispose()


@pytest.fixture
def app(shared_app, database_url):
    """The run's app on this test's fresh database; settings a test changes
    are put back afterwards."""
    settings = dict(shared_app.config)
    with shared_app.app_context():
        yield shared_app
        db.session.remove()
        db.engine.dispose()  # the next test's database replaces this one
    shared_app.config.clear()
    shared_app.config.update(settings)
    shared_app.extensions.pop("casework.throttle", None)  # throttle counts start afresh


@pytest.fixture
def make_app_with(database_url):
    """For tests that need other settings (CSRF on, rate limits on)."""
    made = []

    def build(**overrides):
        made.append(make_app(database_url, **overrides))
        return made[-1]

    yield build
    for made_app in made:
        with made_app.app_context():
            db.session.remove()
            db.engine.dispose()  # no pooled connection outlives the test
    if limiter.enabled:
        limiter.reset()  # memory storage outlives the app; start the next test clean


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---- factories -------------------------------------------------------------


@pytest.fixture
def factory(app) -> Factory:
    return Factory()


@pytest.fixture
def add_session():
    """Insert a session directly (for feeds, calendars and the caseload)."""
    from datetime import time, timedelta

    from casework.scheduling.models import CaseSession
    from casework.timeutil import local_to_utc, local_today

    def make(case, starts_at=None, minutes: int = 60, **fields):
        session = CaseSession(
            case_id=case.id,
            lead_id=fields.pop("lead_id", case.interventionist_id),
            kind=fields.pop("kind", "follow_up"),
            title=fields.pop("title", "Follow-up"),
            starts_at=starts_at or local_to_utc(local_today() + timedelta(days=3), time(10, 0)),
            duration_minutes=minutes,
            **fields,
        )
        db.session.add(session)
        db.session.commit()
        return session

    return make


# ---- clients ---------------------------------------------------------------


def login(client, user_or_email, password=PASSWORD):
    """Sign in through /login; an account with an authenticator app (the
    demo's staff) is given the code its app would show now."""
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"] == "/login/code":
        return client.post("/login/code", data={"code": current_code(email)})
    return response


def current_code(email: str) -> str:
    """The code the account's authenticator app shows now. Forgets the last
    code used first, so that a test may sign in twice within 30 seconds."""
    import pyotp

    from casework.auth.models import User

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    user.totp_last_step = None
    db.session.commit()
    return pyotp.TOTP(user.totp_secret).now()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def people(app, factory):
    """One of each kind of user, and a case owned by `owner`."""
    owner = factory.user(Role.INTERVENTIONIST, name="Olivia Owner")
    other = factory.user(Role.INTERVENTIONIST, name="Oscar Other")
    supervisor = factory.user(Role.SUPERVISOR, name="Sam Supervisor")
    admin = factory.user(Role.ADMIN, name="Ada Admin")
    case = factory.case(owner, contacts=2)
    family = factory.family_member(case, name="Fran Family")
    return {
        "owner": owner,
        "other": other,
        "supervisor": supervisor,
        "admin": admin,
        "family": family,
        "case": case,
    }


@pytest.fixture
def as_user(app):
    """as_user(user) -> a test client already signed in as that user."""

    def make(user):
        c = app.test_client()
        response = login(c, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c

    return make


# ---- measuring -------------------------------------------------------------


@contextmanager
def count_queries(engine):
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)
