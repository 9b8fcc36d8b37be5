"""What the benchmarks share: scratch databases, the app on them, and a fair timer.

A fair comparison feeds both sides the same input, alternates them, collects
garbage before each run, and reports medians: `compare` does exactly that.
"""

import gc
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

# Scratch databases are made (and dropped) on this server.
PG_SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def scratch_database(kind: str, name: str) -> Iterator[str]:
    """A new, empty database for the length of the block: its URL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/{name}.sqlite3"
        return
    if kind != "postgresql":
        raise ValueError(kind)
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    database = f"casework_bench_{name}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {database}"))
            conn.execute(text(f"CREATE DATABASE {database}"))
        yield make_url(PG_SERVER).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        admin.dispose()


def make_app(url: str, **config):
    """The real app on `url`, its schema built by the migrations."""
    from flask_migrate import upgrade

    from casework import create_app

    os.environ.setdefault("SECRET_KEY", "bench")
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )
    with app.app_context():
        # Alembic's env.py resets logging; keep the bench's output quiet either way.
        upgrade()
        logging.getLogger("alembic").setLevel(logging.WARNING)
    return app


def sign_in(app, email: str):
    from bench.workload import PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    if response.headers["Location"] == "/login/code":  # staff sign in with two-factor
        response = client.post("/login/code", data={"code": _fresh_code(app, email)})
        assert response.status_code == 302, response.status_code
    assert not response.headers["Location"].startswith("/login"), "not signed in"
    return client


def _fresh_code(app, email: str) -> str:
    """The code the account's authenticator app shows now (the demo's staff
    share the demo's secret, the bench's its own: workload.TOTP_SECRET),
    forgetting the last one used so that a bench may sign the same account
    in twice within one 30-second step."""
    import pyotp
    from sqlalchemy import select

    from casework.auth.models import User
    from casework.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.totp_last_step = None
        db.session.commit()
        return pyotp.TOTP(user.totp_secret).now()


def timed(fn: Callable[[], object]) -> float:
    return timed_both(fn)[0]


def timed_both(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and this process's CPU seconds of one run, garbage collected first."""
    gc.collect()
    cpu = time.process_time()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started, time.process_time() - cpu


def compare(
    sides: dict[str, Callable[[], object]],
    runs: int,
    setup: dict[str, Callable[[], object]] | None = None,
) -> dict[str, float]:
    """Median wall-clock seconds of each side, the sides taking turns, garbage
    collected before every run (and the order of each round flipped, so
    neither side always follows the same one). `setup[name]`, if given, runs
    untimed before each run of that side (before the collection)."""
    return compare_both(sides, runs, setup)[0]


def compare_both(
    sides: dict[str, Callable[[], object]],
    runs: int,
    setup: dict[str, Callable[[], object]] | None = None,
) -> tuple[dict[str, float], dict[str, float]]:
    """As `compare`, with the medians of this process's CPU time as well: on
    a machine busy with other work the CPU time moves far less than the wall
    clock (it leaves out a database server's own time, though)."""
    setup = setup or {}
    wall: dict[str, list[float]] = {name: [] for name in sides}
    cpu: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for round_ in range(runs):
        for name in names if round_ % 2 == 0 else reversed(names):
            if name in setup:
                setup[name]()
            took, used = timed_both(sides[name])
            wall[name].append(took)
            cpu[name].append(used)
    return (
        {name: statistics.median(values) for name, values in wall.items()},
        {name: statistics.median(values) for name, values in cpu.items()},
    )


@contextmanager
def statements_of(engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
