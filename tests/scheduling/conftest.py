from datetime import date, timedelta

from casework.timeutil import local_today


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
