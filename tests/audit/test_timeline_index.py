"""The case timeline reads its own partial index, on SQLite and PostgreSQL.

The index leaves out reads, prints, exports and refusals; a planner may use
it only when it can prove the query asks for no more than that, so the two
predicates must stay the same. (How much it saves: bench/timeline.py.)"""

from datetime import timedelta

from sqlalchemy import event, text

from casework.audit.models import Action, AuditEvent
from casework.audit.queries import timeline
from casework.extensions import db
from casework.timeutil import utcnow

INDEX = "ix_audit_events_case_timeline"


def plan_of_timeline(case) -> str:
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        timeline(case)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    ((statement, parameters),) = seen
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # A table this small is read whole; forbid that to see what else fits.
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        connection.execute(text("SET LOCAL enable_bitmapscan = off"))
        prefix = "EXPLAIN "
    else:
        # Without statistics SQLite's two indexes on case_id tie (both give
        # the order); with them it sees which one holds fewer rows.
        connection.execute(text("ANALYZE"))
        prefix = "EXPLAIN QUERY PLAN "
    rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    return "\n".join(str(row[-1]) for row in rows)


def test_the_timeline_reads_its_partial_index(people):
    case, owner = people["case"], people["owner"]
    now = utcnow()
    # A case read far more often than it changes, as cases are.
    actions = [Action.VIEW] * 20 + [Action.UPDATE]
    db.session.add_all(
        AuditEvent(
            occurred_at=now - timedelta(minutes=n),
            actor_id=owner.id,
            action=actions[n % len(actions)].value,
            case_id=case.id,
        )
        for n in range(400)
    )
    db.session.flush()

    plan = plan_of_timeline(case)
    assert INDEX in plan, plan
    # Read in the index's order: no sorting step.
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_the_timeline_leaves_out_reads_prints_exports_refusals_and_draft_saves(people):
    case, owner = people["case"], people["owner"]
    now = utcnow()
    db.session.add_all(
        AuditEvent(
            occurred_at=now - timedelta(minutes=n),
            actor_id=owner.id,
            action=action.value,
            case_id=case.id,
            summary=f"{action.value} {n}",
        )
        for n, action in enumerate(Action)
    )
    db.session.flush()

    shown = [e.action for e in timeline(case)]

    # A note's draft saves itself as it is typed: its start and signing show.
    hidden = {Action.VIEW, Action.PRINT, Action.EXPORT, Action.ACCESS_DENIED, Action.SAVE_DRAFT}
    assert shown == [a.value for a in Action if a not in hidden]
