import hashlib
import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.domain.sessions import end_of
from casework.extensions import db
from casework.timeutil import utcnow

session_contacts = Table(
    "session_contacts",
    db.metadata,
    Column("session_id", ForeignKey("case_sessions.id"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), primary_key=True),
)

session_staff = Table(
    "session_staff",
    db.metadata,
    Column("session_id", ForeignKey("case_sessions.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


def new_uid() -> str:
    return f"{uuid.uuid4()}@casework"


class CaseSession(db.Model):
    """A meeting on a case: a call, an interview, a rehearsal, the day itself."""

    __tablename__ = "case_sessions"
    __table_args__ = (Index("ix_case_sessions_lead_id_starts_at", "lead_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # The interventionist running the session (whose calendar it fills).
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime]  # UTC
    duration_minutes: Mapped[int]
    place_kind: Mapped[str] = mapped_column(String(20), default="in_person")
    place: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case = relationship("FamilyCase", lazy="joined", innerjoin=True)
    lead = relationship("User", lazy="joined", innerjoin=True)
    contacts = relationship(
        "Contact", secondary=session_contacts, lazy="selectin", order_by="Contact.name"
    )
    staff = relationship("User", secondary=session_staff, lazy="selectin", order_by="User.name")

    @property
    def ends_at(self) -> datetime:
        return end_of(self.starts_at, self.duration_minutes)

    @property
    def is_open(self) -> bool:
        return self.status == "scheduled"


def feed_token_hash(token: str) -> str:
    """What is stored of a feed's token: its SHA-256. The token is 256 random
    bits, so a plain hash is enough (no salt or slow hash needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(db.Model):
    """A private subscription URL for one staff member's sessions. Only the
    token's hash is kept: the URL is shown once, when it is made."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined")
