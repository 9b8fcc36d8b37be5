from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import aliased

from casework.audit.models import ON_TIMELINE, AuditEvent
from casework.audit.sentences import Event, Sentence, sentence
from casework.auth.models import User
from casework.extensions import db


class Actor(NamedTuple):
    name: str


class TimelineEntry(NamedTuple):
    """One line of a case's story: plain values, not a mapped AuditEvent (a
    hundred of those cost several times what these do to load)."""

    id: int
    occurred_at: datetime
    action: str
    summary: str | None
    reason: str | None
    object_type: str | None
    object_id: str | None
    actor: Actor | None


def timeline(case, limit: int = 100) -> list[TimelineEntry]:
    """The case's latest events, newest first (ix_audit_events_case_timeline)."""
    rows = db.session.execute(
        select(
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.action,
            AuditEvent.summary,
            AuditEvent.reason,
            AuditEvent.object_type,
            AuditEvent.object_id,
            User.name,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.case_id == case.id, ON_TIMELINE)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        TimelineEntry(*row[:7], Actor(row.name) if row.name is not None else None) for row in rows
    ]


# ---- the administrator's log ---------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    """What the log is narrowed to; each part already checked by its form."""

    actor_ids: tuple[int, ...] = ()
    case_id: int | None = None
    action: str | None = None
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive


class LogRow(NamedTuple):
    """One event of the log as plain values, and the sentence they make."""

    id: int
    occurred_at: datetime
    action: str
    object_type: str | None
    object_id: str | None
    ip: str | None
    summary: str | None
    cases_shown: list | None
    actor: str | None
    actor_email: str | None
    actor_role: str | None
    case: str | None
    subject: str | None

    @property
    def sentence(self) -> Sentence:
        return sentence(
            Event(
                action=self.action,
                actor=self.actor,
                family=self.actor_role == "family",
                object_type=self.object_type,
                object_id=self.object_id,
                case=self.case,
                shown=len(self.cases_shown) if self.cases_shown is not None else None,
                subject=self.subject,
            )
        )

    @property
    def record(self) -> str:
        """The record as stored: "Screening 41", "page cases.overview"."""
        return " ".join(part for part in (self.object_type, self.object_id) if part)


def _where(query, given: LogFilter):
    if given.actor_ids:
        query = query.where(AuditEvent.actor_id.in_(given.actor_ids))
    if given.case_id is not None:
        query = query.where(AuditEvent.case_id == given.case_id)
    if given.action:
        query = query.where(AuditEvent.action == given.action)
    if given.since is not None:
        query = query.where(AuditEvent.occurred_at >= given.since)
    if given.until is not None:
        query = query.where(AuditEvent.occurred_at < given.until)
    return query


def log_rows(given: LogFilter, *, limit: int, offset: int = 0) -> list[LogRow]:
    """A page of the log, newest first, in one query: the actor's name, the
    case's reference and the name of an account an event is about come with it."""
    case = aliased(AuditEvent.case.property.mapper.class_)
    subject = aliased(User)
    query = (
        select(
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.ip,
            AuditEvent.summary,
            AuditEvent.cases_shown,
            User.name,
            User.email,
            User.role,
            case.reference,
            subject.name,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(case, case.id == AuditEvent.case_id)
        .outerjoin(
            subject,
            and_(
                AuditEvent.object_type == "User",
                AuditEvent.object_id == cast(subject.id, String),
            ),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [LogRow(*row) for row in db.session.execute(_where(query, given))]


def log_count(given: LogFilter) -> int:
    return db.session.scalar(_where(select(func.count(AuditEvent.id)), given))


def people_named(typed: str) -> list[int]:
    """The accounts whose name or email is `typed` (any case): a name two
    people share finds both."""
    wanted = typed.strip().lower()
    return list(
        db.session.scalars(
            select(User.id).where(
                or_(func.lower(User.name) == wanted, func.lower(User.email) == wanted)
            )
        )
    )


def case_id_of(reference: str) -> int | None:
    case = AuditEvent.case.property.mapper.class_
    return db.session.scalar(select(case.id).where(case.reference == reference))
