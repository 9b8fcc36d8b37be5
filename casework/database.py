"""What the app asks of each new database connection.

SQLite keeps a write-ahead log (journal_mode=WAL) and syncs it at every
commit (synchronous=FULL), so a committed transaction survives a crash or a
power cut as before. Every request that reads a case commits its audit event:
with SQLite's default rollback journal each of those commits synced the
journal and then the database file (two or three fsyncs, 5 ms or more each
on a busy disk); with the log it is one sync of the log. Readers no longer
wait for a writer either. PostgreSQL needs nothing here.
"""

from sqlalchemy import event

from casework.extensions import db


def register(app) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_durable_wal)


def _sqlite_durable_wal(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # An in-memory database answers "memory" and keeps its own journal.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()
