"""Sessions as iCalendar (RFC 5545) data, with the icalendar library.

By default an event names the session kind and the case reference: never the
loved one, nothing clinical. CALENDAR_FIRST_NAMES adds attendees' first names.
"""

from datetime import UTC

from icalendar import Calendar, Event

from casework.domain.sessions import KINDS, PLACES
from casework.timeutil import practice_zone, utcnow

STATUS = {
    "scheduled": "CONFIRMED",
    "held": "CONFIRMED",
    "no_show": "CONFIRMED",
    "cancelled": "CANCELLED",
}


def _aware(naive_utc):
    return naive_utc.replace(tzinfo=UTC).astimezone(practice_zone())


def summary(session, *, first_names: bool) -> str:
    text = f"{KINDS.get(session.kind, 'Session')} · {session.case.reference}"
    if first_names and session.contacts:
        text += " · with " + ", ".join(c.name.split()[0] for c in session.contacts)
    return text


def event_for(session, *, first_names: bool = False, link: str | None = None) -> Event:
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", utcnow().replace(tzinfo=UTC))
    event.add("last-modified", session.updated_at.replace(tzinfo=UTC))
    event.add("dtstart", _aware(session.starts_at))
    event.add("dtend", _aware(session.ends_at))
    event.add("summary", summary(session, first_names=first_names))
    event.add("status", STATUS[session.status])
    if session.place:
        event.add("location", f"{PLACES.get(session.place_kind, '')}: {session.place}")
    description = f"Case {session.case.reference}."
    if link:
        description += f" Details in Casework: {link}"
    event.add("description", description)
    return event


def calendar_bytes(sessions, *, name: str, first_names: bool = False, links=None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Casework//Sessions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for session in sessions:
        link = links(session) if links else None
        cal.add_component(event_for(session, first_names=first_names, link=link))
    cal.add_missing_timezones()
    return cal.to_ical()
