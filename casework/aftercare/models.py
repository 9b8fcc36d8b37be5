"""Post-intervention support: the follow-up pathway (and every change of
it), the check-ins that carry it out, how each family member is doing, and
the supports the family uses. The follow-ups themselves are not stored: they
are planned from the pathway's start and the check-ins done
(casework.domain.followups)."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import db
from casework.timeutil import utcnow


class PathwayChange(db.Model):
    """The case's follow-up pathway from `start` on; the newest is the one in force."""

    __tablename__ = "pathway_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    pathway: Mapped[str] = mapped_column(String(30))
    start: Mapped[date]
    reason: Mapped[str] = mapped_column(String(500))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    by = relationship("User", lazy="joined")


class CheckIn(db.Model):
    """A follow-up carried out: who was reached and how, how the loved one is,
    and the note that tells it (through the notes module). A family member
    may send one from the portal: `family_reported`, for staff to review."""

    __tablename__ = "check_ins"
    __table_args__ = (
        Index("ix_check_ins_case_held", "case_id", "held_on"),
        # One portal check-in per family member per follow-up, even from a
        # double-click (staff check-ins have no reporting contact: NULLs never clash).
        Index("uq_check_ins_reported_by_due", "reported_by_contact_id", "due_on", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    held_on: Mapped[date]
    # The follow-up of the plan it carries out (its due day), if any.
    due_on: Mapped[date | None]
    method: Mapped[str] = mapped_column(String(20))
    # Who was reached: "loved_one", "provider", and contact ids as "contact:<id>".
    reached: Mapped[list] = mapped_column(JSON, default=list)
    loved_one_status: Mapped[str | None] = mapped_column(String(30))
    days_since_use: Mapped[int | None]
    returned_to_use: Mapped[bool] = mapped_column(default=False)
    return_detail: Mapped[str | None] = mapped_column(String(1000))
    medication: Mapped[str | None] = mapped_column(String(300))
    meetings: Mapped[str | None] = mapped_column(String(300))
    work_and_housing: Mapped[str | None] = mapped_column(String(500))
    new_safety_concern: Mapped[str | None] = mapped_column(String(30))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"))
    family_reported: Mapped[bool] = mapped_column(default=False)
    # A family-reported check-in: what they asked for, and its review by staff.
    family_needs: Mapped[str | None] = mapped_column(Text)
    # ... and how they say the loved one is, in their own few words.
    loved_one_words: Mapped[str | None] = mapped_column(String(500))
    reported_by_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    members = relationship(
        "MemberCheckIn", lazy="selectin", order_by="MemberCheckIn.id", back_populates="check_in"
    )
    recorded_by = relationship("User", foreign_keys=[recorded_by_id], lazy="joined")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="joined")


class MemberCheckIn(db.Model):
    """How one family member is doing at a check-in."""

    __tablename__ = "member_check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(ForeignKey("check_ins.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    wellbeing: Mapped[str | None] = mapped_column(String(500))
    # Keeping the enabling commitments made for the intervention.
    commitments: Mapped[str | None] = mapped_column(String(10))  # yes, partly, no
    supports_attended: Mapped[str | None] = mapped_column(String(300))

    check_in = relationship("CheckIn", back_populates="members", lazy="raise")
    contact = relationship("Contact", lazy="joined")


class FamilySupport(db.Model):
    """A support a family member uses for their own recovery."""

    __tablename__ = "family_supports"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(String(300))
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]

    contact = relationship("Contact", lazy="joined")
