"""Times are stored in UTC and shown in the practice's time zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Naive UTC, the form every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


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
    return datetime.now(practice_zone()).date()
