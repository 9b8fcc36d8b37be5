"""A family member's own consents in the portal: signed with a typed name and
a tick (the time and the address it came from recorded), revoked at once
(who and when), and a copy to keep.

The view loads the consent through casework.portal.access (only ever the
member's own) and hands it here; nothing here commits.
"""

from casework.audit.models import Action
from casework.audit.service import record
from casework.consent import coverage
from casework.consent.models import Consent
from casework.domain import consent as rules
from casework.domain.consent import SCOPE_LABELS, STATUS_LABELS
from casework.timeutil import format_local, local_today, utcnow

SIGNED_IN_PORTAL = "portal"


class ConsentRefused(Exception):
    """The consent is not in a state for this (already signed, revoked, ...)."""


def sign_in_portal(consent: Consent, case, *, typed_name: str, address: str | None, user) -> None:
    """The member signs a consent about their own information. Raises
    ConsentRefused unless it is awaiting a signature."""
    if consent.status(local_today()) is not rules.Status.AWAITING_SIGNATURE:
        raise ConsentRefused("This consent is not waiting for a signature any more.")
    consent.signed_via = SIGNED_IN_PORTAL
    consent.signed_name = typed_name.strip()[:120]
    consent.signed_at = utcnow()
    consent.signed_from = (address or "")[:64] or None
    coverage.forget()
    record(
        Action.SIGN,
        obj=consent,
        case=case,
        summary=f"{user.name} signed a consent in the family portal",
    )


def revoke_in_portal(consent: Consent, case, *, user) -> None:
    """The member revokes a consent they gave; it ends now. Raises
    ConsentRefused for one already revoked or never signed."""
    state = consent.status(local_today())
    if state is rules.Status.REVOKED:
        raise ConsentRefused("This consent was already revoked.")
    if state is rules.Status.AWAITING_SIGNATURE:
        raise ConsentRefused("This consent was never signed, so there is nothing to revoke.")
    consent.revoked_at = utcnow()
    consent.revoked_by_user_id = user.id
    consent.revocation_note = f"Revoked by {user.name} in the family portal"[:500]
    coverage.forget()
    record(
        Action.UPDATE,
        obj=consent,
        case=case,
        summary=f"{user.name} revoked a consent in the family portal",
    )


def kind_label(consent: Consent) -> str:
    return consent.kind.label if consent.kind is not None else "Consent"


def copy_context(consent: Consent, *, patient: str, practice: dict) -> dict:
    """The consent as the plain dict its printed copy takes: every element of
    42 CFR 2.31, the signature and, if revoked, when."""
    status = consent.status(local_today())
    return {
        "practice": practice,
        "title": kind_label(consent),
        "patient": patient,
        "discloser": consent.discloser,
        "recipients": [c.name for c in consent.recipients],
        "recipient_class": consent.recipient_class or "",
        "purpose": consent.purpose,
        "scopes": [SCOPE_LABELS.get(s, s) for s in consent.scopes or ()],
        "information": consent.information or "",
        "expires_on": consent.expires_on.strftime("%B %-d, %Y") if consent.expires_on else "",
        "expiry_event": consent.expiry_event or "",
        "revocation_statement": consent.revocation_statement or rules.REVOCATION_STATEMENT,
        "status": STATUS_LABELS[status],
        "signed_name": consent.signed_name or "",
        "signed_at": format_local(consent.signed_at) if consent.signed_at else "",
        "signed_via": {"portal": "in the family portal", "paper": "on paper"}.get(
            consent.signed_via or "", ""
        ),
        "signed_from": consent.signed_from or "",
        "revoked_at": format_local(consent.revoked_at) if consent.revoked_at else "",
        "revocation_note": consent.revocation_note or "",
        "printed_on": local_today().strftime("%B %-d, %Y"),
    }
