"""The accounting of disclosures: every time case-specific information
leaves staff (a portal page or PDF, a record export, a provider contact at a
check-in), one row says to whom, what, when and under which consent.

`record_disclosure` adds the row and its audit event to the caller's
transaction (it never commits); `record_disclosures` writes several at once
(a portal page showing several kinds of information) in one statement for
the rows and one for their events; `accounting` reads a case's rows back,
oldest first, as plain values for the staff page and the family's printout.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import aliased

from casework.audit.models import Action
from casework.audit.service import record, record_together
from casework.auth.models import User
from casework.consent.models import Consent, ConsentKind, Disclosure
from casework.domain.consent import SCOPE_LABELS
from casework.extensions import db
from casework.timeutil import to_local, utcnow

CHANNELS = {
    "portal_page": "Family portal page",
    "portal_pdf": "Family portal download (PDF)",
    "portal_file": "Family portal download (calendar file)",
    "export": "Case record export",
    "provider": "Contact with a treatment provider",
}


def record_disclosure(
    case_id: int,
    *,
    scope,
    what: str,
    channel: str,
    consent: Consent | None = None,
    recipient_contact=None,
    recipient: str,
    by_user=None,
) -> Disclosure:
    """Add one disclosure and its audit event to the session. `what` names
    the document or page ("Upcoming sessions", "Family packet"), never its
    clinical content; the audit summary carries only the kind of information."""
    row, event = _row_and_event(
        case_id, scope, what, channel, consent, recipient_contact, recipient, by_user
    )
    disclosure = Disclosure(**row)
    db.session.add(disclosure)
    # Information leaving staff is an export in the audit log (kept off the
    # case timeline, which a page view in the portal would otherwise flood).
    # Nothing is flushed here: the row and its event are written at the commit.
    record(Action.EXPORT, **event).case_id = case_id
    return disclosure


def record_disclosures(case, items, *, events=()) -> None:
    """Write several disclosures of `case` now, in one statement, and their
    audit events with any `events` of the caller (`record` keywords) in one
    more. Each item holds record_disclosure's keywords."""
    rows, audit = [], []
    for item in items:
        row, event = _row_and_event(
            case.id,
            item["scope"],
            item["what"],
            item["channel"],
            item.get("consent"),
            item.get("recipient_contact"),
            item["recipient"],
            item.get("by_user"),
        )
        rows.append(row)
        audit.append({"action": Action.EXPORT, "case": case, **event})
    if rows:
        db.session.execute(insert(Disclosure.__table__), rows)
    if audit or events:
        record_together(*events, *audit)


def _row_and_event(case_id, scope, what, channel, consent, recipient_contact, recipient, by_user):
    if channel not in CHANNELS:
        raise ValueError(f"unknown disclosure channel {channel!r}")
    scope = str(scope)
    row = {
        "case_id": case_id,
        "consent_id": consent.id if consent is not None else None,
        "recipient_contact_id": getattr(recipient_contact, "id", None),
        "recipient": recipient[:200],
        "scope": scope,
        "what": what[:200],
        "channel": channel,
        "by_user_id": getattr(by_user, "id", None),
        "disclosed_at": utcnow(),
    }
    # The event names the consent the disclosure rests on, and the kind of
    # information, never the document's title or content.
    label = SCOPE_LABELS.get(scope, scope)
    # A family member by name; anyone else (a provider names treatment) by the accounting.
    named = recipient[:120] if recipient_contact is not None else "the recipient in the accounting"
    summary = f"Disclosed to {named} ({CHANNELS[channel].lower()}): {label}"
    if consent is None:
        event = {"object_type": "Disclosure", "summary": summary + " (no consent)"}
    else:
        event = {"obj": consent, "object_type": "Consent", "summary": summary}
    return row, event


@dataclass(frozen=True)
class AccountingRow:
    disclosed_at: datetime
    recipient: str
    what: str
    scope: str
    scope_label: str
    channel: str
    channel_label: str
    consent_id: int | None
    consent_label: str  # "Family involvement, signed Mar 3, 2026", or why none
    consent_signed_at: datetime | None
    by: str | None  # the staff member who made it (an export), if any


def accounting(case_id: int) -> list[AccountingRow]:
    """Every disclosure of the case, oldest first (one statement)."""
    by = aliased(User)
    rows = db.session.execute(
        select(Disclosure, Consent.signed_at, ConsentKind.label, by.name)
        .outerjoin(Consent, Consent.id == Disclosure.consent_id)
        .outerjoin(ConsentKind, ConsentKind.id == Consent.kind_id)
        .outerjoin(by, by.id == Disclosure.by_user_id)
        .where(Disclosure.case_id == case_id)
        .order_by(Disclosure.disclosed_at, Disclosure.id)
    ).all()
    return [
        AccountingRow(
            disclosed_at=d.disclosed_at,
            recipient=d.recipient,
            what=d.what,
            scope=d.scope,
            scope_label=SCOPE_LABELS.get(d.scope, d.scope),
            channel=d.channel,
            channel_label=CHANNELS.get(d.channel, d.channel),
            consent_id=d.consent_id,
            consent_label=_consent_label(kind_label, signed_at, d.consent_id, d.channel),
            consent_signed_at=signed_at,
            by=by_name,
        )
        for d, signed_at, kind_label, by_name in rows
    ]


def _consent_label(kind_label, signed_at, consent_id, channel) -> str:
    if consent_id is None:
        # A staff export stays inside the practice until someone hands it on
        # (which then needs a consent); say so rather than "no consent".
        return "Not needed: a copy kept inside the practice" if channel == "export" else "None"
    if signed_at is None:
        return f"{kind_label or 'Consent'} (consent {consent_id})"
    day = to_local(signed_at)
    return f"{kind_label or 'Consent'}, signed {day:%b} {day.day}, {day:%Y}"
