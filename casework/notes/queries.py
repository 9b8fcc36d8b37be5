"""Reads of the clinical record: a case's notes page by page, what each held
session's note stands at, notes that are late, and the queues of notes to
write, sign, co-sign and review. Each is one statement (or a fixed few)
whatever the number of notes."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import raiseload

from casework.auth.models import User
from casework.cases.models import FamilyCase
from casework.domain import notes as rules
from casework.domain.sessions import end_of
from casework.extensions import db
from casework.forms import Page
from casework.notes.models import Note, NoteSupervision
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow


@dataclass(frozen=True)
class NoteFilters:
    kind: str = ""
    author_id: int = 0
    signed: str = ""  # "", "signed" or "unsigned"


def _filtered(case_id: int, filters: NoteFilters) -> list:
    where = [Note.case_id == case_id]
    if filters.kind in rules.KINDS:
        where.append(Note.kind == filters.kind)
    if filters.author_id:
        where.append(Note.author_id == filters.author_id)
    if filters.signed == "signed":
        where.append(Note.status != rules.DRAFT)
    elif filters.signed == "unsigned":
        where.append(Note.status == rules.DRAFT)
    return where


def case_notes(case, filters: NoteFilters, number: int, per_page: int) -> Page:
    """One page of the case's notes, newest first, with the total (a window
    count in the same statement). Authors come joined; nothing else loads."""
    total = func.count().over().label("total")
    rows = db.session.execute(
        select(Note, total)
        .where(*_filtered(case.id, filters))
        .options(
            raiseload(Note.contacts),
            raiseload(Note.staff),
            raiseload(Note.addenda),
            raiseload(Note.session),
        )
        .order_by(Note.occurred_at.desc(), Note.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    return Page([row.Note for row in rows], number, per_page, rows[0].total if rows else 0)


def signed_notes(case) -> list[Note]:
    """Every signed note of the case with what its signature covers
    (participants and addenda come in one statement each)."""
    return list(
        db.session.scalars(
            select(Note)
            .where(Note.case_id == case.id, Note.status != rules.DRAFT)
            .options(raiseload(Note.session))
            .order_by(Note.occurred_at, Note.id)
        )
    )


def all_notes(case) -> list[Note]:
    """Every note of the case, oldest first, for print and the record export."""
    return list(
        db.session.scalars(
            select(Note)
            .where(Note.case_id == case.id)
            .options(raiseload(Note.session))
            .order_by(Note.occurred_at, Note.id)
        )
    )


def authors(case) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(User.id, User.name)
        .where(User.id.in_(select(Note.author_id).where(Note.case_id == case.id)))
        .order_by(User.name)
    )
    return [(r.id, r.name) for r in rows]


@dataclass(frozen=True)
class SessionNote:
    note_id: int | None
    status: str | None


def held_session_notes(session_ids: list[int]) -> dict[int, SessionNote]:
    """Of these sessions, the held ones, each with its note's id and state
    (None when it has no note yet)."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(CaseSession.id, Note.id.label("note_id"), Note.status)
        .outerjoin(Note, Note.session_id == CaseSession.id)
        .where(CaseSession.id.in_(session_ids), CaseSession.status == "held")
    )
    return {r.id: SessionNote(r.note_id, r.status) for r in rows}


@dataclass(frozen=True)
class LateNote:
    """The earliest held session of a case whose note is not signed a day on."""

    session_id: int
    kind: str
    title: str
    starts_at: datetime
    note_id: int | None


@cache
def _late_notes_statement() -> Select:
    sessions, notes = CaseSession.__table__, Note.__table__
    return (
        select(
            sessions.c.case_id,
            sessions.c.id,
            sessions.c.kind,
            sessions.c.title,
            sessions.c.starts_at,
            sessions.c.duration_minutes,
            notes.c.id.label("note_id"),
        )
        .outerjoin(notes, notes.c.session_id == sessions.c.id)
        .where(
            sessions.c.case_id.in_(bindparam("case_ids", expanding=True)),
            sessions.c.status == "held",
            # Started a day ago at least; the exact end is checked below.
            sessions.c.starts_at <= bindparam("cutoff"),
            or_(notes.c.id.is_(None), notes.c.status == rules.DRAFT),
        )
        .order_by(sessions.c.case_id, sessions.c.starts_at)
    )


