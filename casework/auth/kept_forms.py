"""Nothing typed is lost when a session ends.

A form posted after the user's session has ended (the idle limit) does not
reach its view. Instead `keep` stores what was posted, never a password or
the CSRF token, for the account whose session it was, and the user is sent
to sign in. After they sign in, `return_url` sends them back to the page the
form was posted to (a GET of the same path), where a form built on
`casework.forms.KeptForm` fills itself from the entry (`take`) and the entry
is removed. An entry waits KEPT_FORM_HOURS; after that it is never put back.
Keeping and putting back are audited by path and field count, without any
of the text.
"""

import re
from datetime import timedelta

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.models import KeptForm
from casework.extensions import db
from casework.timeutil import utcnow

# Blueprints whose forms are never kept: sign-in, passwords, the session itself.
NEVER_KEPT_BLUEPRINTS = frozenset({"auth"})
# A field whose name (or the last part of a sub-form's name) says it holds a
# secret is never stored.
SECRET_NAME = re.compile(r"pass(word|phrase|code)|secret|token", re.IGNORECASE)
MAX_PATH = 500
MAX_KEPT_CHARACTERS = 500_000


def _cutoff():
    return utcnow() - timedelta(hours=current_app.config["KEPT_FORM_HOURS"])


def is_secret(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def keepable() -> bool:
    """Whether this request is a form post worth keeping: a POST outside the
    sign-in pages, to a path that is also a page (so there is somewhere to
    come back to)."""
    if request.method != "POST" or request.blueprint in NEVER_KEPT_BLUEPRINTS:
        return False
    if len(request.path) > MAX_PATH:
        return False
    try:
        current_app.url_map.bind_to_environ(request.environ).match(request.path, method="GET")
    except HTTPException:
        return False
    return True


def keep(user) -> KeptForm | None:
    """Store what this request posted for `user` (whose session has ended).

    The entry replaces any earlier one for the same user and page. Returns
    None, keeping nothing, when nothing but secrets or blanks was posted, or
    when it is too large."""
    fields = [
        [name, value]
        for name, value in request.form.items(multi=True)
        if not is_secret(name) and isinstance(value, str)
    ]
    if not any(value.strip() for _, value in fields):
        return None
    if sum(len(name) + len(value) for name, value in fields) > MAX_KEPT_CHARACTERS:
        return None
    forget_expired()
    entry = db.session.scalar(
        select(KeptForm).where(KeptForm.user_id == user.id, KeptForm.path == request.path)
    )
    if entry is None:
        entry = KeptForm(user_id=user.id, path=request.path)
        db.session.add(entry)
    entry.fields = fields
    entry.kept_at = utcnow()
    db.session.flush()
    record(
        Action.CREATE,
        actor=user,
        obj=entry,
        summary=f"Form kept after the session ended: {request.path} ({len(fields)} fields)",
    )
    return entry


def forget_expired() -> None:
    """Delete every entry older than KEPT_FORM_HOURS (anyone's)."""
    db.session.execute(delete(KeptForm).where(KeptForm.kept_at < _cutoff()))


def return_url(user) -> str | None:
    """The page `user` was on when their session ended with a form kept, if
    any is waiting (the newest); where sign-in sends them."""
    forget_expired()
    path = db.session.scalar(
        select(KeptForm.path)
        .where(KeptForm.user_id == user.id, KeptForm.kept_at >= _cutoff())
        .order_by(KeptForm.kept_at.desc(), KeptForm.id.desc())
        .limit(1)
    )
    return request.script_root + path if path else None


def _belongs_to(form, names) -> bool:
    own = [field.name for field in form]
    return any(name == mine or name.startswith(mine + "-") for name in names for mine in own)


def take(form) -> MultiDict | None:
    """On a GET, the kept entry for the signed-in user and this page, as form
    data for `form`, removing the entry; None when there is none (or it has
    expired, or its fields are not this form's). The first form on the page
    whose fields it matches takes it."""
    if request.method != "GET" or not current_user.is_authenticated or g.get("kept_form_taken"):
        return None
    entry = db.session.scalar(
        select(KeptForm).where(KeptForm.user_id == current_user.id, KeptForm.path == request.path)
    )
    if entry is None:
        return None
    if entry.kept_at < _cutoff():
        db.session.delete(entry)
        return None
    if not _belongs_to(form, [name for name, _ in entry.fields]):
        return None
    g.kept_form_taken = True
    record(
        Action.VIEW,
        obj=entry,
        summary=f"Kept form put back after sign-in: {entry.path} ({len(entry.fields)} fields)",
    )
    db.session.delete(entry)
    return MultiDict([(name, value) for name, value in entry.fields])
