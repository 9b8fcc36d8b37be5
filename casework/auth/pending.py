"""Half-way through signing in: the password was right, the second factor
is still to come (a code, or setting up the app where it is required).

Nobody is signed in yet: the session holds only which account this is and
a fingerprint of its session token (so a password change, a reset or a
deactivation meanwhile ends it), for a few minutes. Every other page treats
the browser as signed out.
"""

import hashlib
import time

from flask import session

from casework.auth.models import User
from casework.extensions import db

KEY = "signing_in"
ENROL_SECRET = "enrol_secret"  # noqa: S105  the session key, not a secret
SECONDS = 10 * 60

CODE = "code"  # the account has an authenticator app: ask for a code
ENROL = "enrol"  # staff who must have one and do not yet: set it up now


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.session_token.encode()).hexdigest()[:24]


def start(user: User, step: str) -> None:
    session.clear()  # a fresh session for the sign-in
    session[KEY] = {"user": user.id, "token": _fingerprint(user), "step": step, "at": time.time()}


def user_for(step: str) -> User | None:
    """The account part-way through signing in at `step`, if still valid."""
    held = session.get(KEY)
    if not isinstance(held, dict) or held.get("step") != step:
        return None
    if time.time() - float(held.get("at", 0)) > SECONDS:
        return None
    user_id = held.get("user")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or held.get("token") != _fingerprint(user):
        return None
    return user
