from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, bindparam, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from casework.extensions import db
from casework.timeutil import utcnow


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    PHASE_CHANGE = "phase_change"
    REASSIGN = "reassign"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    # Two-factor sign-in set up (or new recovery codes made), and reset by an admin.
    TWO_FACTOR_ENROL = "two_factor_enrol"
    TWO_FACTOR_RESET = "two_factor_reset"
    EXPORT = "export"
    PRINT = "print"
    ACCESS_DENIED = "access_denied"
    OVERRIDE = "override"
    SIGN = "sign"
    COSIGN = "cosign"
    RETURN = "return"
    REVIEW = "review"
    SAVE_DRAFT = "save_draft"
    # A page listing cases (caseload, search, calendar): the references shown.
    LIST = "list"
    # An interventionist opens a case outside their reach in an emergency.
    BREAK_GLASS = "break_glass"
    # Clinical access given from the web waits for a supervisor's word.
    ACCESS_REQUESTED = "access_requested"
    ACCESS_CONFIRMED = "access_confirmed"
    ACCESS_DECLINED = "access_declined"
    FEED_FETCH = "feed_fetch"


class AuditEvent(db.Model):
    """Who did what to which record, when and from where. Append-only."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_case_id_occurred_at", "case_id", "occurred_at"),
        Index("ix_audit_events_actor_id_occurred_at", "actor_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    # A plain sentence for the case timeline ("Moved to Assessment"): what
    # happened to which record, never its clinical content.
    summary: Mapped[str | None] = mapped_column(String(500))
    # Why, in the user's own words (an override, a reassignment): shown on the
    # case's timeline to those who may see the case, never in the admin's log.
    reason: Mapped[str | None] = mapped_column(String(1000))
    # The case references a list page showed (caseload, search, calendar).
    cases_shown: Mapped[list | None] = mapped_column(JSON)

    actor = relationship("User", lazy="raise")
    case = relationship("FamilyCase", lazy="raise")


# Reads and refusals are audited but are not part of the case's story.
NOT_ON_TIMELINE = (
    Action.VIEW.value,
    Action.ACCESS_DENIED.value,
    Action.PRINT.value,
    Action.EXPORT.value,
    # A draft saves itself as it is typed; its start and its signing are the story.
    Action.SAVE_DRAFT.value,
)

# The timeline's filter, written once for the query and for its partial index.
# The values are rendered into the SQL (not sent as parameters), so the
# planners can see the query's WHERE implies the index's: PostgreSQL and
# SQLite use a partial index only when they can prove that when planning.
ON_TIMELINE = AuditEvent.action.not_in(
    bindparam("not_on_timeline", list(NOT_ON_TIMELINE), expanding=True, literal_execute=True)
)

# A case's story, newest first, without the reads that outnumber it: the
# overview reads its first rows straight off this index, however many events
# other cases have had since.
Index(
    "ix_audit_events_case_timeline",
    AuditEvent.case_id,
    AuditEvent.occurred_at.desc(),
    AuditEvent.id.desc(),
    postgresql_where=ON_TIMELINE,
    sqlite_where=ON_TIMELINE,
)


class AuditRowIsPermanent(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditRowIsPermanent("Audit events are never changed.")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditRowIsPermanent("Audit events are never deleted.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state):
    """ORM UPDATE and DELETE statements skip the mapper events above."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AuditRowIsPermanent("Audit events are never changed or deleted.")
