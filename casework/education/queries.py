"""Read-only education queries other areas use (caseload, case overview)."""

from functools import cache

from sqlalchemy import Select, bindparam, select

from casework.education.models import Assignment
from casework.extensions import db
from casework.timeutil import local_today


@cache
def _overdue_statement() -> Select:
    """Built once: the case ids and the day go in as parameters."""
    return (
        select(Assignment.case_id)
        .distinct()
        .where(
            Assignment.case_id.in_(bindparam("case_ids", expanding=True)),
            Assignment.finished_at.is_(None),
            Assignment.due_on < bindparam("today"),
        )
    )


def cases_with_overdue_reading(case_ids: list[int]) -> set[int]:
    """Which of these cases have an unfinished assignment past its due date (one query)."""
    if not case_ids:
        return set()
    return set(
        db.session.scalars(
            _overdue_statement(), {"case_ids": list(case_ids), "today": local_today()}
        )
    )
