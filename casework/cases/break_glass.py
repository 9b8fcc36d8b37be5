"""Break-glass access: an interventionist opens a case outside their reach in
an emergency, stating why. The grant lasts an hour, is audited as its own
action, and waits for a supervisor's review. `casework.cases.access` asks
`active_grant` and `granted_cases`; nothing else decides who sees a case.
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.audit.models import Action
from casework.audit.service import record
from casework.extensions import db
from casework.timeutil import utcnow

GRANT_LENGTH = timedelta(hours=1)


class BreakGlassGrant(db.Model):
    __tablename__ = "break_glass_grants"
    __table_args__ = (
        # The access check: this person's grants still running.
        Index("ix_break_glass_grants_user_id_expires_at", "user_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Their own words; kept here for the reviewer, never in an audit summary.
    reason: Mapped[str] = mapped_column(String(1000))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(index=True)
    # Two supervisors reviewing at once: the second gets a 409.
    version: Mapped[int] = mapped_column(default=1)

    case = relationship("FamilyCase", lazy="raise")
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="raise")

    __mapper_args__ = {"version_id_col": version}

    @property
    def minutes_left(self) -> int:
        return max(0, math.ceil((self.expires_at - utcnow()).total_seconds() / 60))

    @property
    def running(self) -> bool:
        return self.expires_at > utcnow()

    def __repr__(self) -> str:
        return f"<BreakGlassGrant {self.id} case {self.case_id} user {self.user_id}>"


def may_break_glass(user) -> bool:
    """An interventionist: clinical access, but not to every case already."""
    return user.is_authenticated and user.has_clinical_access and not user.sees_every_case


def active_grant(user, case) -> BreakGlassGrant | None:
    """The user's grant on the case still running now, the latest ending first."""
    return db.session.scalar(
        select(BreakGlassGrant)
        .where(
            BreakGlassGrant.user_id == user.id,
            BreakGlassGrant.case_id == case.id,
            BreakGlassGrant.expires_at > utcnow(),
        )
        .order_by(BreakGlassGrant.expires_at.desc())
        .limit(1)
    )


def granted_cases(user):
    """The ids of the cases the user's running grants open, as a subquery."""
    return select(BreakGlassGrant.case_id).where(
        BreakGlassGrant.user_id == user.id, BreakGlassGrant.expires_at > utcnow()
    )


def grant(user, case, reason: str) -> BreakGlassGrant:
    now = utcnow()
    made = BreakGlassGrant(
        case_id=case.id,
        user_id=user.id,
        reason=reason,
        granted_at=now,
        expires_at=now + GRANT_LENGTH,
    )
    db.session.add(made)
    db.session.flush()
    record(
        Action.BREAK_GLASS,
        case=case,
        obj=made,
        summary="Emergency access opened for one hour",
        reason=reason,
    )
    return made


def review(grant: BreakGlassGrant, supervisor) -> None:
    grant.reviewed_by_id, grant.reviewed_at = supervisor.id, utcnow()
    record(
        Action.REVIEW,
        case=grant.case,
        obj=grant,
        summary="Emergency access reviewed by a supervisor",
    )
