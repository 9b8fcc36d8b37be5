"""A case with a held session, and helpers to write and sign notes."""

from datetime import timedelta

import pytest

from casework.extensions import db
from casework.notes import service
from casework.notes.models import Note
from casework.timeutil import to_local, utcnow
from tests.conftest import PASSWORD

BODY = "## Purpose\n\nTalked with the mother about the weekend.\n"


@pytest.fixture
def held(people, add_session):
    """A family session of the owner's case, held two days ago."""
    session = add_session(
        people["case"],
        starts_at=utcnow() - timedelta(days=2),
        minutes=90,
        kind="family_education",
        title="Family education",
        status="held",
    )
    return session


def contact_note(case, author, body=BODY, kind="phone", **fields) -> Note:
    data = service.NoteData(
        occurred_at=fields.pop("occurred_at", utcnow() - timedelta(hours=3)),
        duration_minutes=fields.pop("duration_minutes", 15),
        collateral_name=fields.pop("collateral_name", None),
        contacts=fields.pop("contacts", case.active_contacts[:1]),
        staff=fields.pop("staff", [author]),
        body=body,
    )
    note = service.start_contact_note(case, kind, data, author)
    db.session.commit()
    return note


def signed_note(case, author, body=BODY, **fields) -> Note:
    note = contact_note(case, author, body, **fields)
    service.sign(case, note, author)
    db.session.commit()
    return note


def form_of(note: Note, **changes) -> dict:
    """What the note's edit form posts, with `changes`."""
    local = to_local(note.occurred_at)
    data = {
        "kind": note.kind,
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
        "duration_minutes": str(note.duration_minutes or ""),
        "collateral_name": note.collateral_name or "",
        "contacts": [str(c.id) for c in note.contacts],
        "staff": [str(u.id) for u in note.staff],
        "body": note.body,
        "version": str(note.version),
        "save": "Save draft",
    }
    data.update(changes)
    return data


__all__ = ["BODY", "PASSWORD", "contact_note", "form_of", "signed_note"]
