from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import db
from casework.timeutil import utcnow


class Assessment(db.Model):
    """One version of a case's structured assessment.

    The highest number is the current one. A completed version is locked; a
    later change starts a new version with a reason, and the old one stays.
    """

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(String(500))  # why this version exists
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")
    completed_by = relationship("User", foreign_keys=[completed_by_id], lazy="joined")

    @property
    def locked(self) -> bool:
        return self.status == "completed"


class Screening(db.Model):
    """One administration of a screening instrument. The score is computed."""

    __tablename__ = "screenings"
    __table_args__ = (Index("ix_screenings_case_id_code", "case_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    code: Mapped[str] = mapped_column(String(10))
    administered_on: Mapped[date]
    # "loved_one", or a family member reporting on them (contact_id set).
    respondent: Mapped[str] = mapped_column(String(20), default="loved_one")
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    sex: Mapped[str | None] = mapped_column(String(10))
    answers: Mapped[dict] = mapped_column(JSON)
    total: Mapped[int]
    band: Mapped[str] = mapped_column(String(120))
    severity: Mapped[str] = mapped_column(String(30))
    flags: Mapped[list] = mapped_column(JSON, default=list)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact = relationship("Contact", lazy="joined")
    recorded_by = relationship("User", lazy="joined")


class SafetyPlan(db.Model):
    """A recorded safety plan; the newest is the one in force."""

    __tablename__ = "safety_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    warning_signs: Mapped[str] = mapped_column(Text)
    coping_steps: Mapped[str | None] = mapped_column(Text)
    people_to_call: Mapped[str] = mapped_column(Text)
    means_safety: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by = relationship("User", lazy="joined")


class SafetyReview(db.Model):
    """A documented review of a safety concern: who looked, when, what they decided.

    It answers a flag as a safety plan does, for the caseload's alert; the
    gate before the intervention still wants a plan.
    """

    __tablename__ = "safety_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewed_by = relationship("User", lazy="joined")


class RaisedFlag(db.Model):
    """A risk flag raised outside the assessment and the screenings (a new
    safety concern at a follow-up check-in). It stays among the case's flags;
    the safety plan or a documented review answers it as any other."""

    __tablename__ = "raised_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    flag: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(60))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
