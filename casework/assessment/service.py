"""Writes to assessments, screenings and safety plans; each makes its audit
event and keeps the case's risk flags in step. The view commits."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, raiseload

from casework.assessment.models import (
    Assessment,
    RaisedFlag,
    SafetyPlan,
    SafetyReview,
    Screening,
)
from casework.audit.models import Action
from casework.audit.service import record
from casework.domain import instruments, risk
from casework.extensions import db
from casework.timeutil import utcnow


class AssessmentLocked(Exception):
    pass


def current(case) -> Assessment | None:
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.case_id == case.id)
        .order_by(Assessment.number.desc())
        .limit(1)
    )


def all_versions(case) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.case_id == case.id)
            .order_by(Assessment.number.desc())
        )
    )


def screenings(case, code: str | None = None) -> list[Screening]:
    query = select(Screening).where(Screening.case_id == case.id)
    if code:
        query = query.where(Screening.code == code)
    return list(db.session.scalars(query.order_by(Screening.administered_on, Screening.id)))


def latest_safety_plan(case) -> SafetyPlan | None:
    return db.session.scalar(
        select(SafetyPlan)
        .where(SafetyPlan.case_id == case.id)
        .order_by(SafetyPlan.recorded_at.desc(), SafetyPlan.id.desc())
        .limit(1)
    )


def has_safety_plan(case) -> bool:
    return bool(
        db.session.scalar(
            select(func.count()).select_from(SafetyPlan).where(SafetyPlan.case_id == case.id)
        )
    )


def screening_trends(case) -> tuple[list, dict[str, Screening]]:
    """What a case's screening charts need, in two statements however many
    screenings there are: every administration's (code, administered_on, total),
    oldest first, as light rows; and the newest of each instrument in full."""
    points = db.session.execute(
        select(Screening.id, Screening.code, Screening.administered_on, Screening.total)
        .where(Screening.case_id == case.id)
        .order_by(Screening.administered_on, Screening.id)
    ).all()
    newest = {point.code: point.id for point in points}
    found = db.session.scalars(
        select(Screening)
        .where(Screening.id.in_(newest.values()))
        # The charts name who reported a score, and nothing else of theirs.
        .options(raiseload(Screening.recorded_by), joinedload(Screening.contact).lazyload("*"))
    )
    return points, {screening.code: screening for screening in found}


def latest_by_code(items: list[Screening]) -> dict[str, Screening]:
    """The newest administration of each instrument (items oldest first)."""
    latest: dict[str, Screening] = {}
    for item in items:
        latest[item.code] = item
    return latest


def refresh_flags(case) -> list[str]:
    """Recompute the case's risk flags from its current assessment and scores."""
    db.session.flush()
    assessment = current(case)
    latest = latest_by_code(screenings(case))
    others = list(db.session.scalars(select(RaisedFlag).where(RaisedFlag.case_id == case.id)))
    case.risk_flags = risk.risk_flags(
        assessment.data if assessment else None,
        [s.flags for s in latest.values()] + [[f.flag] for f in others],
    )
    raised = [s.recorded_at for s in latest.values() if "self_harm" in (s.flags or [])]
    raised += [f.raised_at for f in others if f.flag in risk.SAFETY_FLAGS]
    _refresh_safety_alert(case, max(raised, default=None))
    return case.risk_flags


def raise_flag(case, user, flag: str, source: str) -> None:
    """A risk flag raised where no screening or assessment section is (a new
    safety concern at a follow-up), kept and counted like theirs."""
    if flag not in risk.FLAGS:
        raise ValueError(f"Unknown risk flag {flag!r}")
    db.session.add(RaisedFlag(case_id=case.id, flag=flag, source=source, raised_by_id=user.id))
    refresh_flags(case)
    record(
        Action.UPDATE,
        case=case,
        object_type="RaisedFlag",
        summary="Risk flag raised",
    )


def _refresh_safety_alert(case, raised_at) -> None:
    """Keep the case's safety alert in step: an open safety flag with no plan
    or review since the screening that raised it."""
    db.session.flush()
    plan = db.session.scalar(
        select(func.max(SafetyPlan.recorded_at)).where(SafetyPlan.case_id == case.id)
    )
    review = db.session.scalar(
        select(func.max(SafetyReview.reviewed_at)).where(SafetyReview.case_id == case.id)
    )
    covered = max((t for t in (plan, review) if t is not None), default=None)
    case.safety_alert = risk.needs_safety_attention(
        case.risk_flags or [], raised_at=raised_at, covered_at=covered
    )


def safety_reviews(case) -> list[SafetyReview]:
    return list(
        db.session.scalars(
            select(SafetyReview)
            .where(SafetyReview.case_id == case.id)
            .order_by(SafetyReview.reviewed_at.desc(), SafetyReview.id.desc())
        )
    )


def save_draft(case, user, data: dict) -> Assessment:
    assessment = current(case)
    if assessment is None:
        assessment = Assessment(
            case_id=case.id, number=1, created_by_id=user.id, reason="First assessment"
        )
        db.session.add(assessment)
    elif assessment.locked:
        raise AssessmentLocked()
    assessment.data = data
    refresh_flags(case)
    record(
        Action.UPDATE,
        case=case,
        obj=assessment,
        summary=f"Assessment version {assessment.number} saved as a draft",
    )
    return assessment


def complete(case, user, assessment: Assessment) -> None:
    if assessment.locked:
        raise AssessmentLocked()
    assessment.status = "completed"
    assessment.completed_by_id = user.id
    assessment.completed_at = utcnow()
    record(
        Action.UPDATE,
        case=case,
        obj=assessment,
        summary=f"Assessment version {assessment.number} completed and locked",
    )


def revise(case, user, reason: str) -> Assessment:
    """Start a new draft from the completed current version."""
    old = current(case)
    if old is None or not old.locked:
        raise AssessmentLocked()
    new = Assessment(
        case_id=case.id,
        number=old.number + 1,
        created_by_id=user.id,
        data=dict(old.data),
        reason=reason,
    )
    db.session.add(new)
    record(
        Action.CREATE,
        case=case,
        obj=new,
        summary=f"Assessment version {new.number} started",
        reason=reason,
    )
    return new


def record_screening(
    case, user, code: str, answers: dict, *, administered_on, respondent: str, sex: str | None
) -> Screening:
    result = instruments.score(code, answers, sex=sex)
    contact_id = int(respondent) if respondent != "loved_one" else None
    screening = Screening(
        case_id=case.id,
        code=code,
        administered_on=administered_on,
        respondent="loved_one" if contact_id is None else "family",
        contact_id=contact_id,
        sex=sex,
        answers=answers,
        total=result.total,
        band=result.band,
        severity=result.severity,
        flags=list(result.flags),
        recorded_by_id=user.id,
    )
    db.session.add(screening)
    refresh_flags(case)
    record(
        Action.CREATE,
        case=case,
        obj=screening,
        summary="Screening recorded",
    )
    return screening


def record_safety_plan(case, user, fields: dict) -> SafetyPlan:
    plan = SafetyPlan(case_id=case.id, recorded_by_id=user.id, **fields)
    db.session.add(plan)
    refresh_flags(case)
    record(Action.CREATE, case=case, obj=plan, summary="Safety plan recorded")
    return plan


def record_safety_review(case, user, note: str) -> SafetyReview:
    """A clinician documents that they reviewed the safety concern."""
    review = SafetyReview(case_id=case.id, reviewed_by_id=user.id, note=note)
    db.session.add(review)
    refresh_flags(case)
    record(Action.CREATE, case=case, obj=review, summary="Safety review documented")
    return review
