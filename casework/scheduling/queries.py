"""Read-only session queries other areas use (caseload, case overview)."""

from datetime import timedelta

from sqlalchemy import or_, select

from casework.extensions import db
from casework.scheduling.models import CaseSession, session_staff
from casework.timeutil import utcnow


def cases_with_upcoming(case_ids: list[int]) -> set[int]:
    """Which of these cases have a scheduled session still to come (one query)."""
    if not case_ids:
        return set()
    return set(
        db.session.scalars(
            select(CaseSession.case_id)
            .distinct()
            .where(
                CaseSession.case_id.in_(case_ids),
                CaseSession.status == "scheduled",
                CaseSession.starts_at >= utcnow(),
            )
        )
    )


def next_session(case_id: int) -> CaseSession | None:
    return db.session.scalar(
        select(CaseSession)
        .where(
            CaseSession.case_id == case_id,
            CaseSession.status == "scheduled",
            CaseSession.starts_at >= utcnow(),
        )
        .order_by(CaseSession.starts_at)
        .limit(1)
    )


def upcoming_for_case(case_id: int) -> list[CaseSession]:
    return list(
        db.session.scalars(
            select(CaseSession)
            .where(
                CaseSession.case_id == case_id,
                CaseSession.status == "scheduled",
                CaseSession.starts_at >= utcnow(),
            )
            .order_by(CaseSession.starts_at)
        )
    )


def week_ahead(user_id: int, days: int = 7) -> list[CaseSession]:
    """The user's scheduled sessions from now to the end of the next `days` days."""
    now = utcnow()
    attending = select(session_staff.c.session_id).where(session_staff.c.user_id == user_id)
    return list(
        db.session.scalars(
            select(CaseSession)
            .where(
                or_(CaseSession.lead_id == user_id, CaseSession.id.in_(attending)),
                CaseSession.status == "scheduled",
                CaseSession.starts_at >= now - timedelta(hours=1),
                CaseSession.starts_at < now + timedelta(days=days + 1),
            )
            .order_by(CaseSession.starts_at)
        )
    )
