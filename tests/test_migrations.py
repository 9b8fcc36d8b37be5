"""`flask db upgrade` on an empty database builds exactly the models' schema."""

import logging
import os
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from casework.extensions import Base, db, include_in_migrations
from tests.conftest import make_app

SCRATCH_DATABASE = "casework_migrations_test"

# Flask-Migrate's stock env.py tries the old db.get_engine() before db.engine.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@contextmanager
def logging_left_alone():
    """Alembic's env.py runs logging.fileConfig, which silences every logger
    that exists; put logging back as it was for the tests that follow."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (lg.disabled, lg.level, list(lg.handlers), lg.propagate)
        for name, lg in logging.root.manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    try:
        yield
    finally:
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        for name, lg in logging.root.manager.loggerDict.items():
            if not isinstance(lg, logging.Logger):
                continue
            if name in saved:
                lg.disabled, lg.level, handlers, lg.propagate = saved[name]
                lg.handlers[:] = handlers
            else:
                lg.disabled = False


def upgrade_and_compare(url: str) -> None:
    app = make_app(url)
    with app.app_context(), logging_left_alone():
        try:
            upgrade()
            head = ScriptDirectory.from_config(
                app.extensions["migrate"].migrate.get_config()
            ).get_current_head()
            with db.engine.connect() as conn:
                current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                differences = compare_metadata(
                    MigrationContext.configure(
                        conn,
                        opts={
                            "compare_type": True,
                            "include_object": include_in_migrations(conn.dialect.name),
                        },
                    ),
                    Base.metadata,
                )
            assert current == head
            assert differences == [], "migrations and models differ:\n" + "\n".join(
                map(str, differences)
            )
            model_tables = set(Base.metadata.tables)
            assert model_tables <= set(inspect(db.engine).get_table_names())

            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        finally:
            db.session.remove()
            db.engine.dispose()


def test_upgrade_builds_the_models_schema_on_sqlite(tmp_path):
    upgrade_and_compare(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


def test_upgrade_builds_the_models_schema_on_postgresql(db_kind):
    if db_kind != "postgresql":
        pytest.skip("PostgreSQL run only (--db postgresql)")
    base_url = make_url(os.environ["CASEWORK_TEST_DATABASE_URL"])
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}"))
            conn.execute(text(f"CREATE DATABASE {SCRATCH_DATABASE}"))
        try:
            upgrade_and_compare(
                base_url.set(database=SCRATCH_DATABASE).render_as_string(hide_password=False)
            )
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}"))
    finally:
        admin.dispose()
