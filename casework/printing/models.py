from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import db
from casework.timeutil import utcnow


class PrintedDocument(db.Model):
    """A rendered PDF, kept under the hash of everything that went into it.

    A row never changes: different inputs give a different key. Rows may be
    deleted at any time (it is a cache); the next print renders again."""

    __tablename__ = "printed_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256, hex
    template: Mapped[str] = mapped_column(String(200))
    # Deferred: listing or counting cached documents never drags the PDFs along.
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PrintedDocument {self.template} {self.key[:12]} {self.size} bytes>"
