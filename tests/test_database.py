"""What the app asks of each database connection (casework/database.py)."""

import pytest
from sqlalchemy import text

from casework.extensions import db


def test_sqlite_keeps_a_write_ahead_log_synced_at_every_commit(app, db_kind):
    if db_kind != "sqlite":
        pytest.skip("SQLite only")
    # One sync of the log per commit instead of the journal's two or three...
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    # ...and every commit synced (FULL): an audit event committed survives a power cut.
    assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2
