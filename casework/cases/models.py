from datetime import date, datetime

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.domain.phases import Phase
from casework.extensions import db, for_dialect
from casework.timeutil import utcnow

CONCERNS = {
    "alcohol": "Alcohol",
    "opioids": "Opioids",
    "stimulants": "Stimulants",
    "cannabis": "Cannabis",
    "benzodiazepines": "Benzodiazepines",
    "other_drugs": "Other drugs",
    "gambling": "Gambling",
    "mental_health": "Mental health",
}

URGENCIES = {"routine": "Routine", "soon": "Soon", "urgent": "Urgent"}

STATUSES = {"active": "Active", "on_hold": "On hold", "closed": "Closed"}

CONTACT_METHODS = {"phone": "Phone call", "text": "Text message", "email": "Email"}


# Stored beside phase and urgency so the caseload's order can walk an index
# (an ORDER BY over CASE expressions cannot). Closed cases rank after open ones.
PHASE_RANKS = {phase.value: rank for rank, phase in enumerate(Phase)}
# 0 is kept for a case with an open safety concern and no plan: it comes first.
URGENCY_RANKS = {"urgent": 1, "soon": 2, "routine": 3}


def sort_ranks(phase: str, urgency: str, safety_alert: bool = False) -> dict:
    """The stored ordering columns for a case; bulk inserts use it too."""
    return {
        "phase_rank": PHASE_RANKS[phase],
        "urgency_rank": 0 if safety_alert else URGENCY_RANKS.get(urgency, 3),
        "safety_alert": safety_alert,
    }


def search_key(loved_one_name: str, preferred_name: str | None, reference: str) -> str:
    """What caseload search matches, lower-cased in one column (a trigram
    index on PostgreSQL answers a match anywhere in it)."""
    return " ".join(part for part in (loved_one_name, preferred_name, reference) if part).lower()


class ReferenceCounter(db.Model):
    """The last case number handed out each year; numbers are never reused."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class FamilyCase(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_phase", "status", "phase"),
        # The caseload's three orders: everyone's, the lead's, the co-lead's.
        Index(
            "ix_cases_queue",
            "status",
            "phase_rank",
            "urgency_rank",
            "phase_entered_at",
            "id",
        ),
        Index(
            "ix_cases_lead_queue",
            "interventionist_id",
            "status",
            "phase_rank",
            "urgency_rank",
            "phase_entered_at",
            "id",
        ),
        Index(
            "ix_cases_search_key_trgm",
            "search_key",
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
            info=for_dialect("postgresql"),
        ).ddl_if(dialect="postgresql"),
        # The few cases with an unanswered safety concern, in the caseload's order.
        Index(
            "ix_cases_safety_queue",
            "status",
            "safety_alert",
            "phase_rank",
            "urgency_rank",
            "phase_entered_at",
            "id",
        ),
        Index(
            "ix_cases_co_queue",
            "co_interventionist_id",
            "status",
            "phase_rank",
            "urgency_rank",
            "phase_entered_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    loved_one_name: Mapped[str] = mapped_column(String(120), index=True)
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    date_of_birth: Mapped[date | None]
    age: Mapped[int | None]
    concerns: Mapped[list] = mapped_column(JSON, default=list)
    referral_source: Mapped[str | None] = mapped_column(String(200))
    urgency: Mapped[str] = mapped_column(String(10), default="routine")
    phase: Mapped[str] = mapped_column(String(20), default=Phase.SCHEDULING.value)
    phase_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="active")
    closing_reason: Mapped[str | None] = mapped_column(String(30))
    closed_from_phase: Mapped[str | None] = mapped_column(String(20))
    interventionist_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    co_interventionist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str | None] = mapped_column(Text)
    # Kept in step by the assessment service, so lists can show flags for free.
    risk_flags: Mapped[list] = mapped_column(JSON, default=list)
    # An open safety flag with no safety plan or documented review: the case
    # comes first everywhere. Set by the area that owns the flags.
    safety_alert: Mapped[bool] = mapped_column(default=False)
    phase_rank: Mapped[int] = mapped_column(default=0)
    search_key: Mapped[str] = mapped_column(String(240), default="")
    urgency_rank: Mapped[int] = mapped_column(default=3)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    interventionist = relationship("User", foreign_keys=[interventionist_id], lazy="joined")
    co_interventionist = relationship("User", foreign_keys=[co_interventionist_id], lazy="joined")
    contacts = relationship(
        "Contact", back_populates="case", order_by="Contact.id", lazy="selectin"
    )
    phase_changes = relationship(
        "PhaseChange", back_populates="case", order_by="PhaseChange.id", lazy="raise"
    )

    @property
    def phase_enum(self) -> Phase:
        return Phase(self.phase)

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.loved_one_name:
            return f"{self.loved_one_name} ({self.preferred_name})"
        return self.loved_one_name

    @property
    def active_contacts(self) -> list["Contact"]:
        return [c for c in self.contacts if c.archived_at is None]

    @property
    def primary_contact(self) -> "Contact | None":
        for contact in self.active_contacts:
            if contact.is_primary:
                return contact
        return self.active_contacts[0] if self.active_contacts else None

    def days_in_phase(self, now: datetime | None = None) -> int:
        return ((now or utcnow()) - self.phase_entered_at).days

    def is_assigned_to(self, user) -> bool:
        return user.id in (self.interventionist_id, self.co_interventionist_id)


@event.listens_for(FamilyCase, "before_insert")
@event.listens_for(FamilyCase, "before_update")
def _keep_ranks(mapper, connection, target: FamilyCase) -> None:
    for name, value in sort_ranks(
        target.phase or Phase.SCHEDULING.value,
        target.urgency or "routine",
        bool(target.safety_alert),
    ).items():
        setattr(target, name, value)
    target.search_key = search_key(target.loved_one_name, target.preferred_name, target.reference)


# The trigram operator class lives in an extension; create it with the schema.
event.listen(
    FamilyCase.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


class Contact(db.Model):
    """A family member or other person involved in the case."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    relationship_to_loved_one: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    preferred_method: Mapped[str] = mapped_column(String(10), default="phone")
    is_primary: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # The family portal account that belongs to this contact, if any.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    archived_at: Mapped[datetime | None]
    archive_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case = relationship("FamilyCase", back_populates="contacts", lazy="joined")
    user = relationship("User", lazy="raise")


class PhaseChange(db.Model):
    __tablename__ = "phase_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_phase: Mapped[str] = mapped_column(String(20))
    to_phase: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(1000))
    closing_reason: Mapped[str | None] = mapped_column(String(30))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    case = relationship("FamilyCase", back_populates="phase_changes", lazy="raise")
    changed_by = relationship("User", lazy="joined")
