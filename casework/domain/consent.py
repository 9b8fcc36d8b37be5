"""Consent to disclose under 42 CFR Part 2 (2024 rule): what a consent must
hold, and whether one covers a disclosure. Pure rules: no database, no Flask.

A consent is given by the person whose information is disclosed (the loved
one for the case's information, a family member for their own). It names who
may disclose, to whom (named family members, or a class of recipients such as
"my treating providers"), the purpose, which kinds of information, when it
ends (a date or an event), and is signed and dated. It may be revoked at any
time; revocation and expiry take effect at once.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Scope(StrEnum):
    """The kinds of case-specific information a consent may cover."""

    SESSIONS = "sessions"  # dates, times and places of the family's sessions
    PACKETS = "packets"  # education packets prepared for this family
    INTERVENTION = "intervention"  # the intervention plan's details
    AFTERCARE = "aftercare"  # check-in results and follow-up progress
    RECORD = "record"  # the case record as a whole (e.g. to a provider)


SCOPE_LABELS = {
    Scope.SESSIONS: "Dates, times and places of family sessions",
    Scope.PACKETS: "Education packets prepared for this family",
    Scope.INTERVENTION: "Details of the intervention plan",
    Scope.AFTERCARE: "Follow-up check-ins and how support is going",
    Scope.RECORD: "The case record (assessment, notes, plan and follow-up)",
}


class Kind(StrEnum):
    """Kinds the practice starts with; a practice may define others."""

    FAMILY_INVOLVEMENT = "family_involvement"
    PROVIDER_COORDINATION = "provider_coordination"


KIND_LABELS = {
    Kind.FAMILY_INVOLVEMENT: "Family involvement",
    Kind.PROVIDER_COORDINATION: "Treatment provider coordination",
}


class Status(StrEnum):
    AWAITING_SIGNATURE = "awaiting_signature"  # printed or offered, not yet signed
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


STATUS_LABELS = {
    Status.AWAITING_SIGNATURE: "Awaiting signature",
    Status.ACTIVE: "In effect",
    Status.EXPIRED: "Expired",
    Status.REVOKED: "Revoked",
}

# 42 CFR 2.31(a)(6) (2024): the patient's right to revoke in writing, except
# where the practice has already acted on the consent, and how. Printed on
# every form and shown in the portal before signing.
REVOCATION_STATEMENT = (
    "You may revoke this consent in writing at any time, except for information "
    "already shared because of it. To revoke it, write to your interventionist "
    "(a letter or an email), or use the Revoke button in the family portal. "
    "Revocation takes effect as soon as it is recorded."
)


@dataclass(frozen=True)
class Terms:
    """What a consent says, as the rules need it."""

    subject_contact_id: int | None  # None: the loved one
    recipient_contact_ids: frozenset[int] = field(default_factory=frozenset)
    recipient_class: str = ""  # e.g. "my treating providers"; may be empty
    scopes: frozenset[str] = field(default_factory=frozenset)
    signed_at: datetime | None = None
    expires_on: date | None = None
    expiry_event: str = ""  # e.g. "when the case closes"
    event_occurred_on: date | None = None
    revoked_at: datetime | None = None


def status(terms: Terms, today: date) -> Status:
    """Where a consent stands today. Revocation wins over everything."""
    if terms.revoked_at is not None:
        return Status.REVOKED
    if terms.signed_at is None:
        return Status.AWAITING_SIGNATURE
    if terms.expires_on is not None and today > terms.expires_on:
        return Status.EXPIRED
    if terms.event_occurred_on is not None and today >= terms.event_occurred_on:
        return Status.EXPIRED
    return Status.ACTIVE


def covers(
    terms: Terms,
    *,
    today: date,
    scope: str,
    recipient_contact_id: int | None = None,
    about_contact_id: int | None = None,
) -> bool:
    """Whether this consent, today, lets the practice disclose `scope`
    information about `about_contact_id` (None: the loved one) to the family
    member `recipient_contact_id`. A class of recipients ("my treating
    providers") never covers a named family member."""
    return (
        status(terms, today) is Status.ACTIVE
        and terms.subject_contact_id == about_contact_id
        and scope in terms.scopes
        and recipient_contact_id is not None
        and recipient_contact_id in terms.recipient_contact_ids
    )


def covers_class(terms: Terms, *, today: date, scope: str) -> bool:
    """Whether this consent, today, lets the practice disclose `scope`
    information about the loved one to the class of recipients it names
    ("my treating providers"): never to a family member, who is named."""
    return (
        status(terms, today) is Status.ACTIVE
        and terms.subject_contact_id is None
        and scope in terms.scopes
        and bool(terms.recipient_class.strip())
    )


def any_covers(
    all_terms, *, today: date, scope: str, recipient_contact_id: int, about_contact_id=None
) -> bool:
    return any(
        covers(
            t,
            today=today,
            scope=scope,
            recipient_contact_id=recipient_contact_id,
            about_contact_id=about_contact_id,
        )
        for t in all_terms
    )


def missing_elements(
    *,
    patient: str,
    discloser: str,
    recipients: str,
    purpose: str,
    scopes,
    expires_on: date | None,
    expiry_event: str,
) -> list[str]:
    """The 42 CFR 2.31 elements a consent still lacks before it can be
    offered for signature (the signature and its date come last)."""
    missing = []
    if not patient.strip():
        missing.append("whose information it is")
    if not discloser.strip():
        missing.append("who may disclose it")
    if not recipients.strip():
        missing.append("to whom")
    if not purpose.strip():
        missing.append("the purpose")
    if not scopes:
        missing.append("what information")
    if expires_on is None and not expiry_event.strip():
        missing.append("when it ends (a date or an event)")
    return missing
