"""A case's overview (and its timeline query) with 300,000 newer audit rows of
other cases, against the same case in a fresh database; SQLite and PostgreSQL.

Run: .venv/bin/python -m bench.timeline [sqlite|postgresql ...] [--rows N]

Both databases hold the same case: a year of work, 600 timeline events among
20,000 page views. The busy one also holds N (300,000) audit events of 300
other cases, all newer (the last hour of a busy practice). The two
sides alternate, garbage is collected before each run, medians of RUNS. Then the
timeline's index is dropped from the busy database and the pair measured again,
which is how the overview stood before the index. PostgreSQL's tables are
ANALYZEd after loading, as autovacuum would; SQLite is left as it is.
"""

import argparse
import os
from types import SimpleNamespace

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench._common import compare, make_app, scratch_database, sign_in
from bench.workload import add_events, new_case, other_case_audit_rows, staff

RUNS = int(os.environ.get("BENCH_RUNS", "31"))
EVENTS, READS = 600, 20_000
INDEX = "ix_audit_events_case_timeline"


def build(url: str, other_rows: int):
    from casework.extensions import db

    app = make_app(url)
    with app.app_context():
        lead = staff()
        case = new_case(lead)
        add_events(case, lead, EVENTS, reads=READS, days_back=365)
        if other_rows:
            other_case_audit_rows(lead, other_rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        ref, case_id = case.reference, case.id
    client = sign_in(app, "bench@example.org")
    return app, client, ref, case_id


def timeline_query(app, case_id):
    from casework.audit.queries import timeline
    from casework.extensions import db

    def run():
        with app.app_context():
            events = timeline(SimpleNamespace(id=case_id))
            assert len(events) == 100
            db.session.remove()

    return run


def overview(client, ref):
    def run():
        response = client.get(f"/cases/{ref}/")
        assert response.status_code == 200, response.status_code

    return run


def captured_sql(app, case_id) -> tuple[str, object]:
    """The timeline query exactly as the app sends it: statement and parameters."""
    from sqlalchemy import event

    from casework.audit.queries import timeline
    from casework.extensions import db

    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            timeline(SimpleNamespace(id=case_id))
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        db.session.remove()
    return seen[-1]


def sql_alone(app, case_id):
    """The timeline's SQL on a connection of its own: the database's share."""
    from casework.extensions import db

    statement, parameters = captured_sql(app, case_id)
    with app.app_context():
        engine = db.engine

    def run():
        with engine.connect() as conn:
            assert len(conn.exec_driver_sql(statement, parameters).all()) == 100

    return run


def explain(app, case_id) -> str:
    from casework.extensions import db

    statement, parameters = captured_sql(app, case_id)
    with app.app_context():
        url, dialect = db.engine.url, db.engine.dialect.name
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    # A new connection: SQLite answers EXPLAIN from a statement prepared
    # before an index was dropped without noticing the schema changed.
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    engine.dispose()
    return "\n".join(f"    {row[-1]}" for row in rows)


def drop_index(app) -> None:
    from casework.extensions import db

    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP INDEX {INDEX}"))
            if db.engine.dialect.name == "postgresql":
                conn.execute(text("ANALYZE audit_events"))
        db.engine.dispose()  # no connection keeps a statement planned with the index


def measure(fresh, busy) -> None:
    """fresh, busy: (app, client, case id) for each database."""
    for label, make in (
        ("overview page (GET)", lambda app, client, case_id, ref: overview(client, ref)),
        (
            "timeline() in an app context",
            lambda app, client, case_id, ref: timeline_query(app, case_id),
        ),
        ("its SQL alone", lambda app, client, case_id, ref: sql_alone(app, case_id)),
    ):
        sides = {"fresh": make(*fresh), "busy": make(*busy)}
        for side in sides.values():
            side()  # warm
        medians = compare(sides, RUNS)
        print(
            f"  {label:30} fresh {medians['fresh'] * 1000:7.2f} ms   "
            f"busy {medians['busy'] * 1000:7.2f} ms   = {medians['busy'] / medians['fresh']:.2f} x"
        )


def main(kinds: list[str], rows: int) -> None:
    from casework.extensions import db

    for kind in kinds:
        with (
            scratch_database(kind, "timeline_fresh") as fresh_url,
            scratch_database(kind, "timeline_busy") as busy_url,
        ):
            fresh_app, fresh_client, ref, fresh_id = build(fresh_url, 0)
            busy_app, busy_client, busy_ref, busy_id = build(busy_url, rows)
            assert ref == busy_ref
            fresh = (fresh_app, fresh_client, fresh_id, ref)
            busy = (busy_app, busy_client, busy_id, ref)
            print(
                f"{kind}: case {ref}, {EVENTS} timeline events among {READS:,} views; "
                f"busy database: {rows:,} newer rows of other cases; medians of {RUNS}"
            )
            print("  plan of the timeline query on the busy database:")
            print(explain(busy_app, busy_id))
            measure(fresh, busy)
            drop_index(busy_app)
            print(f"  without {INDEX} (as before), plan on the busy database:")
            print(explain(busy_app, busy_id))
            measure(fresh, busy)
            for app in (fresh_app, busy_app):
                with app.app_context():
                    db.engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("kinds", nargs="*", default=["sqlite", "postgresql"])
    parser.add_argument("--rows", type=int, default=300_000)
    args = parser.parse_args()
    main(args.kinds, args.rows)
