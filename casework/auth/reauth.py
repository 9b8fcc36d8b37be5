"""Re-entering one's password to confirm an act (changing the password,
signing a note), throttled like sign-in.

    from casework.auth.reauth import TooManyAttempts, confirm_password

    try:
        ok = confirm_password(current_user, form.password.data)
    except TooManyAttempts as refused:
        form.password.errors = [refused.description]
        return render_template(...), 429
    if not ok:
        form.password.errors = ["That is not your password."]

`TooManyAttempts` is a werkzeug `TooManyRequests`: left uncaught it becomes
the app's own 429 page ("Too many attempts"), its audit event kept.
"""

from flask import current_app
from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.passwords import verify_password
from casework.extensions import limiter


class TooManyAttempts(TooManyRequests):
    description = "Too many wrong passwords for this account. Wait a while, then try again."


def _limit() -> RateLimitItem:
    return parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


def _throttled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True) and limiter.enabled)


def confirm_password(user, password: str | None) -> bool:
    """Whether `password` is `user`'s. Each attempt counts against the same
    per-account limit as sign-in (LOGIN_LIMIT_PER_ACCOUNT, its own count)
    before the password is checked, so attempts sent at once cannot slip past
    it; a right password gives its count back, so only failures add up.
    A wrong password is audited. Raises TooManyAttempts, without checking,
    once the limit is reached (audited as well)."""
    item = _limit()
    key = ("reauth-account", str(user.id))
    if _throttled() and not limiter.limiter.hit(item, *key):
        minutes = max(1, round(item.get_expiry() / 60))
        refused = TooManyAttempts(
            f"Too many wrong passwords for this account. Wait {minutes} minutes, then try again."
        )
        refused.audit_event = record(
            Action.LOGIN_FAILED,
            actor=user,
            obj=user,
            summary="Password re-entry refused: too many attempts",
        )
        raise refused
    if password and verify_password(user.password_hash, password):
        if _throttled() and isinstance(limiter.limiter, FixedWindowRateLimiter):
            limiter.limiter.hit(item, *key, cost=-1)  # a success does not count
        return True
    record(Action.LOGIN_FAILED, actor=user, obj=user, summary="Password re-entry failed")
    return False
