"""Writes to the clinical record. Each function checks the note's state,
makes the change and its audit event; the request's transaction commits.

A signed note is refused here too, not only by the views: whatever calls
`save_draft` on it gets `NoteLocked`. Audit summaries say what happened to
which note, never what the note says."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from casework.audit.models import Action
from casework.audit.service import record
from casework.domain import notes as rules
from casework.domain.notes import NoteLocked, NoteRuleError
from casework.extensions import db
from casework.notes.models import Addendum, Note, NoteHeadings, NoteRound, NoteSupervision
from casework.timeutil import format_local, utcnow

__all__ = ["NoteLocked", "NoteRuleError"]


@dataclass
class NoteData:
    """What a note's form holds."""

    occurred_at: datetime  # UTC
    duration_minutes: int | None
    collateral_name: str | None
    contacts: list
    staff: list
    body: str


def headings(group: str) -> list[str]:
    row = db.session.get(NoteHeadings, group)
    if row is None:
        return list(rules.DEFAULT_HEADINGS[group])
    return [line.strip() for line in row.headings.splitlines() if line.strip()]


def set_headings(group: str, lines: list[str]) -> None:
    row = db.session.get(NoteHeadings, group)
    text = "\n".join(line.strip() for line in lines if line.strip())
    if row is None:
        db.session.add(NoteHeadings(group=group, headings=text))
    else:
        row.headings = text
    record(
        Action.UPDATE,
        object_type="NoteHeadings",
        object_id=group,
        summary=f"Headings of {group} notes changed",
    )


def supervision_of(user_id: int) -> str:
    row = db.session.get(NoteSupervision, user_id)
    return row.mode if row is not None else "none"


def set_supervision(user, mode: str) -> None:
    if mode not in rules.SUPERVISION:
        raise NoteRuleError("Choose how this person's notes are supervised.")
    row = db.session.get(NoteSupervision, user.id)
    if row is None:
        db.session.add(NoteSupervision(user_id=user.id, mode=mode))
    else:
        row.mode = mode
    record(
        Action.UPDATE,
        object_type="NoteSupervision",
        object_id=user.id,
        summary=f"Note supervision for {user.name}: {rules.SUPERVISION[mode].lower()}",
    )


def _describe(note: Note) -> str:
    """A note named without its content: kind and when."""
    return f"{note.kind_label} note of {format_local(note.occurred_at, '%b %-d, %Y')}"


def _fill(note: Note, data: NoteData) -> None:
    note.occurred_at = data.occurred_at.replace(second=0, microsecond=0)
    note.duration_minutes = data.duration_minutes
    note.collateral_name = (data.collateral_name or None) if note.kind == "collateral" else None
    note.contacts = list(data.contacts)
    note.staff = list(data.staff)
    note.body = rules.normalise_body(data.body)
    note.draft_saved_at = utcnow()


def session_note(session) -> Note | None:
    return db.session.scalar(select(Note).where(Note.session_id == session.id))


def start_session_note(case, session, author) -> Note:
    """The held session's note: the one there is, or a new draft that starts
    from the practice's session headings and the session's people."""
    if session.status != "held":
        raise NoteRuleError("A session note is written for a held session.")
    existing = session_note(session)
    if existing is not None:
        return existing
    note = Note(case_id=case.id, kind="session", session_id=session.id, author_id=author.id)
    _fill(
        note,
        NoteData(
            occurred_at=session.starts_at,
            duration_minutes=session.duration_minutes,
            collateral_name=None,
            contacts=session.contacts,
            staff=session.staff,
            body=rules.starting_body(headings("session")),
        ),
    )
    note.author = author
    db.session.add(note)
    db.session.flush()
    record(Action.CREATE, case=case, obj=note, summary=f"{_describe(note)} started")
    return note


def start_contact_note(case, kind: str, data: NoteData, author) -> Note:
    if kind not in rules.CONTACT_KINDS:
        raise NoteRuleError("Choose the kind of contact.")
    if kind == "collateral" and not (data.collateral_name or "").strip():
        raise NoteRuleError("Name the person the collateral contact was with.")
    note = Note(case_id=case.id, kind=kind, author_id=author.id)
    _fill(note, data)
    note.author = author
    db.session.add(note)
    db.session.flush()
    record(Action.CREATE, case=case, obj=note, summary=f"{_describe(note)} started")
    return note


def _require_author_draft(note: Note, user) -> None:
    if not note.is_editable:
        raise NoteLocked("This note is signed and locked: add an addendum instead.")
    if note.author_id != user.id:
        raise NoteRuleError("Only the note's author changes a draft.")


def save_draft(case, note: Note, data: NoteData, user, *, autosave: bool = False) -> None:
    _require_author_draft(note, user)
    if note.kind == "collateral" and not (data.collateral_name or "").strip():
        raise NoteRuleError("Name the person the collateral contact was with.")
    _fill(note, data)
    record(
        Action.SAVE_DRAFT,
        case=case,
        obj=note,
        summary=f"{_describe(note)} draft saved" + (" (as typed)" if autosave else ""),
    )


def signed_content(note: Note, case_reference: str) -> rules.SignedContent:
    return rules.SignedContent(
        kind=note.kind,
        case_reference=case_reference,
        author_id=note.author_id,
        occurred_at=note.occurred_at,
        duration_minutes=note.duration_minutes,
        session_id=note.session_id,
        collateral_name=note.collateral_name,
        contact_ids=tuple(c.id for c in note.contacts),
        staff_ids=tuple(u.id for u in note.staff),
        body=note.body,
    )


