"""The intervention: the plan and its approach, the family team, each
member's letter, bottom line and enabling commitments, the treatment lined
up, the rehearsal checklist, and the day's outcome."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import db
from casework.timeutil import utcnow


class InterventionPlan(db.Model):
    """One per case: how the family will ask for change, when, and what came of it."""

    __tablename__ = "intervention_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    approach: Mapped[str] = mapped_column(String(20), default="johnson")
    approach_other: Mapped[str | None] = mapped_column(String(200))
    arise_level: Mapped[int | None]
    # The day itself: a session booked through scheduling.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("case_sessions.id"))
    # Staff who chair (a member may chair instead: role "chair").
    chair_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_at: Mapped[datetime | None]
    outcome_detail: Mapped[str | None] = mapped_column(String(500))
    outcome_early_reason: Mapped[str | None] = mapped_column(String(500))
    admitted_at: Mapped[datetime | None]
    outcome_placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"))
    outcome_note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"))
    pathway: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    session = relationship("CaseSession", lazy="joined")
    chair_user = relationship("User", lazy="joined")
    escalations = relationship(
        "AriseEscalation", lazy="selectin", order_by="AriseEscalation.id", back_populates="plan"
    )


class AriseEscalation(db.Model):
    __tablename__ = "arise_escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("intervention_plans.id"), index=True)
    from_level: Mapped[int | None]
    to_level: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    plan = relationship("InterventionPlan", back_populates="escalations", lazy="raise")
    by = relationship("User", lazy="joined")


class TeamMember(db.Model):
    """Someone on the family team: a contact of the case, or someone who is
    not (an employer, a pastor, a friend)."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    name: Mapped[str] = mapped_column(String(120))
    relationship_to_loved_one: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(20), default="speaker")
    reading_order: Mapped[int | None]
    seat: Mapped[int | None]
    attends_rehearsal: Mapped[bool] = mapped_column(default=True)
    attends_day: Mapped[bool] = mapped_column(default=True)
    # For staff only: never shown to the family.
    staff_notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    contact = relationship("Contact", lazy="joined")
    letter = relationship("Letter", uselist=False, lazy="joined", back_populates="member")
    bottom_line = relationship("BottomLine", uselist=False, lazy="raise", back_populates="member")
    commitments = relationship(
        "EnablingCommitment",
        lazy="raise",
        order_by="EnablingCommitment.id",
        back_populates="member",
    )

    @property
    def speaks(self) -> bool:
        return self.role in ("chair", "speaker")


class Letter(db.Model):
    """A member's letter to the loved one: draft, shared for review, returned
    with comments, final. A final letter is locked until it is reopened."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("team_members.id"), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finalized_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    member = relationship("TeamMember", back_populates="letter", lazy="raise")
    events = relationship(
        "LetterEvent", lazy="raise", order_by="LetterEvent.id", back_populates="letter"
    )


class LetterEvent(db.Model):
    """One step in a letter's life, with the text as it stood and any comment.
    Comments are for the letter's author and staff alone."""

    __tablename__ = "letter_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)

    letter = relationship("Letter", back_populates="events", lazy="raise")
    actor = relationship("User", lazy="joined")


class BottomLine(db.Model):
    """What a member will do if help is refused. Kept apart from the letter:
    staff and its author see it, nobody else."""

    __tablename__ = "bottom_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("team_members.id"), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    member = relationship("TeamMember", back_populates="bottom_line", lazy="raise")


class EnablingCommitment(db.Model):
    """An enabling behaviour a member commits to stop."""

    __tablename__ = "enabling_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("team_members.id"), index=True)
    behaviour: Mapped[str] = mapped_column(String(30))
    own_words: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("TeamMember", back_populates="commitments", lazy="raise")


class Placement(db.Model):
    """A treatment option lined up for the day; one is chosen."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    facility: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    bed_held_until: Mapped[datetime | None]
    insurance_verified_by: Mapped[str | None] = mapped_column(String(120))
    insurance_verified_on: Mapped[datetime | None]
    payer: Mapped[str | None] = mapped_column(String(120))
    authorization_number: Mapped[str | None] = mapped_column(String(60))
    expected_cost: Mapped[str | None] = mapped_column(String(120))
    admission_at: Mapped[datetime | None]
    transport_driver: Mapped[str | None] = mapped_column(String(120))
    transport_route: Mapped[str | None] = mapped_column(String(300))
    transport_companion: Mapped[str | None] = mapped_column(String(120))
    what_to_pack: Mapped[str | None] = mapped_column(Text)
    financial_relationship: Mapped[str] = mapped_column(String(20), default="none")
    financial_text: Mapped[str | None] = mapped_column(String(500))
    chosen: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def insurance_verified(self) -> bool:
        return bool(self.insurance_verified_by and self.insurance_verified_on)

    @property
    def transport_set(self) -> bool:
        return bool(self.transport_driver and self.transport_companion)


class RehearsalItem(db.Model):
    """A line of the practice's rehearsal checklist."""

    __tablename__ = "rehearsal_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class RehearsalTick(db.Model):
    __tablename__ = "rehearsal_ticks"
    __table_args__ = (UniqueConstraint("case_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rehearsal_items.id"))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    by = relationship("User", lazy="joined")
