"""Which consents let the practice share the loved one's information with a
family member, asked afresh on every request.

The portal asks `member_may_see(contact, scope)` before it loads anything
case-specific. One statement per member per request finds the loved one's
signed, unrevoked consents that name the member; whether each is still in
effect today (its expiry date or event) is the pure rule's to say. The
answer is kept in `flask.g` for the rest of the request only, so a
revocation or an expiry hides the material on the very next request.
"""

from flask import g, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from casework.consent.models import Consent, consent_recipients
from casework.domain import consent as rules
from casework.extensions import db
from casework.timeutil import local_today

_CACHE = "consent_coverage"


def _signed_naming(contact) -> list[Consent]:
    """The loved one's consents in the member's case that name the member
    and are signed and not revoked (one statement; the recipients list is
    not loaded: the join already says the member is among them)."""
    return list(
        db.session.scalars(
            select(Consent)
            .join(consent_recipients, consent_recipients.c.consent_id == Consent.id)
            .where(
                consent_recipients.c.contact_id == contact.id,
                Consent.case_id == contact.case_id,
                Consent.subject_contact_id.is_(None),
                Consent.signed_at.is_not(None),
                Consent.revoked_at.is_(None),
            )
            .options(lazyload(Consent.recipients), lazyload(Consent.subject))
            .order_by(Consent.signed_at.desc(), Consent.id.desc())
        )
    )


def _terms_for(consent: Consent, contact_id: int) -> rules.Terms:
    return rules.Terms(
        subject_contact_id=consent.subject_contact_id,
        recipient_contact_ids=frozenset({contact_id}),  # the join found the member named
        recipient_class=consent.recipient_class,
        scopes=frozenset(consent.scopes or ()),
        signed_at=consent.signed_at,
        expires_on=consent.expires_on,
        expiry_event=consent.expiry_event,
        event_occurred_on=consent.event_occurred_on,
        revoked_at=consent.revoked_at,
    )


def _learn(contact) -> tuple[list[Consent], dict[str, Consent]]:
    cache = g.setdefault(_CACHE, {}) if has_app_context() else {}
    if contact.id not in cache:
        today = local_today()
        consents, by_scope = [], {}
        for consent in _signed_naming(contact):
            terms = _terms_for(consent, contact.id)
            if rules.status(terms, today) is not rules.Status.ACTIVE:
                continue
            consents.append(consent)
            for scope in sorted(terms.scopes):
                if scope not in by_scope and rules.covers(
                    terms, today=today, scope=scope, recipient_contact_id=contact.id
                ):
                    by_scope[scope] = consent
        cache[contact.id] = (consents, by_scope)
    return cache[contact.id]


def in_effect(contact) -> list[Consent]:
    """The loved one's consents that name this family member and are in
    effect today, most recently signed first."""
    return _learn(contact)[0] if contact is not None else []


def covering(contact) -> dict[str, Consent]:
    """{scope: the consent that covers it} for this family member today:
    the most recently signed consent in effect for each scope it includes."""
    return _learn(contact)[1] if contact is not None else {}


def member_may_see(contact, scope: rules.Scope | str) -> Consent | None:
    """The consent under which `contact` may see the loved one's `scope`
    information today, or None."""
    return covering(contact).get(str(scope))


def forget() -> None:
    """Drop what this request learned (after a consent is signed or revoked
    within it)."""
    if has_app_context():
        g.pop(_CACHE, None)
