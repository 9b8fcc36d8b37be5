"""Consents on a case, as staff handle them: drafted from a kind with its
defaults, checked for every element of 42 CFR 2.31, printed for signing,
recorded as signed when the paper comes back (with the scan's date), revoked
on the family's written word (who and when), and ended by the event they
name. Services add their changes and audit events; the request commits.

Audit summaries name the consent and its kind, never what it lets anyone see.
"""

from dataclasses import dataclass, field
from datetime import date, time

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework.audit.models import Action
from casework.audit.service import record
from casework.cases.models import Contact
from casework.consent import kinds
from casework.consent.models import Consent
from casework.domain import consent as rules
from casework.domain.consent import SCOPE_LABELS, STATUS_LABELS, Scope, Status
from casework.extensions import db
from casework.timeutil import format_local, local_to_utc, local_today, to_local, utcnow


class ConsentError(ValueError):
    """A change the rules refuse, said for the form field it concerns."""

    def __init__(self, message: str, field_name: str | None = None):
        super().__init__(message)
        self.field_name = field_name


@dataclass
class Draft:
    """What a new consent says before it is saved (the form's values)."""

    kind: kinds.KindInfo
    subject: Contact | None = None  # None: the loved one
    discloser: str = ""
    recipients: list[Contact] = field(default_factory=list)
    recipient_class: str = ""
    purpose: str = ""
    scopes: list[str] = field(default_factory=list)
    information: str = ""
    expires_on: date | None = None
    expiry_event: str = ""


def practice_discloser() -> str:
    return f"{current_app.config['PRACTICE_NAME']} and its interventionists"


def draft_from_kind(kind: kinds.KindInfo, recipients=()) -> Draft:
    """A new consent with its kind's defaults filled in."""
    return Draft(
        kind=kind,
        discloser=practice_discloser(),
        recipients=list(recipients),
        recipient_class=kind.recipient_class,
        purpose=kind.purpose,
        scopes=list(kind.scopes),
        expiry_event=kind.expiry_event,
    )


def whose(case, subject: Contact | None) -> str:
    """The patient, as the form and the list name them."""
    if subject is None:
        return case.loved_one_name
    return f"{subject.name} ({subject.relationship_to_loved_one}), for their own information"


def recipients_text(recipients, recipient_class: str) -> str:
    named = [f"{c.name} ({c.relationship_to_loved_one})" for c in recipients]
    if recipient_class.strip():
        named.append(recipient_class.strip())
    return "; ".join(named)


def expiry_text(expires_on: date | None, expiry_event: str) -> str:
    on = f"{expires_on:%B %-d, %Y}" if expires_on else ""
    event = expiry_event.strip()
    if on and event:
        return f"On {on}, or {event[0].lower() + event[1:]}, whichever comes first"
    return f"On {on}" if on else event


def missing(case, draft: Draft) -> list[str]:
    return rules.missing_elements(
        patient=case.loved_one_name if draft.subject is None else draft.subject.name,
        discloser=draft.discloser,
        recipients=recipients_text(draft.recipients, draft.recipient_class),
        purpose=draft.purpose,
        scopes=draft.scopes,
        expires_on=draft.expires_on,
        expiry_event=draft.expiry_event,
    )


def create(case, draft: Draft, by) -> Consent:
    """A consent awaiting signature, with every element but the signature."""
    lacking = missing(case, draft)
    if lacking:
        raise ConsentError("The consent still needs " + ", ".join(lacking) + ".")
    if draft.subject is not None and draft.subject in draft.recipients:
        raise ConsentError(
            f"{draft.subject.name} needs no consent to see their own information.", "recipients"
        )
    if draft.expires_on is not None and draft.expires_on < local_today():
        raise ConsentError("The end date has passed: choose a later one.", "expires_on")
    if set(draft.scopes) - {s.value for s in Scope}:
        raise ConsentError("Choose the kinds of information from the list.", "scopes")
    made = Consent(
        case_id=case.id,
        kind=kinds.row_for(draft.kind.code),
        subject_contact_id=draft.subject.id if draft.subject is not None else None,
        discloser=draft.discloser.strip(),
        recipient_class=draft.recipient_class.strip(),
        purpose=draft.purpose.strip(),
        scopes=[s.value for s in Scope if s.value in draft.scopes],
        information=draft.information.strip(),
        expires_on=draft.expires_on,
        expiry_event=draft.expiry_event.strip(),
        revocation_statement=rules.REVOCATION_STATEMENT,
        created_by_id=by.id,
        created_at=utcnow(),
    )
    made.recipients = list(draft.recipients)
    db.session.add(made)
    db.session.flush()
    record(
        Action.CREATE,
        case=case,
        obj=made,
        summary=f"Consent {made.id} drafted ({draft.kind.label})",
        actor=by,
    )
    return made


