"""A family member's own check-in, sent from the portal when a follow-up is due.

It lands on the case as a family-reported check-in for staff to review (it
counts as the follow-up done only once reviewed: aftercare.service.done_days),
with how the member is in their own words, the WHO-5 as a screening of
theirs (through assessment's record_screening), and what they say of the
loved one and of what they need. No note is written: notes are staff's.

One check-in per member per follow-up: the check before the insert answers
a second send, and the unique index on (reporting contact, due day) answers
two sends at once (a double-click). Nothing here commits.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casework.aftercare.models import CheckIn, MemberCheckIn
from casework.audit.models import Action, AuditEvent
from casework.audit.service import record
from casework.extensions import db
from casework.timeutil import local_today

WHO_5 = "WHO-5"


class AlreadySent(Exception):
    """The member has sent their check-in for this follow-up already."""


@dataclass(frozen=True)
class Answers:
    wellbeing: str
    who5: dict[str, int]
    loved_one_status: str
    loved_one_words: str
    needs: str


def _sent(contact, due_on) -> bool:
    return (
        db.session.scalar(
            select(CheckIn.id).where(
                CheckIn.case_id == contact.case_id,
                CheckIn.reported_by_contact_id == contact.id,
                CheckIn.due_on == due_on,
            )
        )
        is not None
    )


def send_check_in(contact, due_on, answers: Answers, user) -> CheckIn:
    """Record the member's check-in for the follow-up due on `due_on`.

    `user` is the member's own account: the check-in and the screening are
    recorded by them, and the audit names them. Raises AlreadySent (after
    rolling the request's session back, for two sends at once) when one is
    there already; the WHO-5 answers are scored by the instrument, which
    raises ValueError for a missing or impossible answer."""
    from casework.assessment import service as assessment
    from casework.domain import instruments

    instruments.score(WHO_5, answers.who5)  # refuse bad answers before writing anything
    if _sent(contact, due_on):
        raise AlreadySent()
    case = contact.case
    today = local_today()
    check_in = CheckIn(
        case_id=case.id,
        held_on=today,
        due_on=due_on,
        method="portal",
        reached=[f"contact:{contact.id}"],
        loved_one_status=answers.loved_one_status,
        loved_one_words=answers.loved_one_words or None,
        family_reported=True,
        family_needs=answers.needs or None,
        reported_by_contact_id=contact.id,
        recorded_by_id=user.id,
    )
    db.session.add(check_in)
    try:
        db.session.flush()
    except IntegrityError as clash:  # the same member's other send got there first
        db.session.rollback()
        raise AlreadySent() from clash
    db.session.add(
        MemberCheckIn(
            check_in_id=check_in.id, contact_id=contact.id, wellbeing=answers.wellbeing or None
        )
    )
    screening = assessment.record_screening(
        case,
        user,
        WHO_5,
        dict(answers.who5),
        administered_on=today,
        respondent=str(contact.id),
        sex=None,
    )
    _no_score_in_audit(screening)
    record(
        Action.CREATE,
        case=case,
        obj=check_in,
        actor=user,
        summary=f"{contact.name} sent a check-in from the portal, for staff to review",
    )
    return check_in


def _no_score_in_audit(screening) -> None:
    """record_screening's audit event names the score and its band; the
    portal's says only that the questions were answered (the event is not
    written yet: this shapes it, it updates no audit row)."""
    for pending in list(db.session.new):
        if (
            isinstance(pending, AuditEvent)
            and pending.object_type == "Screening"
            and pending.object_id in (str(screening.id), None)
        ):
            pending.summary = "WHO-5 answered by a family member in the portal"
