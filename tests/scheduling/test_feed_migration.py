"""The migration that hashes calendar feed tokens keeps existing
subscriptions working: the address someone's calendar app already polls
still opens their feed."""

import hashlib
import os
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casework.extensions import db
from casework.scheduling import feeds
from tests.conftest import make_app
from tests.test_migrations import logging_left_alone

# Flask-Migrate's stock env.py tries the old db.get_engine() before db.engine.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")

SCRATCH_DATABASE = "casework_feeds_migration_test"
BEFORE, AFTER = "0014_access_review", "0015_feeds_and_versions"
TOKEN = "an-existing-token-from-before-hashing"  # noqa: S105  a test value


def _a_value(column: sa.Column):
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return column.name == "active"
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 5, 9, 0)
    if isinstance(kind, sa.Integer):
        return 0
    if isinstance(kind, sa.JSON):
        return []
    return f"{column.name}-1"[: getattr(kind, "length", None) or 40]


def _insert_staff_member(conn) -> int:
    """A row of `users` as it stands at BEFORE, whatever columns it has."""
    users = sa.Table("users", sa.MetaData(), autoload_with=conn)
    row = {
        c.name: _a_value(c)
        for c in users.columns
        if not c.nullable and c.server_default is None and not c.primary_key
    }
    row.update(email="olivia@example.org", role="interventionist", active=True)
    return conn.execute(users.insert().values(**row)).inserted_primary_key[0]


def migrate_a_live_feed(url: str) -> None:
    app = make_app(url)
    with app.app_context(), logging_left_alone():
        try:
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                user_id = _insert_staff_member(conn)
                conn.execute(
                    text(
                        "INSERT INTO calendar_feeds (user_id, token, created_at) "
                        "VALUES (:user_id, :token, :now)"
                    ),
                    {"user_id": user_id, "token": TOKEN, "now": datetime(2026, 1, 5)},
                )
            upgrade(revision=AFTER)
            with db.engine.connect() as conn:
                stored = conn.execute(text("SELECT * FROM calendar_feeds")).mappings().one()
            assert "token" not in stored
            assert stored["token_hash"] == hashlib.sha256(TOKEN.encode()).hexdigest()
            found = feeds.find_feed(TOKEN)
            assert found is not None and found.user_id == user_id
            db.session.remove()

            downgrade(revision=BEFORE)  # no token comes back from a hash: the feed stops
            with db.engine.connect() as conn:
                stored = conn.execute(text("SELECT * FROM calendar_feeds")).mappings().one()
            assert stored["token"] != TOKEN and stored["revoked_at"] is not None
            downgrade(revision="base")
        finally:
            db.session.remove()
            db.engine.dispose()


def test_existing_feed_addresses_keep_working_on_sqlite(tmp_path):
    migrate_a_live_feed(f"sqlite:///{tmp_path / 'feeds.sqlite3'}")


def test_existing_feed_addresses_keep_working_on_postgresql(db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL run only (--db postgresql)")
    base_url = make_url(os.environ["CASEWORK_TEST_DATABASE_URL"])
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}"))
            conn.execute(text(f"CREATE DATABASE {SCRATCH_DATABASE}"))
        try:
            migrate_a_live_feed(
                base_url.set(database=SCRATCH_DATABASE).render_as_string(hide_password=False)
            )
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}"))
    finally:
        admin.dispose()
