from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select

from casework.audit.models import ON_TIMELINE, AuditEvent
from casework.auth.models import User
from casework.extensions import db


class Actor(NamedTuple):
    name: str


class TimelineEntry(NamedTuple):
    """One line of a case's story: plain values, not a mapped AuditEvent (a
    hundred of those cost several times what these do to load)."""

    id: int
    occurred_at: datetime
    action: str
    summary: str | None
    reason: str | None
    object_type: str | None
    object_id: str | None
    actor: Actor | None


def timeline(case, limit: int = 100) -> list[TimelineEntry]:
    """The case's latest events, newest first (ix_audit_events_case_timeline)."""
    rows = db.session.execute(
        select(
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.action,
            AuditEvent.summary,
            AuditEvent.reason,
            AuditEvent.object_type,
            AuditEvent.object_id,
            User.name,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.case_id == case.id, ON_TIMELINE)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        TimelineEntry(*row[:7], Actor(row.name) if row.name is not None else None) for row in rows
    ]
