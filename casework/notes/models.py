"""The clinical record: notes of sessions and contacts, their addenda, every
round of signing and supervision, the practice's headings, and how each
interventionist's notes are supervised."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.domain import notes as rules
from casework.extensions import db
from casework.timeutil import utcnow

note_contacts = Table(
    "note_contacts",
    db.metadata,
    Column("note_id", ForeignKey("notes.id"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), primary_key=True),
)

note_staff = Table(
    "note_staff",
    db.metadata,
    Column("note_id", ForeignKey("notes.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


class Note(db.Model):
    """What happened at a session or in a contact, in the author's words."""

    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_case_occurred", "case_id", "occurred_at", "id"),
        Index("ix_notes_author_status", "author_id", "status"),
        Index("ix_notes_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(20))
    # A session has at most one note.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("case_sessions.id"), unique=True)
    occurred_at: Mapped[datetime]  # UTC, to the minute
    duration_minutes: Mapped[int | None]
    # A collateral contact: someone outside the family (a doctor, an employer).
    collateral_name: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=rules.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    draft_saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_at: Mapped[datetime | None]
    # SHA-256 of the canonical signed content (domain.notes.canonical).
    content_hash: Mapped[str | None] = mapped_column(String(64))
    cosigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cosigned_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    # The supervisor's comment when the note was last returned to its author.
    returned_comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    author = relationship("User", foreign_keys=[author_id], lazy="joined", innerjoin=True)
    cosigned_by = relationship("User", foreign_keys=[cosigned_by_id], lazy="joined")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="joined")
    session = relationship("CaseSession", lazy="raise")
    contacts = relationship(
        "Contact", secondary=note_contacts, lazy="selectin", order_by="Contact.name"
    )
    staff = relationship("User", secondary=note_staff, lazy="selectin", order_by="User.name")
    addenda = relationship(
        "Addendum", back_populates="note", lazy="selectin", order_by="Addendum.id"
    )
    rounds = relationship("NoteRound", back_populates="note", lazy="raise", order_by="NoteRound.id")

    @property
    def kind_label(self) -> str:
        return rules.KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return rules.STATUSES.get(self.status, self.status)

    @property
    def is_editable(self) -> bool:
        return rules.is_editable(self.status)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None and self.status != rules.DRAFT


class Addendum(db.Model):
    """A correction or addition to a signed note, signed in its turn."""

    __tablename__ = "note_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))

    note = relationship("Note", back_populates="addenda", lazy="raise")
    author = relationship("User", lazy="joined", innerjoin=True)


class NoteRound(db.Model):
    """One step in a note's life: signed, returned with a comment, co-signed,
    reviewed. Kept for good: the note's history of supervision."""

    __tablename__ = "note_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)
    # The hash the author signed in this round (for "signed" rounds).
    content_hash: Mapped[str | None] = mapped_column(String(64))

    note = relationship("Note", back_populates="rounds", lazy="raise")
    actor = relationship("User", lazy="joined", innerjoin=True)


class NoteHeadings(db.Model):
    """The headings a new note starts with, one row per group (session, contact)."""

    __tablename__ = "note_headings"

    group: Mapped[str] = mapped_column(String(20), primary_key=True)
    headings: Mapped[str] = mapped_column(Text)  # one heading a line
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class NoteSupervision(db.Model):
    """How one interventionist's notes are supervised (no row: no review)."""

    __tablename__ = "note_supervision"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10), default="none")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
