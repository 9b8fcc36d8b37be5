"""Read-only session queries: for other areas (caseload, case overview, packets,
the portal) and for the calendar and its feed.

Two builders underlie them all: `upcoming` (scheduled sessions still to come)
and `staff_sessions` (what one staff member leads or attends in a window).
"""

from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, lazyload

from casework.cases.models import FamilyCase
from casework.extensions import db
from casework.scheduling.models import CaseSession, session_staff
from casework.timeutil import utcnow


def upcoming(*where) -> Select:
    """Scheduled sessions still to come, soonest first, narrowed by `where`."""
    return (
        select(CaseSession)
        .where(CaseSession.status == "scheduled", CaseSession.starts_at >= utcnow(), *where)
        .order_by(CaseSession.starts_at, CaseSession.id)
    )


def cases_with_upcoming(case_ids: list[int]) -> set[int]:
    """Which of these cases have a scheduled session still to come (one query)."""
    if not case_ids:
        return set()
    query = upcoming(CaseSession.case_id.in_(case_ids))
    return set(
        db.session.scalars(query.with_only_columns(CaseSession.case_id).order_by(None).distinct())
    )


def next_sessions(case_ids: list[int]) -> dict[int, CaseSession]:
    """Each case's next scheduled session, for a page of cases (one query)."""
    if not case_ids:
        return {}
    ranked = (
        upcoming(CaseSession.case_id.in_(case_ids))
        .with_only_columns(
            CaseSession.id,
            func.row_number()
            .over(
                partition_by=CaseSession.case_id, order_by=(CaseSession.starts_at, CaseSession.id)
            )
            .label("n"),
        )
        .order_by(None)
        .subquery()
    )
    found = db.session.scalars(
        select(CaseSession)
        .join(ranked, ranked.c.id == CaseSession.id)
        .where(ranked.c.n == 1)
        # A next step needs the kind and the time: the cases are loaded already,
        # and who leads or attends is not asked.
        .options(
            lazyload(CaseSession.case),
            lazyload(CaseSession.lead),
            lazyload(CaseSession.contacts),
            lazyload(CaseSession.staff),
        )
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
    """The case's scheduled sessions still to come, soonest first."""
    return list(db.session.scalars(upcoming(CaseSession.case_id == case_id)))


# A list of sessions shows each one's time, title, place and case reference:
# nobody's contacts, attendees or staff, and the case without its own people.
LISTING = (
    joinedload(CaseSession.case).options(
        lazyload(FamilyCase.contacts),
        lazyload(FamilyCase.interventionist),
        lazyload(FamilyCase.co_interventionist),
    ),
    lazyload(CaseSession.lead),
    lazyload(CaseSession.contacts),
    lazyload(CaseSession.staff),
)


def staff_sessions(
    user_id: int,
    start: datetime,
    end: datetime | None = None,
    *,
    scheduled_only: bool = False,
    listing: bool = False,
) -> list[CaseSession]:
    """Sessions a staff member leads or attends from `start` (to `end`, UTC),
    soonest first: the calendar, the subscription feed and the week ahead."""
    attending = select(session_staff.c.session_id).where(session_staff.c.user_id == user_id)
    query = select(CaseSession).where(
        or_(CaseSession.lead_id == user_id, CaseSession.id.in_(attending)),
        CaseSession.starts_at >= start,
    )
    if end is not None:
        query = query.where(CaseSession.starts_at < end)
    if scheduled_only:
        query = query.where(CaseSession.status == "scheduled")
    if listing:
        query = query.options(*LISTING)
    return list(db.session.scalars(query.order_by(CaseSession.starts_at, CaseSession.id)))


def week_ahead(user_id: int, days: int = 7) -> list[CaseSession]:
    """The user's scheduled sessions from an hour ago to the end of the next `days` days."""
    now = utcnow()
    return staff_sessions(
        user_id,
        now - timedelta(hours=1),
        now + timedelta(days=days + 1),
        scheduled_only=True,
        listing=True,
    )