def consents_of(case) -> list[Consent]:
    """The case's consents, newest first, with who recorded what (two statements
    with their recipients)."""
    return list(
        db.session.scalars(
            select(Consent)
            .where(Consent.case_id == case.id)
            .options(
                selectinload(Consent.created_by),
                selectinload(Consent.signed_recorded_by),
                selectinload(Consent.revoked_by),
            )
            .order_by(Consent.created_at.desc(), Consent.id.desc())
        )
    )


def status_of(consent: Consent) -> Status:
    return consent.status(local_today())


def _refuse_unless_awaiting(consent: Consent) -> None:
    state = status_of(consent)
    if state is not Status.AWAITING_SIGNATURE:
        raise ConsentError(f"This consent is {STATUS_LABELS[state].lower()}: it cannot be signed.")


def record_paper_signature(
    case, consent: Consent, *, signed_name: str, signed_on: date, received_on: date, by
) -> None:
    """The signed paper came back: whose signature, the date written beside
    it, and the day the scan was received."""
    _refuse_unless_awaiting(consent)
    drafted = to_local(consent.created_at).date()
    today = local_today()
    if signed_on > today:
        raise ConsentError("The date signed cannot be in the future.", "signed_on")
    if signed_on < drafted:
        raise ConsentError(
            f"The form was drafted on {drafted:%b %-d, %Y}: it cannot be signed before that.",
            "signed_on",
        )
    if not signed_on <= received_on <= today:
        raise ConsentError(
            "The scan is received on or after the day it was signed, and not in the future.",
            "received_on",
        )
    consent.signed_via = "paper"
    consent.signed_name = signed_name.strip()
    # The date on the paper, at midday so that it is that day in every zone it is shown.
    consent.signed_at = local_to_utc(signed_on, time(12))
    consent.scan_received_on = received_on
    consent.signed_recorded_by_id = by.id
    record(
        Action.SIGN,
        case=case,
        obj=consent,
        summary=f"Consent {consent.id} signed on paper; scan received",
        actor=by,
    )


def revoke(case, consent: Consent, *, note: str, by) -> None:
    """Revoked on the family's written word: it stops covering anything now."""
    if consent.revoked_at is not None:
        raise ConsentError("This consent was revoked already.")
    consent.revoked_at = utcnow()
    consent.revoked_by_user_id = by.id
    consent.revocation_note = note.strip()
    record(Action.UPDATE, case=case, obj=consent, summary=f"Consent {consent.id} revoked", actor=by)


def record_expiry_event(case, consent: Consent, *, occurred_on: date, by) -> None:
    """The event the consent ends with has happened (from that day on, it is expired)."""
    if not consent.expiry_event:
        raise ConsentError("This consent ends on a date, not with an event.")
    if consent.revoked_at is not None:
        raise ConsentError("This consent was revoked: it has ended already.")
    if consent.event_occurred_on is not None:
        raise ConsentError("Its ending event was recorded already.")
    if occurred_on > local_today():
        raise ConsentError("Record the event once it has happened.", "occurred_on")
    drafted = to_local(consent.created_at).date()
    if occurred_on < drafted:
        raise ConsentError(
            f"The consent was drafted on {drafted:%b %-d, %Y}: it cannot end before that.",
            "occurred_on",
        )
    consent.event_occurred_on = occurred_on
    record(
        Action.UPDATE,
        case=case,
        obj=consent,
        summary=f"Consent {consent.id}: its ending event recorded",
        actor=by,
    )


