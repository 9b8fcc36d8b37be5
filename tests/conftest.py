"""Fixtures: the app on SQLite (default) or PostgreSQL (--db postgresql),
clients signed in as each kind of user, and factories."""

import os
import re
import shutil
from contextlib import contextmanager
from datetime import date

import pytest
from argon2 import PasswordHasher
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from casework import create_app
from casework.auth.models import Role, User
from casework.cases.models import Contact, FamilyCase
from casework.cases.service import reserve_references
from casework.extensions import Base, db, limiter

PASSWORD = "correct horse battery"  # noqa: S105  test accounts only
# Still argon2id, at the lightest cost, so that signing in many times stays quick;
# the app's own hashing at argon2-cffi's defaults is tested in tests/auth.
_PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


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


@pytest.fixture
def database_url(db_kind, database_template, tmp_path):
    """A clean database for each test."""
    if db_kind == "postgresql":
        engine = create_engine(database_template)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return database_template
    path = tmp_path / "casework.sqlite3"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


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
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


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


class Factory:
    def __init__(self):
        self.count = 0

    def _n(self) -> int:
        self.count += 1
        return self.count

    def user(self, role: Role | str = Role.INTERVENTIONIST, **fields) -> User:
        n = self._n()
        role = Role(role)
        user = User(
            email=fields.pop("email", f"{role.value}{n}@example.org"),
            name=fields.pop("name", f"{role.value.title()} {n}"),
            role=role.value,
            password_hash=_PASSWORD_HASH,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    def case(self, interventionist: User, contacts: int = 1, **fields) -> FamilyCase:
        n = self._n()
        values = {
            "loved_one_name": f"Loved One {n}",
            "concerns": ["alcohol"],
            "urgency": "routine",
            "phase": "scheduling",
            "status": "active",
        }
        values.update(fields)
        case = FamilyCase(
            reference=reserve_references(date.today().year)[0],
            interventionist_id=interventionist.id,
            **values,
        )
        db.session.add(case)
        for i in range(contacts):
            db.session.add(
                Contact(
                    case=case,
                    name=f"Relative {n}-{i}",
                    relationship_to_loved_one="Sister",
                    phone="555-0100",
                    email=f"relative{n}-{i}@example.net",
                    is_primary=i == 0,
                )
            )
        db.session.commit()
        return case

    def family_member(self, case: FamilyCase, **fields) -> User:
        user = self.user(Role.FAMILY, **fields)
        contact = Contact(
            case_id=case.id,
            name=user.name,
            relationship_to_loved_one="Mother",
            email=user.email,
            preferred_method="email",
            user_id=user.id,
        )
        db.session.add(contact)
        db.session.commit()
        return user


@pytest.fixture
def factory(app) -> Factory:
    return Factory()


# ---- clients ---------------------------------------------------------------


def login(client, user_or_email, password=PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    return client.post("/login", data={"email": email, "password": password})


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
