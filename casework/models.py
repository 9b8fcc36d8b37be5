"""Imports every model so the metadata is complete (Alembic, create_all)."""

from casework.aftercare.models import CheckIn, FamilySupport, MemberCheckIn, PathwayChange
from casework.assessment.models import (
    Assessment,
    RaisedFlag,
    SafetyPlan,
    SafetyReview,
    Screening,
)
from casework.audit.models import AuditEvent
from casework.auth.access_requests import AccessRequest
from casework.auth.models import RecoveryCode, User
from casework.cases.break_glass import BreakGlassGrant
from casework.cases.models import Contact, FamilyCase, PhaseChange, ReferenceCounter
from casework.consent.models import Consent, ConsentKind, Disclosure, consent_recipients
from casework.education.models import Assignment, EducationModule, ModuleVersion, Packet
from casework.intervention.models import (
    AriseEscalation,
    BottomLine,
    EnablingCommitment,
    InterventionPlan,
    Letter,
    LetterEvent,
    Placement,
    RehearsalItem,
    RehearsalTick,
    TeamMember,
)
from casework.messages.models import Message, MessageThread
from casework.notes.models import (
    Addendum,
    Note,
    NoteHeadings,
    NoteRound,
    NoteSupervision,
)
from casework.portal.models import PortalInvite
from casework.printing.models import PrintedDocument
from casework.scheduling.models import CalendarFeed, CaseSession

__all__ = [
    "AccessRequest",
    "BreakGlassGrant",
    "CheckIn",
    "FamilySupport",
    "MemberCheckIn",
    "PathwayChange",
    "RaisedFlag",
    "AriseEscalation",
    "BottomLine",
    "EnablingCommitment",
    "InterventionPlan",
    "Letter",
    "LetterEvent",
    "Placement",
    "RehearsalItem",
    "RehearsalTick",
    "TeamMember",
    "Message",
    "MessageThread",
    "Addendum",
    "Note",
    "NoteHeadings",
    "NoteRound",
    "NoteSupervision",
    "Assignment",
    "EducationModule",
    "ModuleVersion",
    "Packet",
    "PortalInvite",
    "Assessment",
    "SafetyPlan",
    "SafetyReview",
    "Screening",
    "AuditEvent",
    "Consent",
    "ConsentKind",
    "Disclosure",
    "consent_recipients",
    "CalendarFeed",
    "CaseSession",
    "Contact",
    "FamilyCase",
    "PhaseChange",
    "PrintedDocument",
    "ReferenceCounter",
    "RecoveryCode",
    "User",
]
