"""Clinical access given from the web waits for a supervisor's confirmation.

An administrator manages accounts but reaches no clinical record, so making an
account that does (an interventionist, a supervisor, an administrator with
supervisor access), or raising an account's reach, is a request: until a
supervisor other than the one who asked confirms it, the account reaches no
more than before. The command line (`flask create-user`) stays direct, for a
practice's first accounts.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth import service
from casework.auth.models import Role, User, clinical_level, describe_role
from casework.extensions import db
from casework.timeutil import utcnow


class AccessRequest(db.Model):
    """A role for an account that reaches more of the clinical record than it
    does now, asked for from the web, waiting for a supervisor."""

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    also_supervisor: Mapped[bool] = mapped_column(default=False)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "confirmed" or "declined", by whom and when; None while it waits.
    decision: Mapped[str | None] = mapped_column(String(10), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    # Two supervisors answering at once: the second gets a 409.
    version: Mapped[int] = mapped_column(default=1)

    user = relationship(User, foreign_keys=[user_id], lazy="raise")
    requested_by = relationship(User, foreign_keys=[requested_by_id], lazy="raise")
    decided_by = relationship(User, foreign_keys=[decided_by_id], lazy="raise")

    __mapper_args__ = {"version_id_col": version}

    @property
    def role_label(self) -> str:
        return describe_role(self.role, self.also_supervisor)

    def __repr__(self) -> str:
        return f"<AccessRequest {self.id} user {self.user_id} {self.decision or 'open'}>"


class RequestRefused(ValueError):
    """Said to the person who tried, as it stands."""


def reach(user: User) -> int:
    """How much of the clinical record the account reaches today (0, 1, 2)."""
    return 2 if user.sees_every_case else 1 if user.has_clinical_access else 0


def open_request(user: User) -> AccessRequest | None:
    return db.session.scalar(
        select(AccessRequest).where(
            AccessRequest.user_id == user.id, AccessRequest.decision.is_(None)
        )
    )


def waiting() -> list[AccessRequest]:
    """Every open request, oldest first, with the people named on it."""
    return list(
        db.session.scalars(
            select(AccessRequest)
            .where(AccessRequest.decision.is_(None))
            .options(joinedload(AccessRequest.user), joinedload(AccessRequest.requested_by))
            .order_by(AccessRequest.requested_at, AccessRequest.id)
        )
    )


def _ask(user: User, role: str, also_supervisor: bool, by: User) -> AccessRequest:
    request = AccessRequest(
        user_id=user.id, role=role, also_supervisor=also_supervisor, requested_by_id=by.id
    )
    db.session.add(request)
    db.session.flush()
    record(
        Action.ACCESS_REQUESTED,
        actor=by,
        obj=request,
        summary=f"Clinical access ({request.role_label}) asked for {user.email}",
    )
    return request


def create_user(*, by: User, **fields) -> tuple[User, AccessRequest | None]:
    """An account made from the web. One with clinical access is made waiting
    for it (it reaches no case), with a request for a supervisor."""
    user = service.create_user(actor=by, **fields)
    if not clinical_level(user.role, user.also_supervisor):
        return user, None
    user.clinical_pending = True
    return user, _ask(user, user.role, user.also_supervisor, by)


def change_role(user: User, role: str, also_supervisor: bool, by: User) -> AccessRequest | None:
    """A new role for the account. One that reaches more of the clinical record
    than the account does today is a request (returned); anything else is done."""
    also_supervisor = also_supervisor and role == Role.ADMIN
    if user.id == by.id:
        raise RequestRefused("You cannot change your own role; ask another administrator.")
    if open_request(user) is not None:
        raise RequestRefused(
            "A change of role for this account is waiting for a supervisor. "
            "It must be confirmed or declined first."
        )
    if clinical_level(role, also_supervisor) > reach(user):
        return _ask(user, role, also_supervisor, by)
    user.role, user.also_supervisor = role, also_supervisor
    record(
        Action.UPDATE,
        actor=by,
        obj=user,
        summary=f"Role of {user.email} changed to {user.role_label}",
    )
    return None


def hold_after_takeover_risk(user: User, by: User, what: str) -> AccessRequest | None:
    """An administrator who sets a clinical account's password or clears its
    second factor could sign in as it. So its clinical access is held, as if
    newly given, until another supervisor confirms it again (returned)."""
    if user.id == by.id or not clinical_level(user.role, user.also_supervisor):
        return None
    user.clinical_pending = True
    found = open_request(user)
    if found is not None:
        return found
    asked = _ask(user, user.role, user.also_supervisor, by)
    record(
        Action.UPDATE,
        actor=by,
        obj=user,
        summary=f"Clinical access of {user.email} held for a supervisor after {what}",
    )
    return asked


def _decide(request: AccessRequest, supervisor: User) -> User:
    if request.decision is not None:
        raise RequestRefused("That request has been answered already.")
    if supervisor.id in (request.requested_by_id, request.user_id):
        raise RequestRefused(
            "A request is answered by a supervisor other than the person who asked "
            "and the person it is for."
        )
    request.decided_by_id, request.decided_at = supervisor.id, utcnow()
    return db.session.get(User, request.user_id)


def confirm(request: AccessRequest, supervisor: User) -> User:
    user = _decide(request, supervisor)
    request.decision = "confirmed"
    user.role, user.also_supervisor = request.role, request.also_supervisor
    user.clinical_pending = False
    record(
        Action.ACCESS_CONFIRMED,
        actor=supervisor,
        obj=request,
        summary=f"Clinical access ({request.role_label}) confirmed for {user.email}",
    )
    return user


def decline(request: AccessRequest, supervisor: User) -> User:
    """The account stays as it was: one made waiting still reaches no case."""
    user = _decide(request, supervisor)
    request.decision = "declined"
    record(
        Action.ACCESS_DECLINED,
        actor=supervisor,
        obj=request,
        summary=f"Clinical access ({request.role_label}) declined for {user.email}",
    )
    return user
