"""Read-only education queries other areas use (caseload, case overview)."""

from functools import cache

from sqlalchemy import Select, bindparam, select

from casework.education.models import Assignment
from casework.extensions import db
from casework.timeutil import local_today


@cache
def _overdue_statement() -> Select:
    """Built once, of the table's own columns (a plain statement costs half
    what the same through the ORM's column machinery does): the case ids and
    the day go in as parameters."""
    assignments = Assignment.__table__
    return (
        select(assignments.c.case_id)
        .distinct()
        .where(
            assignments.c.case_id.in_(bindparam("case_ids", expanding=True)),
            assignments.c.finished_at.is_(None),
            assignments.c.due_on < bindparam("today"),
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
