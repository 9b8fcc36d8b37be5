"""Writing and reading messages. Every read and write is audited, naming the
thread and never what a message says; nothing here commits."""

from functools import cache

from sqlalchemy import bindparam, func, select, update

from casework.audit.models import Action
from casework.audit.service import record
from casework.cases.models import Contact
from casework.domain import messages as rules
from casework.extensions import db
from casework.messages.models import Message, MessageThread
from casework.timeutil import utcnow


class MessageRefused(ValueError):
    """The message cannot be sent as it stands (the words say why)."""


def thread_of(contact: Contact) -> MessageThread | None:
    return db.session.scalar(select(MessageThread).where(MessageThread.contact_id == contact.id))


def _thread_for(contact: Contact) -> MessageThread:
    thread = thread_of(contact)
    if thread is None:
        thread = MessageThread(case_id=contact.case_id, contact_id=contact.id)
        db.session.add(thread)
        db.session.flush()
    return thread


def messages_in(thread: MessageThread | None) -> list[Message]:
    if thread is None:
        return []
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.thread_id == thread.id)
            .order_by(Message.created_at, Message.id)
        )
    )


def can_write_to(contact: Contact) -> bool:
    """Staff write only to a current member with a portal account to read it."""
    return contact.archived_at is None and contact.user_id is not None


def send(contact: Contact, body: str, author, *, from_family: bool) -> Message:
    """Add a message to the member's thread (made on the first message)."""
    text = rules.tidy(body)
    refused = rules.problem(text)
    if refused:
        raise MessageRefused(refused)
    if not can_write_to(contact):
        raise MessageRefused("This person has no portal account, so they could not read it.")
    thread = _thread_for(contact)
    message = Message(
        thread_id=thread.id,
        case_id=contact.case_id,
        author_id=author.id,
        from_family=from_family,
        body=text,
    )
    db.session.add(message)
    db.session.flush()
    record(
        Action.CREATE,
        case=contact.case,
        obj=message,
        summary="Family member sent a message"
        if from_family
        else "Staff sent a message to a family member",
    )
    return message


def open_thread(contact: Contact, *, by_family: bool) -> list[Message]:
    """The thread as its reader sees it, the other side's messages marked
    read, and the reading audited."""
    thread = thread_of(contact)
    found = messages_in(thread)
    if thread is not None:
        db.session.execute(
            update(Message)
            .where(
                Message.thread_id == thread.id,
                Message.from_family.is_(not by_family),
                Message.read_at.is_(None),
            )
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    record(
        Action.VIEW,
        case=contact.case,
        object_type="MessageThread",
        object_id=thread.id if thread is not None else f"contact-{contact.id}",
        summary="Family member read their messages"
        if by_family
        else "Staff read the messages with a family member",
    )
    return found


# ---- unread counts: numbers only -------------------------------------------------------


@cache
def _unread_statement():
    """Built once, of the table's own columns (the caseload and every case
    page run it): the case ids go in as a parameter."""
    messages = Message.__table__
    return (
        select(messages.c.case_id, func.count())
        .where(
            messages.c.case_id.in_(bindparam("case_ids", expanding=True)),
            messages.c.from_family.is_(True),
            messages.c.read_at.is_(None),
        )
        .group_by(messages.c.case_id)
    )


def unread_for_staff(case_ids: list[int]) -> dict[int, int]:
    """Each case's messages from the family that no staff member has opened, one query."""
    if not case_ids:
        return {}
    rows = db.session.execute(_unread_statement(), {"case_ids": list(case_ids)})
    return {case_id: count for case_id, count in rows}


def unread_by_thread(case_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(Message.thread_id, func.count())
        .where(
            Message.case_id == case_id,
            Message.from_family.is_(True),
            Message.read_at.is_(None),
        )
        .group_by(Message.thread_id)
    )
    return {thread_id: count for thread_id, count in rows}


def unread_for_member(contact: Contact | None) -> int:
    """Staff messages the member has not opened yet."""
    if contact is None:
        return 0
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Message)
            .join(MessageThread, MessageThread.id == Message.thread_id)
            .where(
                MessageThread.contact_id == contact.id,
                Message.from_family.is_(False),
                Message.read_at.is_(None),
            )
        )
        or 0
    )


def threads_of_case(case) -> list[tuple[Contact, MessageThread | None, int]]:
    """Each member who can be written to or has written, with their thread
    and its unread count, those with unread messages first."""
    threads = {
        t.contact_id: t
        for t in db.session.scalars(select(MessageThread).where(MessageThread.case_id == case.id))
    }
    unread = unread_by_thread(case.id)
    rows = []
    for contact in case.contacts:
        thread = threads.get(contact.id)
        if thread is None and not can_write_to(contact):
            continue
        rows.append((contact, thread, unread.get(thread.id, 0) if thread else 0))
    return sorted(rows, key=lambda r: (-r[2], r[0].archived_at is not None, r[0].name))
