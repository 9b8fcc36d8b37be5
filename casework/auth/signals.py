"""What accounts tell the rest of the app, without auth knowing any area.

`account_deactivated` is sent with the user when an account is switched off,
inside the request's transaction. An area that gives an account something
that works without signing in (a calendar feed, a portal invitation)
connects a receiver that withdraws it, in its own `init_app`.
"""

from blinker import Namespace

_signals = Namespace()

account_deactivated = _signals.signal("account-deactivated")
