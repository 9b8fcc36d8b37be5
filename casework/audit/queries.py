from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casework.audit.models import ON_TIMELINE, AuditEvent
from casework.extensions import db


def timeline(case, limit: int = 100) -> list[AuditEvent]:
    """The case's latest events, newest first (ix_audit_events_case_timeline)."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .where(AuditEvent.case_id == case.id, ON_TIMELINE)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
