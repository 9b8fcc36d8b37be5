"""Read-only session queries other areas use (caseload, case overview)."""

from datetime import timedelta

from sqlalchemy import func, or_, select

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


def next_sessions(case_ids: list[int]) -> dict[int, CaseSession]:
    """Each case's next scheduled session, for a page of cases (one query)."""
    if not case_ids:
        return {}
    ranked = (
        select(
            CaseSession.id,
            func.row_number()
            .over(
                partition_by=CaseSession.case_id, order_by=(CaseSession.starts_at, CaseSession.id)
            )
            .label("n"),
        )
        .where(
            CaseSession.case_id.in_(case_ids),
            CaseSession.status == "scheduled",
            CaseSession.starts_at >= utcnow(),
        )
        .subquery()
    )
    found = db.session.scalars(
        select(CaseSession).join(ranked, ranked.c.id == CaseSession.id).where(ranked.c.n == 1)
    )
    return {session.case_id: session for session in found}


def held_kinds(case_ids: list[int]) -> dict[int, set[str]]:
    """The kinds of session each case has held, for a page of cases (one query)."""
    held: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    if case_ids:
        rows = db.session.execute(
            select(CaseSession.case_id, CaseSession.kind)
            .distinct()
            .where(CaseSession.case_id.in_(case_ids), CaseSession.status == "held")
        )
        for case_id, kind in rows:
            held[case_id].add(kind)
    return held


def next_session(case_id: int) -> CaseSession | None:
    return next_sessions([case_id]).get(case_id)


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
