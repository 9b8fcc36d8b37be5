from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import db
from casework.timeutil import utcnow


class EducationModule(db.Model):
    """A topic in the library: shipped with the app, or written by the practice."""

    __tablename__ = "education_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    origin: Mapped[str] = mapped_column(String(10), default="library")  # library or practice
    topics: Mapped[str | None] = mapped_column(String(300))
    audience: Mapped[str] = mapped_column(String(40), default="family")
    archived_at: Mapped[datetime | None]
    archive_reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions = relationship(
        "ModuleVersion", back_populates="module", order_by="ModuleVersion.number", lazy="selectin"
    )

    @property
    def latest(self) -> "ModuleVersion":
        return self.versions[-1]


class ModuleVersion(db.Model):
    """One published text of a module; assignments point at the version given."""

    __tablename__ = "module_versions"
    __table_args__ = (UniqueConstraint("module_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("education_modules.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    reading_minutes: Mapped[int]
    sources: Mapped[str | None] = mapped_column(String(500))
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # rendered and cleaned once, at save
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    module = relationship("EducationModule", back_populates="versions", lazy="joined")

    @property
    def body(self) -> Markup:
        """The text as HTML for pages and print: it was cleaned by nh3 when saved."""
        return Markup(self.body_html)  # noqa: S704


class Assignment(db.Model):
    """A module version given to one family member of a case."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("contact_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("education_modules.id"))
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(1000))
    opened_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    contact = relationship("Contact", lazy="joined")
    module_version = relationship("ModuleVersion", lazy="joined")

    @property
    def state(self) -> str:
        if self.finished_at:
            return "finished"
        return "opened" if self.opened_at else "assigned"

    def is_overdue(self, today: date) -> bool:
        return self.finished_at is None and self.due_on is not None and self.due_on < today


class Packet(db.Model):
    """A printed booklet for a family: modules in order, a letter, the schedule."""

    __tablename__ = "packets"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(120))
    cover_letter: Mapped[str | None] = mapped_column(Text)
    module_version_ids: Mapped[list] = mapped_column(JSON)
    include_schedule: Mapped[bool] = mapped_column(default=False)
    include_contacts: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    shared_at: Mapped[datetime | None]

    created_by = relationship("User", lazy="joined")
