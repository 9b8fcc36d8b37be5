"""Secure messages: one thread for each family member (a contact with a
portal account), between that member and the practice's staff on the case."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import db
from casework.timeutil import utcnow


class MessageThread(db.Model):
    __tablename__ = "message_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # One thread for each member: it never holds another member's words.
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact = relationship("Contact", lazy="joined")


class Message(db.Model):
    __tablename__ = "messages"
    # Unread counts read this: a case's (or a page of cases') unread family messages.
    __table_args__ = (Index("ix_messages_unread", "case_id", "from_family", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id"), index=True)
    # The thread's case again, so a page of cases counts unread messages in one query.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Written by the member (read by staff) or by staff (read by the member).
    from_family: Mapped[bool]
    body: Mapped[str] = mapped_column(Text)  # plain text, tidied (casework.domain.messages)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the other side first opened it: staff for a member's message, the
    # member for a staff message. The writer's own side needs none.
    read_at: Mapped[datetime | None]

    author = relationship("User", lazy="joined")
