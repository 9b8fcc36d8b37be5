"""Error pages: a plain message, never a stack trace."""

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from casework.extensions import db

MESSAGES = {
    400: (
        "Something in that request was not right",
        "Go back, check what you entered and try again.",
    ),
    403: (
        "You do not have access to this page",
        "If you think you should, ask your practice administrator.",
    ),
    404: ("We could not find that page", "It may have moved, or it is not yours to see."),
    405: ("That action is not available here", "Go back and use the page's own buttons."),
    409: ("Someone else changed this first", "Reload the page to see the latest version."),
    413: ("That was too large to accept", "Send something smaller."),
    422: ("Some of that could not be saved", "Go back and correct the fields marked."),
    429: ("Too many attempts", "Wait a few minutes before trying again."),
    500: (
        "Something went wrong on our side",
        "Nothing was saved. Please try again; if it keeps happening, tell your administrator.",
    ),
}


def render_error(code: int, detail: str | None = None):
    title, advice = MESSAGES.get(code, MESSAGES[500])
    if request.accept_mimetypes.best == "application/json":
        return {"error": title}, code
    return render_template(
        "errors/error.html", code=code, title=title, advice=detail or advice
    ), code


def handle_http_error(error: HTTPException):
    db.session.rollback()  # nothing the request did before the refusal is kept...
    kept = getattr(error, "audit_event", None)
    if kept is not None:
        db.session.add(kept)  # ...except the refusal's own audit event
    # abort(code, description=...) words its own advice; the stock one gets ours.
    told = error.description if error.description != type(error).description else None
    return render_error(error.code or 500, told)


def handle_csrf_error(error: CSRFError):
    db.session.rollback()
    return render_error(
        400,
        "The form had expired or did not come from this site. "
        "Go back, reload the page and try again.",
    )


def handle_unexpected(error: Exception):
    db.session.rollback()
    return render_error(500)


def register(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
