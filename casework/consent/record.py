"""Consent's part of the case record export (`sections.consent`): every
consent with each element of 42 CFR 2.31, where it stands today, its
signature and any revocation; and the accounting of disclosures."""

from casework.cases.record import contact_ref, day, people, utc
from casework.consent import disclosures, service
from casework.timeutil import local_today


def _consent(c, users: dict, today) -> dict:
    return {
        "id": c.id,
        "kind": c.kind.code,
        "kind_label": c.kind.label,
        "subject": contact_ref(c.subject) if c.subject is not None else None,
        "discloser": c.discloser,
        "recipients": [contact_ref(r) for r in c.recipients],
        "recipient_class": c.recipient_class,
        "purpose": c.purpose,
        "scopes": list(c.scopes or []),
        "information": c.information,
        "expires_on": day(c.expires_on),
        "expiry_event": c.expiry_event,
        "event_occurred_on": day(c.event_occurred_on),
        "revocation_statement": c.revocation_statement,
        "status": c.status(today).value,
        "signature": (
            {
                "via": c.signed_via,
                "name": c.signed_name,
                "at": utc(c.signed_at),
                "from": c.signed_from,
                "scan_received_on": day(c.scan_received_on),
                "recorded_by": users.get(c.signed_recorded_by_id),
            }
            if c.signed_at is not None
            else None
        ),
        "revoked_at": utc(c.revoked_at),
        "revoked_by": users.get(c.revoked_by_user_id),
        "revocation_note": c.revocation_note or None,
        "created_by": users.get(c.created_by_id),
        "created_at": utc(c.created_at),
    }


def consent_part(case) -> dict:
    found = list(reversed(service.consents_of(case)))  # oldest first, as the record reads
    users = people(
        [i for c in found for i in (c.created_by_id, c.signed_recorded_by_id, c.revoked_by_user_id)]
    )
    today = local_today()
    return {
        "consents": [_consent(c, users, today) for c in found],
        "disclosures": [
            {
                "at": utc(r.disclosed_at),
                "recipient": r.recipient,
                "what": r.what,
                "scope": r.scope,
                "channel": r.channel,
                "consent_id": r.consent_id,
                "by": r.by,
            }
            for r in disclosures.accounting(case.id)
        ],
    }
