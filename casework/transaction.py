"""The one owner of each request's transaction.

A view, helper or service only adds its changes (and their audit events) to
the session. When the request ends with a response below 500 they are
committed here, together; an error rolls everything back (the error
handlers roll back before answering, and a raised exception that reaches no
handler is rolled back when the session is removed). Nothing else commits,
apart from the command line, which owns its own unit of work.
"""

from flask import Flask, Response, abort
from sqlalchemy.orm.exc import StaleDataError

from casework.extensions import db


def commit_request(response: Response) -> Response:
    if response.status_code >= 500:
        db.session.rollback()
    else:
        # A failure here (a constraint, a stale version) becomes a 500 through
        # the error handlers, which roll back: nothing is half-saved.
        db.session.commit()
    return response


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
