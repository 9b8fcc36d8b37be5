from datetime import date, datetime, time, timedelta

import pytest

from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import local_to_utc, local_today


def future_day(days: int = 3) -> date:
    return local_today() + timedelta(days=days)


def session_form(contact_ids=(), **overrides) -> dict:
    data = {
        "kind": "assessment_interview",
        "title": "",
        "date": future_day().isoformat(),
        "time": "18:30",
        "duration_minutes": "90",
        "place_kind": "in_person",
        "place": "12 Harbor Road, Suite 3",
        "contacts": [str(i) for i in contact_ids],
        "notes": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def add_session():
    """Insert a session directly (for feeds and calendars)."""

    def make(case, starts_at: datetime | None = None, minutes: int = 60, **fields):
        session = CaseSession(
            case_id=case.id,
            lead_id=fields.pop("lead_id", case.interventionist_id),
            kind=fields.pop("kind", "follow_up"),
            title=fields.pop("title", "Follow-up"),
            starts_at=starts_at or local_to_utc(future_day(), time(10, 0)),
            duration_minutes=minutes,
            **fields,
        )
        db.session.add(session)
        db.session.commit()
        return session

    return make
