"""What a portal page or file shows of the loved one's information goes into
the accounting of disclosures: to the signed-in member, what, now, and under
the consent that lets them see it (casework.portal.access found it)."""

from icalendar import Calendar

from casework.consent.disclosures import record_disclosure
from casework.consent.models import Consent
from casework.domain.consent import Scope
from casework.portal import access
from casework.practice_text import REDISCLOSURE_STATEMENT


def disclose(scope: Scope, what: str, channel: str) -> Consent:
    """Record that the member was shown `what` (of kind `scope`). Only ever
    called for what access.py let through, so a consent covers it."""
    contact = access.member_contact()
    consent = access.consent_for(scope)
    if consent is None:  # a view showed what access.py withheld: stop, show nothing
        raise LookupError(f"no consent covers {scope} for this member")
    record_disclosure(
        contact.case_id,
        scope=scope,
        what=what,
        channel=channel,
        consent=consent,
        recipient_contact=contact,
        recipient=contact.name,
    )
    return consent


def with_notice(ics: bytes) -> bytes:
    """A calendar file with the 42 CFR Part 2 notice in each event's
    description, since the file itself is a disclosure."""
    calendar = Calendar.from_ical(ics)
    for event in calendar.walk("VEVENT"):
        said = str(event.pop("DESCRIPTION", "") or "")
        event.add("description", f"{said}\n\n42 CFR Part 2 notice: {REDISCLOSURE_STATEMENT}")
    return calendar.to_ical()
