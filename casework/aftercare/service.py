"""Writes and reads of post-intervention support. The follow-ups are planned
from the pathway in force and the check-ins done (domain.followups); a
check-in's news may switch the pathway, raise a safety flag, and always
starts a note for its author to sign. A return to use never closes a case."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from casework.aftercare.models import CheckIn, FamilySupport, MemberCheckIn, PathwayChange
from casework.audit.models import Action
from casework.audit.service import record
from casework.domain import followups, risk
from casework.extensions import db
from casework.timeutil import local_today


class AftercareRuleError(Exception):
    """A change the rules of support refuse; the message says why."""


def pathway_history(case) -> list[PathwayChange]:
    return list(
        db.session.scalars(
            select(PathwayChange).where(PathwayChange.case_id == case.id).order_by(PathwayChange.id)
        )
    )


def current_pathway(case) -> PathwayChange | None:
    return db.session.scalar(
        select(PathwayChange)
        .where(PathwayChange.case_id == case.id)
        .order_by(PathwayChange.id.desc())
        .limit(1)
    )


def start_pathway(case, pathway: str, start: date, reason: str, user) -> PathwayChange:
    if pathway not in followups.PATHWAYS:
        raise AftercareRuleError("Choose the pathway.")
    if not (reason or "").strip():
        raise AftercareRuleError("Say why the pathway changes.")
    change = PathwayChange(
        case_id=case.id, pathway=pathway, start=start, reason=reason.strip(), by_id=user.id
    )
    db.session.add(change)
    db.session.flush()
    record(
        Action.UPDATE,
        case=case,
        obj=change,
        summary=f"Follow-up pathway set from {start:%b %-d, %Y}",
    )
    return change


def cadence() -> dict | None:
    """The practice's own cadences (settings), if it has any."""
    return current_app.config.get("FOLLOW_UP_CADENCES")


def check_ins(case) -> list[CheckIn]:
    return list(
        db.session.scalars(
            select(CheckIn).where(CheckIn.case_id == case.id).order_by(CheckIn.held_on, CheckIn.id)
        )
    )


def done_days(items: list[CheckIn]) -> list[date]:
    """The days follow-ups were carried out (a family's own report counts once reviewed)."""
    return sorted({c.held_on for c in items if not c.family_reported or c.reviewed_at is not None})


def follow_ups(case, items: list[CheckIn] | None = None) -> list[followups.FollowUp]:
    pathway = current_pathway(case)
    if pathway is None:
        return []
    items = check_ins(case) if items is None else items
    return followups.plan(pathway.pathway, pathway.start, done=done_days(items), cadence=cadence())


def next_open(plan: list[followups.FollowUp]) -> followups.FollowUp | None:
    return next((f for f in plan if f.kind != "done"), None)


@dataclass
class MemberReport:
    contact: object
    wellbeing: str | None = None
    commitments: str | None = None
    supports_attended: str | None = None


@dataclass
class CheckInData:
    held_on: date
    due_on: date | None
    method: str
    reached: list[str]
    loved_one_status: str | None
    days_since_use: int | None
    returned_to_use: bool
    return_detail: str | None
    medication: str | None
    meetings: str | None
    work_and_housing: str | None
    new_safety_concern: str | None
    narrative: str
    members: list[MemberReport] = field(default_factory=list)


@dataclass(frozen=True)
class CheckInResult:
    check_in: CheckIn
    note: object | None
    switched_to: str | None


# Who a check-in reached, beside the loved one and family members ("contact:<id>").
PROVIDER = "provider"


class ProviderConsentMissing(AftercareRuleError):
    """Telling the treatment provider about follow-up needs the loved one's consent."""


def _provider_consent(case):
    """The provider-coordination consent in effect that covers follow-up, or refuse."""
    from casework.consent import service as consent

    found = consent.provider_consent(case)
    if found is None:
        raise ProviderConsentMissing(
            "No treatment provider coordination consent in effect covers follow-up: "
            "record one signed on the Consents tab, or untick the treatment provider."
        )
    return found


def _disclosed_to_provider(case, check_in: CheckIn, consent, user) -> None:
    """The provider contact goes in the accounting of disclosures, under its consent."""
    from casework.consent.disclosures import record_disclosure
    from casework.domain.consent import Scope

    record_disclosure(
        case.id,
        scope=Scope.AFTERCARE,
        what=f"Follow-up check-in of {check_in.held_on:%b %-d, %Y}",
        channel="provider",
        consent=consent,
        recipient=consent.recipient_class,
        by_user=user,
    )