def provider_consent(case, scope: str = Scope.AFTERCARE) -> Consent | None:
    """The loved one's provider-coordination consent in effect that covers
    `scope` for their treatment providers, if any (one statement)."""
    today = local_today()
    for consent in db.session.scalars(
        select(Consent)
        .where(Consent.case_id == case.id, Consent.subject_contact_id.is_(None))
        .order_by(Consent.id.desc())
    ):
        if consent.kind.code == rules.Kind.PROVIDER_COORDINATION and rules.covers_class(
            consent.terms(), today=today, scope=scope
        ):
            return consent
    return None


# ---- the printed form -------------------------------------------------------------


def signature_text(consent: Consent) -> str:
    if consent.signed_at is None:
        return ""
    if consent.signed_via == "portal":
        where = f" from {consent.signed_from}" if consent.signed_from else ""
        when = format_local(consent.signed_at)
        return f"Signed in the family portal by {consent.signed_name} on {when}{where}"
    received = (
        f"; scan received {consent.scan_received_on:%b %-d, %Y}" if consent.scan_received_on else ""
    )
    signed = format_local(consent.signed_at, "%b %-d, %Y")
    return f"Signed on paper by {consent.signed_name} on {signed}{received}"


def ended_text(consent: Consent) -> str:
    """How a consent no longer in effect ended, or "" while it may still be."""
    state = status_of(consent)
    if state is Status.REVOKED:
        return f"Revoked on {format_local(consent.revoked_at)}: it allows no sharing from then on"
    if state is not Status.EXPIRED:
        return ""
    event = consent.event_occurred_on
    if event is not None and (consent.expires_on is None or event <= consent.expires_on):
        what = consent.expiry_event.lower()
        return f"Ended on {event:%b %-d, %Y} ({what}): it allows no sharing from then on"
    return f"Ended after {consent.expires_on:%b %-d, %Y}, its last day: it allows no sharing since"


def form_context(case, consent: Consent, practice: dict) -> dict:
    """Plain data for templates/print/consent_form.html: every element of
    42 CFR 2.31, numbered as the form prints them."""
    subject = consent.subject
    provider = bool(consent.recipient_class.strip())
    return {
        "practice": practice["name"],
        "practice_phone": practice["phone"],
        "reference": case.reference,
        "number": consent.id,
        "kind": consent.kind.label,
        "patient": case.loved_one_name if subject is None else subject.name,
        "patient_note": (
            ""
            if subject is None
            else f"{subject.relationship_to_loved_one} of {case.loved_one_name}"
        ),
        "discloser": consent.discloser,
        "recipients": [
            {"name": c.name, "relationship": c.relationship_to_loved_one}
            for c in consent.recipients
        ],
        "recipient_class": consent.recipient_class,
        "purpose": consent.purpose,
        "scopes": [SCOPE_LABELS[Scope(s)] for s in consent.scopes if s in set(Scope)],
        "information": consent.information,
        "expiry": expiry_text(consent.expires_on, consent.expiry_event),
        "revocation": consent.revocation_statement,
        # HIPAA-covered providers may pass on what they receive for treatment (2.31(a)(10)).
        "provider_redisclosure": provider,
        "signed": signature_text(consent),
        "status": STATUS_LABELS[status_of(consent)],
        "ended": ended_text(consent),
        "printed_on": f"{local_today():%B %-d, %Y}",
    }


def people_of(consent: Consent) -> dict[str, str | None]:
    """Who drafted, recorded the signature of and revoked the consent (one statement)."""
    from casework.cases.record import people

    found = people(
        [consent.created_by_id, consent.signed_recorded_by_id, consent.revoked_by_user_id]
    )

    def name(user_id):
        return found[user_id]["name"] if user_id in found else None

    return {
        "created_by": name(consent.created_by_id),
        "signed_recorded_by": name(consent.signed_recorded_by_id),
        "revoked_by": name(consent.revoked_by_user_id),
    }


def accounting_context(case, rows, practice: dict) -> dict:
    """Plain data for templates/print/consent_accounting.html."""
    return {
        "practice": practice["name"],
        "practice_phone": practice["phone"],
        "reference": case.reference,
        "loved_one": case.loved_one_name,
        "printed_on": f"{local_today():%B %-d, %Y}",
        "rows": [
            {
                "when": format_local(r.disclosed_at),
                "recipient": r.recipient,
                "what": r.what,
                "information": r.scope_label,
                "how": r.channel_label,
                "consent": r.consent_label,
            }
            for r in rows
        ],
    }
