"""Throttling of everything that checks a secret: the sign-in password, the
password re-entered to change it or to sign a note, and two-factor codes.

    attempt = throttle.begin("password", email)
    if attempt.refused:
        ...  # 429, audited by the caller; nothing was checked
    ok = verify(...)
    if ok:
        attempt.succeeded()  # a right answer gives its count back

Each attempt is counted *before* the secret is checked, with the store's
atomic increment, so attempts sent at once cannot slip past the limit: of a
hundred sent together, only those that found the count under the limit are
checked. The store is RATELIMIT_STORAGE_URI: memory counts for this process
only, so several workers need Redis (`init_app` refuses memory then).

Three counts, so that no one can lock another person out:

- per address, every kind of attempt together (LOGIN_LIMIT_PER_ADDRESS);
- per account *from one address* (LOGIN_LIMIT_PER_ACCOUNT): an attacker's
  guesses use up their own address's allowance for that account, not the
  account owner's;
- per account from every address (LOGIN_ACCOUNT_SLOWDOWN_AFTER), against
  guesses spread over many addresses: past it each attempt must wait for the
  one before, the wait doubling up to LOGIN_ACCOUNT_MAX_DELAY_SECONDS. That
  is a slowdown, not a lock; and for an account with two-factor sign-in, the
  sign-in page then takes the password and a code together, which passes
  it (casework.auth.views), so the owner is never shut out.
"""

import logging
import math
import os
import threading
import time
from dataclasses import dataclass, field

from flask import current_app, request
from limits import parse
from limits.storage import MemoryStorage, Storage, storage_from_string

EXTENSION = "casework.throttle"
log = logging.getLogger("casework.throttle")
# limits' memory storage adds under a lock but reads the total back after
# letting go of it, so two threads can both see the later total; counting
# in memory takes this lock around the pair. (Redis adds and reads in one
# script, atomically for every worker.)
_memory_lock = threading.Lock()


def worker_count() -> int:
    """How many processes serve the app: gunicorn.conf.py says so in
    CASEWORK_WORKERS; hosts that run several set WEB_CONCURRENCY."""
    for name in ("CASEWORK_WORKERS", "WEB_CONCURRENCY"):
        value = os.environ.get(name, "").strip()
        if value.isdigit():
            return int(value)
    return 1


def describe(uri: str) -> str:
    if uri.startswith("memory://"):
        return "this process's memory"
    scheme, _, rest = uri.partition("://")
    host = rest.rpartition("@")[2]  # never a password from the URI in a log
    return f"{scheme}://{host}"


def _say(level: int, message: str, *args) -> None:
    """Log at start-up where it is seen: to stderr when nothing else (a test
    run, a server's own logging) has set up logging."""
    if not log.handlers and not logging.getLogger().handlers:
        log.addHandler(logging.StreamHandler())
        log.setLevel(logging.INFO)
    log.log(level, message, *args)


def init_app(app) -> None:
    """Say at start-up where the counts live; refuse memory with several workers."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    workers = worker_count()
    if not app.config.get("RATELIMIT_ENABLED", True):
        if not app.testing:
            _say(logging.WARNING, "Sign-in throttling is OFF (RATELIMIT_ENABLED is false).")
        return
    if uri.startswith("memory://"):
        if workers > 1:
            raise RuntimeError(
                f"{workers} workers would each count sign-in attempts in their own memory, "
                "multiplying every limit. Set RATELIMIT_STORAGE_URI=redis://host:6379 "
                "(or run one worker)."
            )
        _say(logging.INFO, "Sign-in throttling counts in %s (one worker).", describe(uri))
    else:
        _say(
            logging.INFO, "Sign-in throttling counts in %s, shared by every worker.", describe(uri)
        )


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def storage() -> Storage:
    """The app's store, made when first needed."""
    extensions = current_app.extensions
    if EXTENSION not in extensions:
        with _memory_lock:  # one store, however many requests come first at once
            if EXTENSION not in extensions:
                extensions[EXTENSION] = storage_from_string(
                    current_app.config["RATELIMIT_STORAGE_URI"],
                    **current_app.config.get("RATELIMIT_STORAGE_OPTIONS", {}),
                )
    return extensions[EXTENSION]


def _prefix() -> str:
    return current_app.config.get("THROTTLE_KEY_PREFIX", "casework")


@dataclass
class Attempt:
    """One counted attempt. `refused` is None, "address" or "account"."""

    counted: list[tuple[str, int]] = field(default_factory=list)
    refused: str | None = None
    wait_seconds: int = 0

    def succeeded(self) -> None:
        """A right answer does not count against anyone."""
        _give_back(self.counted)
        self.counted = []

    @property
    def wait_minutes(self) -> int:
        return max(1, math.ceil(self.wait_seconds / 60))

    @property
    def message(self) -> str:
        whose = "from this address" if self.refused == "address" else "for this account"
        if self.wait_seconds < 60:
            wait = f"{self.wait_seconds} second{'' if self.wait_seconds == 1 else 's'}"
        else:
            wait = f"{self.wait_minutes} minutes"
        return f"Too many attempts {whose}. Wait {wait}, then try again."


def _incr(key: str, expiry: int, amount: int = 1) -> int:
    """Add `amount` and return the new total, atomically."""
    store = storage()
    if isinstance(store, MemoryStorage):
        with _memory_lock:
            return store.incr(key, expiry, amount=amount)
    return store.incr(key, expiry, amount=amount)


def _give_back(counted) -> None:
    for key, expiry in counted:
        _incr(key, expiry, amount=-1)


def _seconds_left(key: str) -> int:
    return max(1, math.ceil(storage().get_expiry(key) - time.time()))


def begin(scope: str, account: str, *, everywhere: bool = True) -> Attempt:
    """Count an attempt at `scope` ("password", "code") for `account` (the
    email as typed, lower-cased: unknown accounts are counted like real
    ones) from the request's address. `everywhere=False` leaves out the
    account's count from every address: for a password re-entered by someone
    already signed in, whom other addresses' failures must not hold up."""
    if not _enabled():
        return Attempt()
    config = current_app.config
    address = request.remote_addr or "unknown"
    account = account.strip().lower()[:254]
    checks = [
        ("address", f"{_prefix()}:address:{address}", config["LOGIN_LIMIT_PER_ADDRESS"]),
        (
            "account",
            f"{_prefix()}:{scope}:account:{account}:from:{address}",
            config["LOGIN_LIMIT_PER_ACCOUNT"],
        ),
    ]
    attempt = Attempt()
    for kind, key, limit in checks:
        item = parse(limit)
        expiry = int(item.get_expiry())
        count = _incr(key, expiry)
        attempt.counted.append((key, expiry))
        if count > item.amount:
            return _refuse(attempt, kind, _seconds_left(key))
    if everywhere:
        item = parse(config["LOGIN_ACCOUNT_SLOWDOWN_AFTER"])
        key = f"{_prefix()}:{scope}:account:{account}"
        expiry = int(item.get_expiry())
        count = _incr(key, expiry)
        attempt.counted.append((key, expiry))
        if count > item.amount:
            # Past the allowance each attempt takes the slot and holds it for
            # a wait that doubles; whoever comes while it is held waits.
            delay = min(2 ** (count - item.amount - 1), config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"])
            slot = key + ":slot"
            if _incr(slot, int(delay)) != 1:
                return _refuse(attempt, "account", _seconds_left(slot))
    return attempt


def _refuse(attempt: Attempt, kind: str, wait: int) -> Attempt:
    # A refused attempt was never checked, so it does not count either.
    _give_back(attempt.counted)
    return Attempt(refused=kind, wait_seconds=wait)