def late_notes(case_ids: list[int], now: datetime | None = None) -> dict[int, LateNote]:
    """Per case, the first held session more than a day past without a signed note."""
    if not case_ids:
        return {}
    now = now or utcnow()
    rows = db.session.execute(
        _late_notes_statement(),
        {"case_ids": list(case_ids), "cutoff": now - rules.NOTE_DUE_AFTER},
    )
    found: dict[int, LateNote] = {}
    for r in rows:
        if r.case_id in found:
            continue
        if rules.note_is_late(end_of(r.starts_at, r.duration_minutes), now):
            found[r.case_id] = LateNote(r.id, r.kind, r.title, r.starts_at, r.note_id)
    return found


@dataclass(frozen=True)
class QueueRow:
    """A line in a queue: enough to name the note and link to it."""

    note_id: int
    case_reference: str
    loved_one_name: str
    kind: str
    occurred_at: datetime
    author_name: str
    status: str
    since: datetime | None


@cache
def _queue_statement(narrowed_by: str) -> Select:
    """A queue's statement, built once for each queue (`narrowed_by`): its
    values (the author, how many) go in as parameters."""
    notes, cases, users = Note.__table__, FamilyCase.__table__, User.__table__
    since = func.coalesce(notes.c.signed_at, notes.c.draft_saved_at)
    where = {
        "drafts": (notes.c.author_id == bindparam("author_id"), notes.c.status == rules.DRAFT),
        "cosign": (notes.c.status == rules.AWAITING_COSIGN,),
        "review": (
            notes.c.status == rules.SIGNED,
            notes.c.reviewed_at.is_(None),
            notes.c.author_id.in_(_reviewed_authors()),
        ),
    }[narrowed_by]
    return (
        select(
            notes.c.id,
            cases.c.reference,
            cases.c.loved_one_name,
            notes.c.kind,
            notes.c.occurred_at,
            users.c.name,
            notes.c.status,
            since.label("since"),
        )
        .join(cases, cases.c.id == notes.c.case_id)
        .join(users, users.c.id == notes.c.author_id)
        .where(*where)
        .order_by(since, notes.c.id)
        .limit(bindparam("limit"))
    )


def _reviewed_authors() -> Select:
    """Authors whose signed notes a supervisor reviews."""
    supervision = NoteSupervision.__table__
    return select(supervision.c.user_id).where(supervision.c.mode == "review")


def _queue(narrowed_by: str, limit: int, **values) -> list[QueueRow]:
    rows = db.session.execute(_queue_statement(narrowed_by), {"limit": limit, **values})
    return [QueueRow(*r) for r in rows]


def awaiting_cosign(limit: int = 50) -> list[QueueRow]:
    return _queue("cosign", limit)


def awaiting_review(limit: int = 50) -> list[QueueRow]:
    return _queue("review", limit)


@cache
def _supervision_counts_statement() -> Select:
    notes = Note.__table__
    return select(
        func.count().filter(notes.c.status == rules.AWAITING_COSIGN),
        func.count().filter(
            and_(
                notes.c.status == rules.SIGNED,
                notes.c.reviewed_at.is_(None),
                notes.c.author_id.in_(_reviewed_authors()),
            )
        ),
    ).where(notes.c.status.in_((rules.AWAITING_COSIGN, rules.SIGNED)))


def supervision_counts() -> tuple[int, int]:
    """(awaiting co-signature, awaiting review): the supervisor's navigation count."""
    row = db.session.execute(_supervision_counts_statement()).one()
    return row[0], row[1]


def drafts_of(user_id: int, limit: int = 20) -> list[QueueRow]:
    """The user's own notes still to sign (returned ones first)."""
    return _queue("drafts", limit, author_id=user_id)


@dataclass(frozen=True)
class ToWrite:
    session_id: int
    case_reference: str
    loved_one_name: str
    kind: str
    title: str
    starts_at: datetime


@cache
def _to_write_statement() -> Select:
    sessions, cases, notes = CaseSession.__table__, FamilyCase.__table__, Note.__table__
    return (
        select(
            sessions.c.id,
            cases.c.reference,
            cases.c.loved_one_name,
            sessions.c.kind,
            sessions.c.title,
            sessions.c.starts_at,
        )
        .join(cases, cases.c.id == sessions.c.case_id)
        .outerjoin(notes, notes.c.session_id == sessions.c.id)
        .where(
            sessions.c.lead_id == bindparam("user_id"),
            sessions.c.status == "held",
            cases.c.status != "closed",
            notes.c.id.is_(None),
        )
        .order_by(sessions.c.starts_at)
        .limit(bindparam("limit"))
    )


def sessions_to_write(user_id: int, limit: int = 20) -> list[ToWrite]:
    """Held sessions the user led on open cases that have no note yet."""
    rows = db.session.execute(_to_write_statement(), {"user_id": user_id, "limit": limit})
    return [ToWrite(*r) for r in rows]
