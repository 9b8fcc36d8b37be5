"""Times are stored in UTC and shown in the practice's time zone.

Everything that stamps a time asks `utcnow()` (or `local_today()`), so a
`frozen_clock(when)` block can date what the services write: the demo practice
replays its history that way, and tests can stand at a chosen moment.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app

# The moment the clock is held at (naive UTC), or None for the real time.
_frozen_at: ContextVar[datetime | None] = ContextVar("casework_frozen_clock", default=None)


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def utcnow() -> datetime:
    """Naive UTC, the form every timestamp column stores."""
    frozen = _frozen_at.get()
    if frozen is not None:
        return frozen
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def frozen_clock(at: datetime) -> Iterator[datetime]:
    """Within the block, `utcnow()` answers `at` and `local_today()` its local day.

    `at` is naive UTC (or aware, and converted). Column defaults such as
    `default=utcnow` run when the session flushes: flush inside the block.
    """
    token = _frozen_at.set(_naive_utc(at))
    try:
        yield _frozen_at.get()
    finally:
        _frozen_at.reset(token)


def practice_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["PRACTICE_TIMEZONE"])


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(practice_zone())


def format_local(value: datetime | None, fmt: str = "%b %-d, %Y %-I:%M %p") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""


def local_to_utc(day, time) -> datetime:
    """A wall-clock date and time in the practice's zone, as naive UTC."""
    local = datetime.combine(day, time, tzinfo=practice_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def local_today():
    """Today in the practice's zone (by the frozen clock when one is set)."""
    return to_local(utcnow()).date()
