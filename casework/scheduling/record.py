"""Scheduling's part of the case record export: every session of the case,
whatever became of it, with who attended and why any was cancelled."""

from sqlalchemy import select

from casework.cases.record import contact_ref, person, utc
from casework.extensions import db
from casework.scheduling.models import CaseSession


def sessions_part(case) -> dict:
    found = db.session.scalars(
        select(CaseSession)
        .where(CaseSession.case_id == case.id)
        .order_by(CaseSession.starts_at, CaseSession.id)
    )
    return {
        "sessions": [
            {
                "id": s.id,
                "kind": s.kind,
                "title": s.title,
                "starts_at": utc(s.starts_at),
                "ends_at": utc(s.ends_at),
                "duration_minutes": s.duration_minutes,
                "place_kind": s.place_kind,
                "place": s.place,
                "status": s.status,
                "cancel_reason": s.cancel_reason,
                "notes": s.notes,
                "lead": person(s.lead),
                "attendees": {
                    "contacts": [contact_ref(c) for c in s.contacts],
                    "staff": [person(u) for u in s.staff],
                },
                "created_at": utc(s.created_at),
                "updated_at": utc(s.updated_at),
            }
            for s in found
        ]
    }