def record_check_in(case, data: CheckInData, user) -> CheckInResult:
    """Staff record a follow-up. The narrative starts a draft note (the
    author signs it), a return to use or leaving treatment switches the
    pathway from that day, and a new safety concern raises its flag."""
    from casework.assessment import service as assessment
    from casework.notes import service as notes

    if data.method not in followups.METHODS or data.method == "portal":
        raise AftercareRuleError("Say how the check-in happened.")
    if data.held_on > local_today():
        raise AftercareRuleError("A check-in is recorded once it has happened.")
    if not data.reached:
        raise AftercareRuleError("Say who was reached.")
    if data.returned_to_use and not (data.return_detail or "").strip():
        raise AftercareRuleError("Say what happened when they returned to use.")
    if data.new_safety_concern and data.new_safety_concern not in risk.FLAGS:
        raise AftercareRuleError("Choose the safety concern.")
    if not data.narrative.strip():
        raise AftercareRuleError("Write what was said, for the note.")
    provider = _provider_consent(case) if PROVIDER in data.reached else None
    check_in = CheckIn(
        case_id=case.id,
        held_on=data.held_on,
        due_on=data.due_on,
        method=data.method,
        reached=list(data.reached),
        loved_one_status=data.loved_one_status,
        days_since_use=data.days_since_use,
        returned_to_use=data.returned_to_use,
        return_detail=(data.return_detail or "").strip() or None,
        medication=data.medication,
        meetings=data.meetings,
        work_and_housing=data.work_and_housing,
        new_safety_concern=data.new_safety_concern or None,
        recorded_by_id=user.id,
    )
    db.session.add(check_in)
    db.session.flush()
    if provider is not None:
        _disclosed_to_provider(case, check_in, provider, user)
    for report in data.members:
        db.session.add(
            MemberCheckIn(
                check_in_id=check_in.id,
                contact_id=report.contact.id,
                wellbeing=report.wellbeing,
                commitments=report.commitments,
                supports_attended=report.supports_attended,
            )
        )
    kind = {"phone": "phone", "text": "text", "email": "email"}.get(data.method, "in_person")
    contacts = [m.contact for m in data.members]
    note = notes.start_contact_note(
        case,
        kind,
        notes.NoteData(
            datetime.combine(data.held_on, datetime.min.time()).replace(hour=12),
            None,
            None,
            contacts,
            [user],
            data.narrative,
        ),
        user,
    )
    check_in.note_id = note.id
    record(
        Action.CREATE,
        case=case,
        obj=check_in,
        summary=f"Follow-up check-in of {data.held_on:%b %-d, %Y} recorded",
    )
    switched = followups.switch_for(data.loved_one_status, data.returned_to_use)
    current = current_pathway(case)
    if switched and (current is None or current.pathway != switched or data.returned_to_use):
        reason = (
            "A return to use, recorded at a check-in"
            if data.returned_to_use
            else "Left treatment early, recorded at a check-in"
        )
        start_pathway(case, switched, data.held_on, reason, user)
    if data.new_safety_concern:
        assessment.raise_flag(case, user, data.new_safety_concern, "a follow-up check-in")
    return CheckInResult(check_in, note, switched)


def review_family_check_in(case, check_in: CheckIn, user) -> None:
    if not check_in.family_reported:
        raise AftercareRuleError("Only a family member's own check-in is reviewed.")
    if check_in.reviewed_at is not None:
        raise AftercareRuleError("This check-in is reviewed already.")
    from casework.timeutil import utcnow

    check_in.reviewed_by_id = user.id
    check_in.reviewed_at = utcnow()
    record(Action.REVIEW, case=case, obj=check_in, summary="Family check-in reviewed")


def waiting_review(case) -> list[CheckIn]:
    return [c for c in check_ins(case) if c.family_reported and c.reviewed_at is None]


# ---- supports --------------------------------------------------------------------------


def supports(case) -> list[FamilySupport]:
    return list(
        db.session.scalars(
            select(FamilySupport).where(FamilySupport.case_id == case.id).order_by(FamilySupport.id)
        )
    )


def add_support(case, contact, kind: str, detail: str | None, started_on: date | None) -> None:
    if kind not in followups.SUPPORTS:
        raise AftercareRuleError("Choose the support.")
    if kind == "other" and not (detail or "").strip():
        raise AftercareRuleError("Say what the support is.")
    db.session.add(
        FamilySupport(
            case_id=case.id,
            contact_id=contact.id,
            kind=kind,
            detail=(detail or "").strip() or None,
            started_on=started_on,
        )
    )
    record(
        Action.CREATE,
        case=case,
        object_type="FamilySupport",
        summary=f"Support added for {contact.name}",
    )


def recovery_start(items: list[CheckIn]) -> date | None:
    return followups.recovery_start(
        [(c.held_on, c.days_since_use, c.returned_to_use) for c in items]
    )
