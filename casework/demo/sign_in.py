"""How a newcomer gets past two-factor sign-in in the demo practice.

Every demo staff account is enrolled with this one authenticator secret,
printed by `make run` and in the README: add it to an authenticator app, or
ask `flask --app casework demo-code` for the code it shows now. It is
public, so it belongs to the demo's fictional accounts and nowhere else.
"""

import time

import pyotp

DEMO_TOTP_SECRET = "CASEWORKDEMOCASEWORKDEMOCASEWORK"  # noqa: S105  public, demo only


def current_code(now: float | None = None) -> tuple[str, int]:
    """The demo code at `now`, and the seconds it stays valid."""
    now = time.time() if now is None else now
    return pyotp.TOTP(DEMO_TOTP_SECRET).at(now), 30 - int(now) % 30
