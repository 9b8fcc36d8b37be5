"""Imports every model so the metadata is complete (Alembic, create_all)."""

from casework.audit.models import AuditEvent
from casework.auth.models import User
from casework.cases.models import Contact, FamilyCase, PhaseChange, ReferenceCounter

__all__ = ["AuditEvent", "Contact", "FamilyCase", "PhaseChange", "ReferenceCounter", "User"]
