"""Assessment's part of the case record export: every version of the
structured assessment with its data, every screening with its answers and
score, and every safety plan and safety review."""

from sqlalchemy import select

from casework.assessment.models import Assessment, SafetyPlan, SafetyReview, Screening
from casework.cases.record import contact_ref, day, person, utc
from casework.domain.instruments import INSTRUMENTS
from casework.extensions import db


def _screening(s: Screening) -> dict:
    instrument = INSTRUMENTS.get(s.code)
    return {
        "id": s.id,
        "code": s.code,
        "instrument": instrument.name if instrument else s.code,
        "administered_on": day(s.administered_on),
        # "loved_one" answered, or "family": a family member reported on them.
        "respondent": s.respondent,
        "reported_by": contact_ref(s.contact) if s.contact is not None else None,
        "sex": s.sex,
        "answers": dict(s.answers or {}),
        "total": s.total,
        "max_total": instrument.max_total if instrument else None,
        "band": s.band,
        "severity": s.severity,
        "flags": list(s.flags or []),
        "recorded_by": person(s.recorded_by),
        "recorded_at": utc(s.recorded_at),
    }


def assessment_part(case) -> dict:
    versions = db.session.scalars(
        select(Assessment).where(Assessment.case_id == case.id).order_by(Assessment.number)
    )
    screenings = db.session.scalars(
        select(Screening)
        .where(Screening.case_id == case.id)
        .order_by(Screening.administered_on, Screening.id)
    )
    plans = db.session.scalars(
        select(SafetyPlan)
        .where(SafetyPlan.case_id == case.id)
        .order_by(SafetyPlan.recorded_at, SafetyPlan.id)
    )
    reviews = db.session.scalars(
        select(SafetyReview)
        .where(SafetyReview.case_id == case.id)
        .order_by(SafetyReview.reviewed_at, SafetyReview.id)
    )
    return {
        "assessments": [
            {
                "number": a.number,
                "status": a.status,
                "reason": a.reason,
                "data": a.data or {},
                "created_by": person(a.created_by),
                "created_at": utc(a.created_at),
                "updated_at": utc(a.updated_at),
                "completed_by": person(a.completed_by),
                "completed_at": utc(a.completed_at),
            }
            for a in versions
        ],
        "screenings": [_screening(s) for s in screenings],
        "safety_plans": [
            {
                "id": p.id,
                "warning_signs": p.warning_signs,
                "coping_steps": p.coping_steps,
                "people_to_call": p.people_to_call,
                "means_safety": p.means_safety,
                "recorded_by": person(p.recorded_by),
                "recorded_at": utc(p.recorded_at),
            }
            for p in plans
        ],
        "safety_reviews": [
            {
                "id": r.id,
                "note": r.note,
                "reviewed_by": person(r.reviewed_by),
                "reviewed_at": utc(r.reviewed_at),
            }
            for r in reviews
        ],
    }
