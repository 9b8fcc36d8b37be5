"""What a portal page or file shows of the loved one's information goes into
the accounting of disclosures: to the signed-in member, what, now, and under
the consent that lets them see it (casework.portal.access found it)."""

from icalendar import Calendar

from casework.consent.disclosures import record_disclosures
from casework.domain.consent import Scope
from casework.portal import access
from casework.practice_text import REDISCLOSURE_STATEMENT


def disclose(shown: list[tuple[Scope, str]], channel: str, *, events=()) -> None:
    """Record that the member was shown each `(scope, what)` in `shown`, with
    the page's own audit `events` (`record` keywords), in two statements.
    Only ever called for what access.py let through, so a consent covers it."""
    contact = access.member_contact()
    items = []
    for scope, what in shown:
        consent = access.consent_for(scope)
        if consent is None:  # a view showed what access.py withheld: stop, show nothing
            raise LookupError(f"no consent covers {scope} for this member")
        items.append(
            {
                "scope": scope,
                "what": what,
                "channel": channel,
                "consent": consent,
                "recipient_contact": contact,
                "recipient": contact.name,
            }
        )
    record_disclosures(contact.case, items, events=events)


def with_notice(ics: bytes) -> bytes:
    """A calendar file with the 42 CFR Part 2 notice in each event's
    description, since the file itself is a disclosure."""
    calendar = Calendar.from_ical(ics)
    for event in calendar.walk("VEVENT"):
        said = str(event.pop("DESCRIPTION", "") or "")
        event.add("description", f"{said}\n\n42 CFR Part 2 notice: {REDISCLOSURE_STATEMENT}")
    return calendar.to_ical()
