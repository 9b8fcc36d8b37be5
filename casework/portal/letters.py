"""A family member's own writing on their part of the intervention: the
letter (with the version it was loaded with), the bottom line and the
enabling commitments. The rules are the intervention service's; this adds
the portal's guard against a stale tab. Nothing here commits."""

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from casework.domain import intervention as rules
from casework.extensions import db
from casework.intervention import service as intervention
from casework.intervention.models import TeamMember


class LetterLocked(Exception):
    """The letter is with staff or final: the member cannot change it now."""


class LetterStale(Exception):
    """The letter changed since the member's page was loaded (another tab,
    or staff writing with them)."""


LOCKED_MESSAGES = {
    "shared": (
        "Your letter is with your interventionist for review, so it cannot be "
        "changed right now. When they send it back, you can edit it again. "
        "What you typed is still in the box below."
    ),
    "final": (
        "Your letter is final, so it is locked. If you want to change something, "
        "please call your interventionist: they can open it again for you. "
        "What you typed is still in the box below."
    ),
}


def write_own_letter(case, member: TeamMember, body: str, version: str, share: bool, actor):
    """Save what the member typed, and send it for review if asked.

    Raises LetterLocked while staff review it or once it is final,
    LetterStale when it changed since the page was loaded, and the
    service's LetterRuleError for a step the rules refuse (sharing an
    empty letter)."""
    letter = member.letter
    status = letter.status if letter is not None else "draft"
    if not rules.letter_editable(status):
        raise LetterLocked(LOCKED_MESSAGES.get(status, LOCKED_MESSAGES["shared"]))
    loaded = str(letter.version) if letter is not None else ""
    if (version or "") != loaded:
        raise LetterStale()
    try:
        intervention.save_letter(case, member, body, actor)
        if share:
            intervention.share_letter(case, member, actor)
        db.session.flush()
    except (StaleDataError, IntegrityError) as changed:
        # Someone saved it between this page's read and its write.
        db.session.rollback()
        raise LetterStale() from changed


def write_own_bottom_line(case, member: TeamMember, text: str) -> None:
    intervention.set_bottom_line(case, member, text)


def write_own_commitments(case, member: TeamMember, behaviours: list[str], own_words: str) -> None:
    """What the member will stop doing. Words of their own tick "something
    else" for them."""
    chosen = list(behaviours)
    if (own_words or "").strip() and "other" not in chosen:
        chosen.append("other")
    intervention.set_commitments(case, member, chosen, own_words)
