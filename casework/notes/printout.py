"""What a printed note says: plain data for `render_pdf("notes.html", ...)`."""

from casework.domain import notes as rules
from casework.notes import service
from casework.timeutil import format_local

WHEN = "%A, %B %-d, %Y at %-I:%M %p"


def note_data(note, case_reference: str) -> dict:
    verified = service.verify(note, case_reference)
    return {
        "kind": note.kind_label,
        "with": note.collateral_name or "",
        "when": format_local(note.occurred_at, WHEN),
        "minutes": note.duration_minutes or 0,
        "family": [f"{c.name} ({c.relationship_to_loved_one})" for c in note.contacts],
        "staff": [u.name for u in note.staff],
        "author": note.author.name,
        "status": rules.STATUSES.get(note.status, note.status),
        "signed": format_local(note.signed_at, WHEN) if note.signed_at else "",
        "hash": (note.content_hash or "")[:16],
        "verified": verified,
        "cosigned_by": note.cosigned_by.name if note.cosigned_by else "",
        "cosigned": format_local(note.cosigned_at, WHEN) if note.cosigned_at else "",
        "body": note.body,
        "addenda": [
            {
                "when": format_local(a.written_at, WHEN),
                "author": a.author.name,
                "reason": a.reason,
                "body": a.body,
                "hash": a.content_hash[:16],
                "verified": service.verify_addendum(a, note),
            }
            for a in note.addenda
        ],
    }


def notes_context(case, notes: list, practice: dict, title: str) -> dict:
    return {
        "title": title,
        "practice": practice["name"],
        "reference": case.reference,
        "loved_one": case.loved_one_name,
        "notes": [note_data(n, case.reference) for n in notes],
    }