def sign(case, note: Note, user) -> None:
    """The author signs: the content's hash is kept and the note locks. Under
    co-signature it waits for a supervisor; otherwise it is final."""
    _require_author_draft(note, user)
    if not note.body.strip():
        raise NoteRuleError("Write the note before signing it.")
    now = utcnow()
    note.content_hash = rules.content_hash(signed_content(note, case.reference))
    note.signed_at = now
    note.status = rules.status_after_signing(supervision_of(note.author_id))
    note.returned_comment = None
    db.session.add(
        NoteRound(
            note=note, action="signed", actor_id=user.id, at=now, content_hash=note.content_hash
        )
    )
    waiting = " and sent for co-signature" if note.status == rules.AWAITING_COSIGN else ""
    record(Action.SIGN, case=case, obj=note, summary=f"{_describe(note)} signed{waiting}")


def _require_supervisor_of(note: Note, user) -> None:
    if not user.sees_every_case:
        raise NoteRuleError("Only a supervisor co-signs, reviews or returns notes.")
    if note.author_id == user.id:
        raise NoteRuleError("A supervisor does not co-sign or review their own note.")


def cosign(case, note: Note, user) -> None:
    _require_supervisor_of(note, user)
    if note.status != rules.AWAITING_COSIGN:
        raise NoteRuleError("This note is not waiting for a co-signature.")
    if verify(note, case.reference) is False:
        raise NoteRuleError("This note no longer matches its signature; it cannot be co-signed.")
    now = utcnow()
    note.status = rules.SIGNED
    note.cosigned_by = user
    note.cosigned_at = now
    db.session.add(NoteRound(note=note, action="cosigned", actor_id=user.id, at=now))
    record(Action.COSIGN, case=case, obj=note, summary=f"{_describe(note)} co-signed")


def return_note(case, note: Note, user, comment: str) -> None:
    """Back to its author with a comment: the note unlocks as a draft. The
    signed round stays in the note's history."""
    _require_supervisor_of(note, user)
    if note.status != rules.AWAITING_COSIGN:
        raise NoteRuleError("Only a note waiting for a co-signature can be returned.")
    if not comment.strip():
        raise NoteRuleError("Say what the author should change.")
    now = utcnow()
    note.status = rules.DRAFT
    note.signed_at = None
    note.content_hash = None
    note.returned_comment = comment.strip()
    db.session.add(
        NoteRound(note=note, action="returned", actor_id=user.id, at=now, comment=comment.strip())
    )
    record(Action.RETURN, case=case, obj=note, summary=f"{_describe(note)} returned to its author")


def mark_reviewed(case, note: Note, user, comment: str | None = None) -> None:
    _require_supervisor_of(note, user)
    waiting = note.status == rules.SIGNED and note.reviewed_at is None
    if not waiting or supervision_of(note.author_id) != "review":
        raise NoteRuleError("This note is not waiting for review.")
    now = utcnow()
    note.reviewed_by = user
    note.reviewed_at = now
    db.session.add(
        NoteRound(note=note, action="reviewed", actor_id=user.id, at=now, comment=comment or None)
    )
    record(Action.REVIEW, case=case, obj=note, summary=f"{_describe(note)} reviewed")


def add_addendum(case, note: Note, user, reason: str, body: str) -> Addendum:
    if not note.is_signed:
        raise NoteRuleError("A draft is changed directly; addenda are for signed notes.")
    if not reason.strip() or not body.strip():
        raise NoteRuleError("An addendum needs a reason and its text.")
    now = utcnow().replace(microsecond=0)
    addendum = Addendum(
        note_id=note.id,
        author_id=user.id,
        written_at=now,
        reason=reason.strip(),
        body=rules.normalise_body(body),
    )
    addendum.content_hash = rules.addendum_hash(
        rules.AddendumContent(note.content_hash, user.id, now, addendum.reason, addendum.body)
    )
    addendum.author = user
    db.session.add(addendum)
    db.session.flush()
    record(Action.CREATE, case=case, obj=addendum, summary=f"Addendum to the {_describe(note)}")
    return addendum


def verify(note: Note, case_reference: str) -> bool | None:
    """Whether a signed note still matches the hash its author signed (None
    for a draft, which nobody has signed)."""
    if note.content_hash is None:
        return None
    return rules.content_hash(signed_content(note, case_reference)) == note.content_hash


def verify_addendum(addendum: Addendum, note: Note) -> bool:
    return (
        rules.addendum_hash(
            rules.AddendumContent(
                note.content_hash or "",
                addendum.author_id,
                addendum.written_at,
                addendum.reason,
                addendum.body,
            )
        )
        == addendum.content_hash
    )


@dataclass(frozen=True)
class Verification:
    """The result of checking every signed note of a case."""

    checked: int
    changed: list  # notes (and addenda) whose content no longer matches

    @property
    def ok(self) -> bool:
        return not self.changed


def verify_all(notes: list[Note], case_reference: str) -> Verification:
    checked = 0
    changed = []
    for note in notes:
        result = verify(note, case_reference)
        if result is None:
            continue
        checked += 1
        if result is False:
            changed.append(note)
        for addendum in note.addenda:
            checked += 1
            if not verify_addendum(addendum, note):
                changed.append(addendum)
    return Verification(checked, changed)
