"""Two-factor sign-in: a TOTP authenticator app (RFC 6238, 30-second
codes of six digits) and ten single-use recovery codes.

A code is accepted for the current time-step or the one either side (a
phone's clock drifts), and only for a step later than the last one
accepted: the update that records the step is also the check, so the same
code sent twice at once is still accepted once. Recovery codes are kept as
SHA-256 hashes and spent the same way, by an update that finds them unused.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, or_, select, update

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.models import RecoveryCode, User
from casework.extensions import db
from casework.timeutil import utcnow

STEP_SECONDS = 30
RECOVERY_CODES = 10
# Recovery codes: 16 characters from an alphabet without look-alikes (about
# 79 bits), shown in four groups of four.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """What the QR code holds: the otpauth:// address authenticator apps read."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["PRACTICE_NAME"]
    )


def qr_code(uri: str) -> str:
    """The QR code as an SVG `data:` URI for an <img> (no script, and the
    Content-Security-Policy allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time-step (of now and the one either side) whose code this is."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = current_step(now)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def looks_like_totp(code: str) -> bool:
    return "".join(code.split()).isdigit()


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(c)) for c in codes
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


# ---- enrolment ---------------------------------------------------------------------


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Set up the authenticator app once the user shows a code from it. Returns
    the new recovery codes (to show once), or None if the code is not right."""
    step = matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_enrolled_at = utcnow()
    user.totp_last_step = step  # the code that enrolled cannot also sign in
    codes = _replace_recovery_codes(user)
    record(
        Action.TWO_FACTOR_ENROL,
        actor=user,
        obj=user,
        summary=f"Two-factor sign-in set up for {user.email}",
    )
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    codes = _replace_recovery_codes(user)
    record(
        Action.TWO_FACTOR_ENROL,
        actor=user,
        obj=user,
        summary=f"New recovery codes made for {user.email}",
    )
    return codes


def reset(user: User, actor: User) -> None:
    """An administrator clears the user's second factor: the app's secret and
    every recovery code go, the user is signed out everywhere, and must set
    it up again at their next sign-in (where it is required)."""
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.rotate_session_token()
    record(
        Action.TWO_FACTOR_RESET,
        actor=actor,
        obj=user,
        summary=f"Two-factor sign-in reset for {user.email}",
    )


def enrol_with_known_secret(user: User, secret: str) -> None:
    """The demo practice's staff, enrolled with the secret the README prints
    (no recovery codes: the demo's code source is `flask demo-code`)."""
    user.totp_secret = secret
    user.totp_enrolled_at = utcnow()


# ---- using a code ------------------------------------------------------------------

ACCEPTED_APP = "app"
ACCEPTED_RECOVERY = "recovery"
WRONG = "wrong"
REPLAYED = "replayed"
FAILURE_SUMMARY = {
    WRONG: "Wrong two-factor code",
    REPLAYED: "Two-factor code refused: already used",
}


def check(user: User, code: str) -> str:
    """Whether `code` (from the app, or a recovery code) lets `user` in:
    ACCEPTED_APP, ACCEPTED_RECOVERY, WRONG or REPLAYED. Spends what it accepts."""
    if not user.two_factor_enrolled or not code or len(code) > 64:
        return WRONG
    if looks_like_totp(code):
        step = matching_step(user.totp_secret, code)
        if step is None:
            return WRONG
        took = db.session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(User.totp_last_step.is_(None), User.totp_last_step < step),
            )
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        if took.rowcount != 1:
            return REPLAYED
        user.totp_last_step = step
        return ACCEPTED_APP
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return ACCEPTED_RECOVERY if spent.rowcount == 1 else WRONG
