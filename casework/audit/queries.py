from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casework.audit.models import Action, AuditEvent
from casework.extensions import db

# Reads and refusals are audited but are not part of the case's story.
NOT_ON_TIMELINE = (
    Action.VIEW.value,
    Action.ACCESS_DENIED.value,
    Action.PRINT.value,
    Action.EXPORT.value,
)


def timeline(case, limit: int = 100) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .where(AuditEvent.case_id == case.id, AuditEvent.action.not_in(NOT_ON_TIMELINE))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
