"""Writing audit events. The caller's transaction carries them."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from casework.audit.models import Action, AuditEvent
from casework.extensions import db
from casework.timeutil import utcnow

# Who acts when no one is signed in (a command replaying history, a job).
_acting_user: ContextVar = ContextVar("casework_acting_user", default=None)


@contextmanager
def acting_as(user) -> Iterator:
    """Within the block, events recorded outside a request name `user` as the actor."""
    token = _acting_user.set(user)
    try:
        yield user
    finally:
        _acting_user.reset(token)


def record(
    action: Action | str,
    *,
    case=None,
    obj=None,
    object_type: str | None = None,
    object_id=None,
    summary: str | None = None,
    reason: str | None = None,
    actor=None,
) -> AuditEvent:
    """Add an audit event to the session (the view's commit writes it).

    The actor is, in order: the one given, the signed-in user of the request,
    the user of an enclosing `acting_as` block. `summary` says what happened to
    which record, never the record's clinical content; `reason` holds the
    user's own words for why (kept off the admin's log).
    """
    event = AuditEvent(**_values(action, obj, object_type, object_id, summary, reason, actor))
    if case is not None:
        event.case = case  # works before the new case has its id
    db.session.add(event)
    return event


def record_together(*events: dict) -> None:
    """Write several audit events now, in one statement and the caller's
    transaction, without an AuditEvent object for each: for a request that
    only reads (a printed document's read and print). Each dict holds
    `record`'s keywords; its case must have its id already."""
    now = utcnow()
    rows = []
    for given in events:
        case = given.get("case")
        values = _values(**{key: value for key, value in given.items() if key != "case"})
        rows.append(
            {**values, "case_id": case.id if case is not None else None, "occurred_at": now}
        )
    db.session.execute(insert(AuditEvent.__table__), rows)


def record_list(references) -> AuditEvent:
    """A page that lists cases by name: one event naming the references shown."""
    shown = list(dict.fromkeys(references))
    event = AuditEvent(
        **_values(
            Action.LIST,
            object_type="page",
            object_id=request.endpoint if has_request_context() else None,
            summary=f"List of {len(shown)} case{'' if len(shown) == 1 else 's'} shown",
        ),
        cases_shown=shown,
    )
    db.session.add(event)
    return event


def _values(
    action, obj=None, object_type=None, object_id=None, summary=None, reason=None, actor=None
) -> dict:
    """An event's columns but its case and time; the actor as `record` says."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if actor is None:
        actor = _acting_user.get()
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    ip = agent = None
    if has_request_context():
        ip = request.remote_addr
        agent = (request.user_agent.string or "")[:255] or None
    return {
        "action": Action(action).value,
        "actor_id": actor.id if actor is not None else None,
        "object_type": object_type,
        "object_id": str(object_id) if object_id is not None else None,
        "ip": ip,
        "user_agent": agent,
        "summary": summary[:500] if summary else None,
        "reason": reason[:1000] if reason else None,
    }
