"""Read-only session queries: for other areas (caseload, case overview, packets,
the portal) and for the calendar and its feed.

Two builders underlie them all: `upcoming` (scheduled sessions still to come)
and `staff_sessions` (what one staff member leads or attends in a window).
"""

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Row, Select, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, lazyload

from casework.cases.access import visible_cases
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


# A next step or the overview's line needs these of a case's next session.
NEXT_SESSION_COLUMNS = ("id", "case_id", "kind", "title", "starts_at")


@cache
def _next_sessions_statement() -> Select:
    """Built once, of the table's own columns (a plain statement costs half
    what the same through the ORM's column machinery does): the case ids and
    the time go in as parameters."""
    sessions = CaseSession.__table__
    ranked = (
        select(
            sessions.c.id,
            func.row_number()
            .over(partition_by=sessions.c.case_id, order_by=(sessions.c.starts_at, sessions.c.id))
            .label("n"),
        )
        .where(
            sessions.c.status == "scheduled",
            sessions.c.starts_at >= bindparam("now"),
            sessions.c.case_id.in_(bindparam("case_ids", expanding=True)),
        )
        .subquery()
    )
    return (
        select(*(sessions.c[name] for name in NEXT_SESSION_COLUMNS))
        .join(ranked, ranked.c.id == sessions.c.id)
        .where(ranked.c.n == 1)
    )


def next_sessions(case_ids: list[int]) -> dict[int, Row]:
    """Each case's next scheduled session, for a page of cases (one query): a
    light row with the session's id, case_id, kind, title and starts_at."""
    if not case_ids:
        return {}
    found = db.session.execute(
        _next_sessions_statement(), {"now": utcnow(), "case_ids": list(case_ids)}
    )
    return {row.case_id: row for row in found}


@cache
def _held_kinds_statement() -> Select:
    sessions = CaseSession.__table__
    return (
        select(sessions.c.case_id, sessions.c.kind)
        .distinct()
        .where(
            sessions.c.case_id.in_(bindparam("case_ids", expanding=True)),
            sessions.c.status == "held",
        )
    )


def held_kinds(case_ids: list[int]) -> dict[int, set[str]]:
    """The kinds of session each case has held, for a page of cases (one query)."""
    held: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    if case_ids:
        rows = db.session.execute(_held_kinds_statement(), {"case_ids": list(case_ids)})
        for case_id, kind in rows:
            held[case_id].add(kind)
    return held


def next_session(case_id: int) -> Row | None:
    return next_sessions([case_id]).get(case_id)


def upcoming_for_case(case_id: int) -> list[CaseSession]:
    """The case's scheduled sessions still to come, soonest first."""
    return list(db.session.scalars(upcoming(CaseSession.case_id == case_id)))


# A list of sessions shows each one's time, title, place and case reference:
# nobody's contacts, attendees or staff, and the case by its reference alone.
LISTING = (
    joinedload(CaseSession.case)
    .load_only(FamilyCase.reference)
    .options(
        lazyload(FamilyCase.contacts),
        lazyload(FamilyCase.interventionist),
        lazyload(FamilyCase.co_interventionist),
    ),
    lazyload(CaseSession.lead),
    lazyload(CaseSession.contacts),
    lazyload(CaseSession.staff),
)


@cache
def _staff_sessions_statement(ends: bool, scheduled_only: bool, listing: bool) -> Select:
    """Built once for each shape: who, from and to go in as parameters."""
    who = bindparam("who")
    attending = select(session_staff.c.session_id).where(session_staff.c.user_id == who)
    query = select(CaseSession).where(
        or_(CaseSession.lead_id == who, CaseSession.id.in_(attending)),
        CaseSession.starts_at >= bindparam("start"),
    )
    if ends:
        query = query.where(CaseSession.starts_at < bindparam("end"))
    if scheduled_only:
        query = query.where(CaseSession.status == "scheduled")
    if listing:
        query = query.options(*LISTING)
    return query.order_by(CaseSession.starts_at, CaseSession.id)


def staff_sessions(
    user,
    start: datetime,
    end: datetime | None = None,
    *,
    scheduled_only: bool = False,
    listing: bool = False,
) -> list[CaseSession]:
    """Sessions a staff member leads or attends from `start` (to `end`, UTC),
    soonest first, on cases the member may see (`visible_cases`, the one rule
    for case access: a case reassigned away takes its sessions with it): the
    calendar, the subscription feed and the week ahead."""
    query = _staff_sessions_statement(end is not None, scheduled_only, listing).where(
        CaseSession.case_id.in_(select(FamilyCase.id).where(visible_cases(user)))
    )
    return list(db.session.scalars(query, {"who": user.id, "start": start, "end": end}))


def week_ahead(user, days: int = 7) -> list[CaseSession]:
    """The user's scheduled sessions from an hour ago to the end of the next `days` days."""
    now = utcnow()
    return staff_sessions(
        user,
        now - timedelta(hours=1),
        now + timedelta(days=days + 1),
        scheduled_only=True,
        listing=True,
    )
