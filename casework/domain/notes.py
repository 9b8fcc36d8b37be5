"""Rules of the clinical record: note kinds and their headings, the states a
note moves through, the canonical form a signature covers, and when a held
session's note is late. Plain Python: no Flask, no database."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

KINDS = {
    "session": "Session note",
    "phone": "Phone call",
    "text": "Text message",
    "email": "Email",
    "in_person": "In person",
    "collateral": "Collateral contact",
}
CONTACT_KINDS = tuple(k for k in KINDS if k != "session")

# The headings a new note of each kind starts with; a practice edits them.
DEFAULT_HEADINGS = {
    "session": ["Purpose", "What happened", "The family's response", "Plan"],
    "contact": ["Reason", "Summary", "Follow-up"],
}


def heading_group(kind: str) -> str:
    return "session" if kind == "session" else "contact"


def starting_body(headings: list[str]) -> str:
    """A new note's body: one Markdown heading for each, with room under it."""
    return "".join(f"## {h}\n\n\n" for h in headings if h.strip()).rstrip("\n") + "\n"


DRAFT = "draft"
AWAITING_COSIGN = "awaiting_cosign"
SIGNED = "signed"
STATUSES = {
    DRAFT: "Draft",
    AWAITING_COSIGN: "Awaiting co-signature",
    SIGNED: "Signed",
}

# How an interventionist's notes are supervised.
SUPERVISION = {
    "none": "No review",
    "review": "Reviewed by a supervisor after signing",
    "cosign": "Co-signed by a supervisor before the note is final",
}


class NoteLocked(Exception):
    """A signed note (or one waiting for a co-signature) does not change."""


class NoteRuleError(Exception):
    """A step the note's state does not allow; the message says why."""


def is_editable(status: str) -> bool:
    return status == DRAFT


def status_after_signing(supervision: str) -> str:
    return AWAITING_COSIGN if supervision == "cosign" else SIGNED


def normalise_body(text: str | None) -> str:
    """The body as stored and as signed: one kind of line ending, no trailing
    spaces at the end, so the same words always hash the same."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip() + "\n" if text.strip() else ""


@dataclass(frozen=True)
class SignedContent:
    """What a signature covers."""

    kind: str
    case_reference: str
    author_id: int
    occurred_at: datetime  # UTC, to the minute
    duration_minutes: int | None
    session_id: int | None
    collateral_name: str | None
    contact_ids: tuple[int, ...]
    staff_ids: tuple[int, ...]
    body: str


def canonical(content: SignedContent) -> bytes:
    """One byte string for the content: keys sorted, participants sorted, the
    time in ISO form without seconds, the body with normalised line endings."""
    data = {
        "version": 1,
        "kind": content.kind,
        "case": content.case_reference,
        "author": content.author_id,
        "occurred_at": content.occurred_at.replace(second=0, microsecond=0, tzinfo=None).isoformat(
            timespec="minutes"
        ),
        "duration_minutes": content.duration_minutes,
        "session": content.session_id,
        "collateral": content.collateral_name or None,
        "contacts": sorted(content.contact_ids),
        "staff": sorted(content.staff_ids),
        "body": normalise_body(content.body),
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(content: SignedContent) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


@dataclass(frozen=True)
class AddendumContent:
    note_hash: str
    author_id: int
    written_at: datetime
    reason: str
    body: str


def addendum_hash(content: AddendumContent) -> str:
    data = {
        "version": 1,
        "note": content.note_hash,
        "author": content.author_id,
        "written_at": content.written_at.replace(microsecond=0, tzinfo=None).isoformat(),
        "reason": content.reason.strip(),
        "body": normalise_body(content.body),
    }
    encoded = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


# A held session's note is due within this long of the session's end.
NOTE_DUE_AFTER = timedelta(hours=24)


def note_is_late(session_ends_at: datetime, now: datetime) -> bool:
    return now - session_ends_at >= NOTE_DUE_AFTER


def session_note_state(note_status: str | None) -> str:
    """What the Sessions tab shows for a held session's note."""
    if note_status is None:
        return "none"
    return note_status


SESSION_NOTE_LABELS = {
    "none": "No note",
    DRAFT: "Note: draft",
    AWAITING_COSIGN: "Note: awaiting co-signature",
    SIGNED: "Note: signed",
}
