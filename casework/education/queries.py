"""Read-only education queries other areas use (caseload, case overview)."""

from sqlalchemy import select

from casework.education.models import Assignment
from casework.extensions import db
from casework.timeutil import local_today


def cases_with_overdue_reading(case_ids: list[int]) -> set[int]:
    """Which of these cases have an unfinished assignment past its due date (one query)."""
    if not case_ids:
        return set()
    return set(
        db.session.scalars(
            select(Assignment.case_id)
            .distinct()
            .where(
                Assignment.case_id.in_(case_ids),
                Assignment.finished_at.is_(None),
                Assignment.due_on < local_today(),
            )
        )
    )
