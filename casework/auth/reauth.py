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

from werkzeug.exceptions import TooManyRequests

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth import throttle
from casework.auth.passwords import verify_password


class TooManyAttempts(TooManyRequests):
    description = "Too many wrong passwords for this account. Wait a while, then try again."


def confirm_password(user, password: str | None) -> bool:
    """Whether `password` is `user`'s. Each attempt is counted by the sign-in
    throttle (casework.auth.throttle: the same counts as the sign-in page's
    password, per account from this address and per address) before the
    password is checked, so attempts sent at once cannot slip past it; a
    right password gives its count back, so only failures add up. Failures
    from other addresses do not hold up the signed-in user. A wrong password
    is audited. Raises TooManyAttempts, without checking, once the limit is
    reached (audited as well)."""
    attempt = throttle.begin("password", user.email, everywhere=False)
    if attempt.refused:
        refused = TooManyAttempts(attempt.message.replace("attempts", "wrong passwords", 1))
        refused.audit_event = record(
            Action.LOGIN_FAILED,
            actor=user,
            obj=user,
            summary="Password re-entry refused: too many attempts",
        )
        raise refused
    if password and verify_password(user.password_hash, password):
        attempt.succeeded()
        return True
    record(Action.LOGIN_FAILED, actor=user, obj=user, summary="Password re-entry failed")
    return False
