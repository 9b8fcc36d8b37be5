"""The one way views reach a case.

`load_case` returns the case or answers 404 for anyone who may not see it,
and audits the read. `load_child` returns one record of that case (a session,
a contact, a packet...) or answers 404. `visible_cases` is the same rule as a
query filter.
"""

from collections.abc import Sequence

from flask import abort, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import BigInteger, Integer, SmallInteger, false, or_, select
from werkzeug.exceptions import NotFound

from casework.audit.models import Action
from casework.audit.service import record
from casework.cases import break_glass
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
    if not user.has_clinical_access:
        return False
    return case.is_assigned_to(user) or break_glass_grant(user, case) is not None


def break_glass_grant(user, case: FamilyCase):
    """The user's running break-glass grant on the case, if any: looked up once
    a request, and kept for the banner on the case's pages."""
    if not has_request_context():
        return break_glass.active_grant(user, case)
    grants = g.setdefault("break_glass_grants", {})
    if case.id not in grants:
        grants[case.id] = break_glass.active_grant(user, case)
    return grants[case.id]


def break_the_glass(ref: str, reason: str):
    """Open a case outside the signed-in interventionist's reach for an hour
    (casework.cases.break_glass), for the reason they give. Returns the case and
    the grant running on it (None when the case is theirs already), or None
    when no case has that reference."""
    case = db.session.scalar(select(FamilyCase).where(FamilyCase.reference == ref))
    if case is None:
        return None
    if case.is_assigned_to(current_user):
        return case, None
    grant = break_glass_grant(current_user, case)
    if grant is None:
        grant = break_glass.grant(current_user, case, reason)
        g.setdefault("break_glass_grants", {})[case.id] = grant
    return case, grant


def visible_cases(user):
    """A WHERE clause limiting a case query to what the user may see."""
    if user.sees_every_case:
        return True
    if not (user.is_staff and user.has_clinical_access):
        return false()
    return or_(
        FamilyCase.interventionist_id == user.id,
        FamilyCase.co_interventionist_id == user.id,
        FamilyCase.id.in_(break_glass.granted_cases(user)),
    )


def load_case(ref: str, *, record_view: bool = True, options: Sequence = ()) -> FamilyCase:
    """The case, its read audited. `record_view=False` is for a page about one
    record of the case (a note), which records its own view naming that
    record: `record(Action.VIEW, case=case, obj=note)`. `options` are loader
    options for a view that needs less of the case than its usual eager loads
    (e.g. `lazyload(FamilyCase.contacts)`)."""
    case = db.session.scalar(
        select(FamilyCase).where(FamilyCase.reference == ref).options(*options)
    )
    if case is None:
        raise CaseNotFound()
    if not can_see(current_user, case):
        error = CaseNotFound()
        error.audit_event = record(
            Action.ACCESS_DENIED, case=case, object_type="page", object_id=request.endpoint
        )
        raise error
    if record_view and request.method in ("GET", "HEAD"):
        record(Action.VIEW, case=case, object_type="page", object_id=request.endpoint)
    return case


def fits_column(column, value: int) -> bool:
    """Whether a whole number from a URL can be a key in `column`: at least 1
    and within what the column's type holds on this database. Checked before
    querying, since an out-of-range literal is an error on PostgreSQL (integer
    is 32-bit there) and on SQLite (beyond 64 bits), not an empty result."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    column_type = getattr(column, "type", None)
    if db.session.get_bind().dialect.name == "sqlite":
        bits = 64  # every SQLite INTEGER is 64-bit
    elif isinstance(column_type, SmallInteger):
        bits = 16
    elif isinstance(column_type, BigInteger) or not isinstance(column_type, Integer):
        bits = 64
    else:
        bits = 32
    return 1 <= value < 2 ** (bits - 1)


def load_child(
    case: FamilyCase, model, id: int | None = None, /, *, options: Sequence = (), **filters
):
    """The `model` record of `case` (by its `id`, and/or by `filters`), or 404.

    404 too for a record of another case, and for an id or number out of the
    column's range (0, negative, 2**63...). A filter of None means "IS NULL",
    e.g. `load_child(case, Contact, contact_id, archived_at=None)`; whole-number
    filters are range-checked like the id, e.g.
    `load_child(case, Assessment, number=number)`. `options` are loader
    options, as for `load_case`.
    """
    if id is not None:
        filters = {"id": id, **filters}
    if not filters:
        raise TypeError("load_child needs an id or a filter")
    conditions = [model.case_id == case.id]
    for name, value in filters.items():
        column = getattr(model, name)
        if value is None:
            conditions.append(column.is_(None))
            continue
        if type(value) is int and not fits_column(column, value):
            abort(404)
        conditions.append(column == value)
    found = db.session.scalar(select(model).where(*conditions).options(*options))
    if found is None:
        abort(404)
    return found
