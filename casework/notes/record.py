"""The case record export: the whole case as one JSON document.

`case_record(case, user)` is the document: an envelope (schema version, when,
by whom, the practice) around `sections`, where each case section registered
with the hub (`Section.record`) adds its part under its own name. Notes'
own part is `notes_part`: every note with its signature, supervision rounds,
addenda and the verification of each signed entry against its hash.

The shape is the JSON Schema in `record-schema.json` beside this file,
documented in docs/record-export.md. Bump SCHEMA_VERSION with the schema:
the minor number for additions, the major one for anything a reader of an
older export would misread."""

import json
from datetime import date, datetime
from functools import cache
from importlib import resources

from flask import current_app
from sqlalchemy import select

from casework.cases import sections
from casework.cases.record import contact_ref, person, utc
from casework.extensions import db
from casework.notes import queries, service
from casework.notes.models import NoteRound
from casework.timeutil import format_local, utcnow

SCHEMA_VERSION = "1.3"
SCHEMA_FILE = "record-schema.json"


@cache
def schema() -> dict:
    """The export's JSON Schema, as shipped in the package."""
    text = resources.files("casework.notes").joinpath(SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def _rounds(note_ids: list[int]) -> dict[int, list[NoteRound]]:
    found: dict[int, list[NoteRound]] = {i: [] for i in note_ids}
    if note_ids:
        for r in db.session.scalars(
            select(NoteRound).where(NoteRound.note_id.in_(note_ids)).order_by(NoteRound.id)
        ):
            found[r.note_id].append(r)
    return found


def _note(note, reference: str, rounds: list[NoteRound]) -> tuple[dict, list[dict]]:
    """A note as exported, and the signed entries of it that no longer match."""
    verified = service.verify(note, reference)
    changed = []
    if verified is False:
        changed.append({"type": "note", "note_id": note.id, "addendum_id": None})
    addenda = []
    for a in note.addenda:
        # An addendum is checked against its note's signature (as on the notes tab).
        ok = service.verify_addendum(a, note) if note.content_hash is not None else None
        if ok is False:
            changed.append({"type": "addendum", "note_id": note.id, "addendum_id": a.id})
        addenda.append(
            {
                "id": a.id,
                "author": person(a.author),
                "written_at": utc(a.written_at),
                "reason": a.reason,
                "body": a.body,
                "content_hash": a.content_hash,
                "verified": ok,
            }
        )
    data = {
        "id": note.id,
        "kind": note.kind,
        "kind_label": note.kind_label,
        "session_id": note.session_id,
        "occurred_at": utc(note.occurred_at),
        "duration_minutes": note.duration_minutes,
        "collateral_name": note.collateral_name,
        "participants": {
            "contacts": [contact_ref(c) for c in note.contacts],
            "staff": [person(u) for u in note.staff],
        },
        "body": note.body,
        "status": note.status,
        "author": person(note.author),
        "created_at": utc(note.created_at),
        "draft_saved_at": utc(note.draft_saved_at),
        "signature": (
            {
                "signed_by": person(note.author),
                "signed_at": utc(note.signed_at),
                "content_hash": note.content_hash,
                "verified": verified,
            }
            if note.content_hash is not None
            else None
        ),
        "cosignature": (
            {"by": person(note.cosigned_by), "at": utc(note.cosigned_at)}
            if note.cosigned_by is not None
            else None
        ),
        "review": (
            {"by": person(note.reviewed_by), "at": utc(note.reviewed_at)}
            if note.reviewed_by is not None
            else None
        ),
        "returned_comment": note.returned_comment,
        "rounds": [
            {
                "action": r.action,
                "by": person(r.actor),
                "at": utc(r.at),
                "comment": r.comment,
                "content_hash": r.content_hash,
            }
            for r in rounds
        ],
        "addenda": addenda,
    }
    return data, changed


def notes_part(case) -> dict:
    """Every note of the case, oldest first, drafts included (marked as such),
    and the verification of every signed note and addendum."""
    notes = queries.all_notes(case)
    rounds = _rounds([n.id for n in notes])
    exported, changed = [], []
    checked = 0
    for note in notes:
        data, bad = _note(note, case.reference, rounds[note.id])
        exported.append(data)
        changed.extend(bad)
        if note.content_hash is not None:
            checked += 1 + len(note.addenda)
    return {
        "verification": {"checked": checked, "ok": not changed, "changed": changed},
        "notes": exported,
    }


def case_record(case, user) -> dict:
    """The whole record of the case: every section's part, by section name."""
    return {
        "version": SCHEMA_VERSION,
        "exported_at": utc(utcnow()),
        "exported_by": {**person(user), "role": user.role},
        "practice": {
            "name": current_app.config["PRACTICE_NAME"],
            "time_zone": current_app.config["PRACTICE_TIMEZONE"],
        },
        "case_reference": case.reference,
        "sections": sections.record_parts(case),
    }


# ---- the printable record ----------------------------------------------------

WHEN = "%b %-d, %Y %-I:%M %p"
ON = "%b %-d, %Y"
# Parts printed in their own layout, in this order; any other section's part
# (a later area's) prints after them as a plain outline.
PRINTED_PARTS = ("case", "scheduling", "notes", "assessment", "education")
# Free-form data kept as recorded (an assessment's answers, a screening's).
_AS_RECORDED = {"data", "answers"}


def _shown(value, key: str = ""):
    """The export with its times in the practice's zone, as people read them."""
    if isinstance(value, dict):
        return {k: v if k in _AS_RECORDED else _shown(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, str) and (key == "at" or key.endswith("_at")):
        return format_local(datetime.fromisoformat(value.removesuffix("Z")), WHEN)
    if isinstance(value, str) and (key.endswith("_on") or key == "date_of_birth"):
        return date.fromisoformat(value).strftime(ON)
    return value


def print_context(data: dict) -> dict:
    """Plain data for templates/print/record.html, from the export itself, so
    the paper and the JSON say the same."""
    shown = _shown(data)
    parts = shown["sections"]
    return {
        "version": shown["version"],
        "exported_at": shown["exported_at"],
        "exported_by": shown["exported_by"]["name"],
        "practice": shown["practice"]["name"],
        "time_zone": shown["practice"]["time_zone"],
        "reference": shown["case_reference"],
        "parts": {name: parts[name] for name in PRINTED_PARTS if name in parts},
        "others": [
            {"title": name.replace("_", " ").capitalize(), "part": part}
            for name, part in parts.items()
            if name not in PRINTED_PARTS
        ],
    }
