"""Audit summaries say what happened to which record, never its clinical
content: the demo practice, built through the services, and the writes it does
not make, leave no score, band, flag, substance, diagnosis, outcome, reason or
note text in any summary. The user's reason is kept apart (`reason`)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.aftercare.models import PathwayChange
from casework.assessment import service as assessment_service
from casework.assessment.models import Assessment, RaisedFlag, Screening
from casework.audit.models import AuditEvent
from casework.audit.service import acting_as
from casework.auth.models import User
from casework.cases import service as case_service
from casework.cases.models import Contact, FamilyCase, PhaseChange
from casework.domain import followups, instruments, risk
from casework.domain import intervention as intervention_rules
from casework.domain.phases import CLOSING_REASONS
from casework.education.models import EducationModule, Packet
from casework.extensions import db
from casework.intervention.models import Placement
from casework.notes.models import Note
from casework.scheduling import service as scheduling_service
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow

PASSWORD = "demo summaries 1"

# Words that name clinical content, whatever a summary is about.
CLINICAL_WORDS = (
    "alcohol", "opioid", "heroin", "fentanyl", "cocaine", "methamphetamine", "cannabis",
    "benzodiazepine", "overdose", "suicid", "self-harm", "depression", "anxiety", "bipolar",
    "psychosis", "schizophren", "withdrawal", "detox", "relapse", "naloxone", "score",
    "band", "severity", "diagnos",
)  # fmt: skip


def clinical_phrases() -> set[str]:
    """The labels of clinical content the app knows: instruments and their
    bands, risk flags, outcomes, pathways, supports, closing reasons."""
    phrases = set(instruments.INSTRUMENTS)
    for instrument in instruments.INSTRUMENTS.values():
        phrases.update(band.label for band in instrument.bands)
    phrases.update(label for label, _ in risk.FLAGS.values())
    phrases.update(intervention_rules.OUTCOMES.values())
    phrases.update(followups.PATHWAYS.values())
    phrases.update(followups.SUPPORTS.values())
    phrases.update(CLOSING_REASONS.values())
    return {p for p in phrases if len(p) > 4}  # "Other" and the like say nothing


def demo_values() -> set[str]:
    """What the demo wrote in its clinical records, in its own words."""
    texts = set()
    texts.update(db.session.scalars(select(Screening.band)))
    texts.update(db.session.scalars(select(RaisedFlag.source)))
    texts.update(db.session.scalars(select(Assessment.reason)))
    texts.update(db.session.scalars(select(PhaseChange.reason)))
    texts.update(db.session.scalars(select(CaseSession.cancel_reason)))
    texts.update(db.session.scalars(select(Contact.archive_reason)))
    texts.update(db.session.scalars(select(Placement.facility)))
    texts.update(db.session.scalars(select(PathwayChange.reason)))
    texts.update(db.session.scalars(select(Packet.title)))
    texts.update(db.session.scalars(select(FamilyCase.summary)))
    for data in db.session.scalars(select(Assessment.data)):
        for row in (data or {}).get("substances") or []:
            texts.add(row.get("substance"))
    for body in db.session.scalars(select(Note.body)):
        texts.add((body or "")[:40])
    titles = [m.latest.title for m in db.session.scalars(select(EducationModule))]
    texts.update(titles)
    return {t.strip() for t in texts if t and len(t.strip()) >= 6}


def further_writes() -> dict[str, str]:
    """Writes the demo does not make, each with a reason of its own words."""
    supervisor = db.session.scalar(select(User).where(User.email == "supervisor@example.org"))
    case = db.session.scalar(
        select(FamilyCase).where(FamilyCase.status == "active").order_by(FamilyCase.id)
    )
    reasons = {
        "override": "Psychiatrist cleared him after the overdose last week",
        "reassign": "Lead is away while the family's crisis over his drinking settles",
        "flag": "Mother says he talked about ending his life on Sunday",
        "reschedule": "He is in detox until Thursday",
    }
    with acting_as(supervisor):
        case_service.override_gate(case, ["Self-harm risk: no plan"], reasons["override"])
        case_service.reassign(case, case.interventionist, supervisor, reasons["reassign"])
        assessment_service.raise_flag(case, supervisor, "self_harm", reasons["flag"])
        session = db.session.scalar(
            select(CaseSession)
            .where(CaseSession.status == "scheduled", CaseSession.starts_at > utcnow())
            .order_by(CaseSession.id)
        )
        data = scheduling_service.SessionData(
            **{
                name: getattr(session, name)
                for name in scheduling_service.SessionData.__dataclass_fields__
            }
        )
        data.starts_at = session.starts_at + timedelta(days=1)
        scheduling_service.update(session, data, reasons["reschedule"], confirmed=True)
    db.session.commit()
    return reasons


@pytest.fixture
def demo(app, seed_demo):
    seed_demo(PASSWORD)
    return further_writes()


def test_no_audit_summary_carries_clinical_content(demo):
    summaries = [s for s in db.session.scalars(select(AuditEvent.summary)) if s]
    assert len(summaries) > 500  # the demo's whole history is here
    words = re.compile("|".join(CLINICAL_WORDS), re.I)
    phrases = clinical_phrases() | demo_values() | set(demo.values())
    leaks = []
    for summary in set(summaries):
        if found := words.search(summary):
            leaks.append((summary, found.group()))
        leaks += [(summary, p) for p in phrases if p in summary]
        if re.search(r"\d+ \(", summary):  # a score and its band, "12 (Moderate ...)"
            leaks.append((summary, "score"))
    assert leaks == []


def test_the_users_reasons_are_kept_beside_the_summary(demo):
    kept = set(db.session.scalars(select(AuditEvent.reason).where(AuditEvent.reason.is_not(None))))
    assert {demo["override"], demo["reassign"], demo["reschedule"]} <= kept
    # A flag's source is kept on the flag itself.
    assert demo["flag"] in set(db.session.scalars(select(RaisedFlag.source)))
