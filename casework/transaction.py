"""The one owner of each request's transaction.

A view, helper or service only adds its changes (and their audit events) to
the session. When the request ends with a response below 500 they are
committed here, together; an error rolls everything back (the error
handlers roll back before answering, and a raised exception that reaches no
handler is rolled back when the session is removed). Nothing else commits,
apart from the command line, which owns its own unit of work.

Two people acting on the same record at once is a conflict, not a failure:
a stale version or a duplicate row (two sends of the same new record), met
while the view runs or only at the commit, answers 409 and saves nothing.
"""

import logging

from flask import Flask, Response, abort, current_app, request, session
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from casework.errors import render_error
from casework.extensions import db

log = logging.getLogger(__name__)

CONFLICT = (
    "Someone else changed this at the same moment, so nothing you sent was saved. "
    "Reload the page to see the latest version, then make your change again."
)

# A row that exists already: PostgreSQL's unique_violation, SQLite's unique
# and primary key constraints.
_DUPLICATE_CODES = {"23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


# What a view catches around a write it wants to answer with its own form
# (the typing kept): `except CONFLICTS as error: roll_back_conflict(error)`.
CONFLICTS = (StaleDataError, IntegrityError)


def is_conflict(error: Exception) -> bool:
    """A stale version, or a row someone else has just added."""
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, IntegrityError):
        orig = error.orig
        code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
        return code in _DUPLICATE_CODES
    return False


def _conflict_response(error: Exception) -> Response:
    db.session.rollback()
    session.pop("_flashes", None)  # a "saved" message queued before the failure is untrue
    # The kind of failure and where: never the statement or its values.
    log.info("409 conflict at %s: %s", request.endpoint, type(error).__name__)
    return current_app.make_response(render_error(409, CONFLICT))


def commit_request(response: Response) -> Response:
    if response.status_code >= 500:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except CONFLICTS as error:
        if not is_conflict(error):
            raise  # a fault, not a race: the error handlers answer 500
        return _conflict_response(error)
    return response


def roll_back_conflict(error: Exception) -> None:
    """Roll back a conflict, for the view to answer 409 with its form;
    anything else (a fault, not a race) is raised again."""
    if not is_conflict(error):
        raise error
    db.session.rollback()


def handle_conflict(error: Exception):
    """A stale version or a duplicate met while the view ran (a flush)."""
    if not is_conflict(error):
        raise error
    return _conflict_response(error)


def flush_or_conflict(
    message: str = "Someone else changed this a moment ago. Reload the page.",
) -> None:
    """Write the request's changes now, so that a record someone else changed
    a moment ago (a stale version) is a 409 with `message` here, rather than
    a failed commit at the end of the request."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        abort(409, description=message)


def register(app: Flask) -> None:
    # Registered before any other after_request hook, so it runs last, once
    # every other hook has had its say.
    app.after_request_funcs.setdefault(None, []).insert(0, commit_request)
    app.register_error_handler(StaleDataError, handle_conflict)
    app.register_error_handler(IntegrityError, handle_conflict)
