"""The one way views reach a case.

`load_case` returns the case or answers 404 for anyone who may not see it,
and audits the read. `visible_cases` is the same rule as a query filter.
"""

from flask import request
from flask_login import current_user
from sqlalchemy import false, or_, select
from werkzeug.exceptions import NotFound

from casework.audit.models import Action
from casework.audit.service import record
from casework.cases.models import FamilyCase
from casework.extensions import db


class CaseNotFound(NotFound):
    """404 for a missing case or one out of the user's reach.

    `audit_event` is the refusal's access_denied event: the error handler
    keeps it while rolling back everything else.
    """

    audit_event = None


def can_see(user, case: FamilyCase) -> bool:
    if not user.is_authenticated or not user.is_staff:
        return False
    if user.sees_every_case:
        return True
    return user.has_clinical_access and case.is_assigned_to(user)


def visible_cases(user):
    """A WHERE clause limiting a case query to what the user may see."""
    if user.sees_every_case:
        return True
    if not (user.is_staff and user.has_clinical_access):
        return false()
    return or_(
        FamilyCase.interventionist_id == user.id,
        FamilyCase.co_interventionist_id == user.id,
    )


def load_case(ref: str) -> FamilyCase:
    case = db.session.scalar(select(FamilyCase).where(FamilyCase.reference == ref))
    if case is None:
        raise CaseNotFound()
    if not can_see(current_user, case):
        error = CaseNotFound()
        error.audit_event = record(
            Action.ACCESS_DENIED, case=case, object_type="page", object_id=request.endpoint
        )
        raise error
    if request.method in ("GET", "HEAD"):
        record(Action.VIEW, case=case, object_type="page", object_id=request.endpoint)
    return case
