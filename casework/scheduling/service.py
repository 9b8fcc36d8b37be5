"""Writes to sessions. Each function makes the change and its audit event;
the view commits."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from casework.audit.models import Action
from casework.audit.service import record
from casework.domain import sessions as rules
from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import format_local, utcnow

# Changing any of these moves the event in people's calendars.
TIMING_FIELDS = ("starts_at", "duration_minutes", "place_kind", "place")
DETAIL_FIELDS = ("kind", "title", "notes")


@dataclass
class SessionData:
    kind: str
    title: str
    starts_at: datetime  # UTC
    duration_minutes: int
    place_kind: str
    place: str | None
    notes: str | None
    contacts: list
    staff: list


class NeedsOverlapConfirmation(Exception):
    def __init__(self, clashes: list[rules.Slot]):
        super().__init__("overlap")
        self.clashes = clashes


def clashes_for(
    lead_id: int, start: datetime, minutes: int, ignore: int | None = None
) -> list[rules.Slot]:
    """Sessions of the same interventionist that overlap the proposed time."""
    window = timedelta(minutes=rules.MAX_MINUTES)
    rows = db.session.execute(
        select(
            CaseSession.id, CaseSession.starts_at, CaseSession.duration_minutes, CaseSession.title
        ).where(
            CaseSession.lead_id == lead_id,
            CaseSession.status.in_(("scheduled", "held")),
            CaseSession.starts_at > start - window,
            CaseSession.starts_at < rules.end_of(start, minutes),
        )
    ).all()
    slots = [
        rules.Slot(r.id, r.starts_at, rules.end_of(r.starts_at, r.duration_minutes), r.title)
        for r in rows
    ]
    return rules.overlapping(start, minutes, slots, ignore=ignore)


def _check(
    data: SessionData,
    lead_id: int,
    *,
    recording_held: bool,
    confirmed: bool,
    ignore: int | None = None,
    check_start: bool = True,
) -> None:
    rules.check_duration(data.duration_minutes)
    if check_start:
        rules.check_start(data.starts_at, utcnow(), recording_held=recording_held)
    clashes = clashes_for(lead_id, data.starts_at, data.duration_minutes, ignore)
    if clashes and not confirmed:
        raise NeedsOverlapConfirmation(clashes)


def _when(session: CaseSession) -> str:
    return format_local(session.starts_at, "%a %b %-d, %Y %-I:%M %p")


def schedule(
    case, lead, data: SessionData, *, recording_held: bool = False, confirmed: bool = False
) -> CaseSession:
    _check(data, lead.id, recording_held=recording_held, confirmed=confirmed)
    session = CaseSession(
        case=case, lead=lead, status="held" if recording_held else "scheduled", **vars(data)
    )
    db.session.add(session)
    db.session.flush()
    verb = "Recorded held" if recording_held else "Scheduled"
    record(
        Action.CREATE,
        case=case,
        obj=session,
        summary=f"{verb} {rules.KINDS[session.kind].lower()} session for {_when(session)}",
    )
    return session


def update(
    session: CaseSession, data: SessionData, reason: str | None, *, confirmed: bool = False
) -> bool:
    """Save edits; returns whether the session was rescheduled."""
    moved = any(getattr(session, f) != getattr(data, f) for f in TIMING_FIELDS)
    if moved and not reason:
        raise rules.SessionRuleError("Say why the session is changing time or place.")
    time_changed = (session.starts_at, session.duration_minutes) != (
        data.starts_at,
        data.duration_minutes,
    )
    _check(
        data,
        session.lead_id,
        recording_held=False,
        confirmed=confirmed,
        ignore=session.id,
        check_start=time_changed,
    )
    before = _when(session)
    for name, value in vars(data).items():
        setattr(session, name, value)
    if moved:
        session.sequence += 1
        summary = f"Session rescheduled from {before} to {_when(session)}"
    else:
        summary = f"Session of {_when(session)} updated"
    record(Action.UPDATE, case=session.case, obj=session, summary=summary, reason=reason)
    return moved


def set_status(session: CaseSession, status: str, reason: str | None = None) -> None:
    if session.status != "scheduled":
        raise rules.SessionRuleError("Only a scheduled session can change like that.")
    if status == "cancelled" and not reason:
        raise rules.SessionRuleError("Say why the session is cancelled.")
    if status in ("held", "no_show") and session.starts_at > utcnow():
        raise rules.SessionRuleError("A session can be marked held or no-show once it has started.")
    session.status = status
    if status == "cancelled":
        session.cancel_reason = reason
        session.sequence += 1  # calendars must see the cancellation as news
    words = {"cancelled": "cancelled", "held": "held", "no_show": "marked no-show"}[status]
    summary = f"Session of {_when(session)} {words}"
    record(Action.UPDATE, case=session.case, obj=session, summary=summary, reason=reason)
