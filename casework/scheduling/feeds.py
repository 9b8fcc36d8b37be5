"""Calendar subscription feeds: a private URL per staff member.

The URL's token is the credential, so only its SHA-256 is stored and the URL
is shown once, when it is made; someone who lost it makes a new one. A
revoked feed, and any feed of a deactivated account, answers nothing.
"""

import secrets

from sqlalchemy import select

from casework.audit.models import Action
from casework.audit.service import record
from casework.extensions import db
from casework.scheduling.models import CalendarFeed, feed_token_hash
from casework.timeutil import utcnow


def current_feed(user) -> CalendarFeed | None:
    return db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    )


def revoke_feeds(user, **_) -> int:
    """Stop every live feed of the user; how many there were."""
    live = db.session.scalars(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    ).all()
    for feed in live:
        feed.revoked_at = utcnow()
    return len(live)


def make_feed(user) -> str:
    """A new feed for the user (any old one stops); its token, returned once."""
    revoke_feeds(user)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=feed_token_hash(token)))
    record(Action.UPDATE, obj=user, object_type="CalendarFeed", summary="Calendar feed replaced")
    return token


def stop_feed(user) -> None:
    revoke_feeds(user)
    record(Action.UPDATE, obj=user, object_type="CalendarFeed", summary="Calendar feed revoked")


def find_feed(token: str) -> CalendarFeed | None:
    """The live feed this token opens, or None: looked up by the token's hash."""
    feed = db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == feed_token_hash(token or ""),
            CalendarFeed.revoked_at.is_(None),
        )
    )
    if feed is None or not feed.user.active:
        return None
    return feed


def record_fetch(feed: CalendarFeed) -> None:
    """One event per fetch, by the feed's owner: which feed, nothing of its sessions."""
    record(
        Action.FEED_FETCH,
        actor=feed.user,
        object_type="CalendarFeed",
        object_id=feed.id,
        summary="Calendar feed fetched",
    )
