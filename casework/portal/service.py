"""Writes for the portal: invitations, and a family member's account from one.

Each function adds its audit event; the request's transaction commits.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth import service as accounts
from casework.auth.models import User
from casework.cases.models import Contact
from casework.extensions import db
from casework.portal.models import PortalInvite
from casework.timeutil import utcnow

INVITE_HOURS = 72


class InviteError(ValueError):
    """The link cannot be used; the message says what to do."""


class InviteGone(InviteError):
    """A link that did exist, but is used, expired or withdrawn."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(case, user, contact) -> str:
    """A new single-use token for the contact (returned once, stored hashed)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    for old in db.session.scalars(
        select(PortalInvite).where(
            PortalInvite.contact_id == contact.id, PortalInvite.used_at.is_(None)
        )
    ):
        old.expires_at = min(old.expires_at, now)  # one live link at a time
    db.session.add(
        PortalInvite(
            contact_id=contact.id,
            token_hash=_digest(token),
            created_by_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=INVITE_HOURS),
        )
    )
    record(
        Action.CREATE,
        case=case,
        obj=contact,
        object_type="PortalInvite",
        summary=f"Portal invitation made for {contact.name}",
    )
    return token


def withdraw_invites(user, **_) -> None:
    """A deactivated family account's unused links stop working (sent from
    auth's set_active): a link must never switch an account back on."""
    now = utcnow()
    for found in db.session.scalars(
        select(PortalInvite)
        .join(Contact, Contact.id == PortalInvite.contact_id)
        .where(
            Contact.user_id == user.id,
            PortalInvite.used_at.is_(None),
            PortalInvite.expires_at > now,
        )
    ):
        found.expires_at = now


def _switched_off(contact) -> bool:
    """The contact's portal account exists and was deactivated."""
    if contact.user_id is None:
        return False
    user = db.session.get(User, contact.user_id)
    return user is not None and not user.active


def find_invite(token: str) -> PortalInvite:
    found = db.session.scalar(
        select(PortalInvite).where(PortalInvite.token_hash == _digest(token or ""))
    )
    if found is None:
        raise InviteError("This link is not valid.")
    if found.used_at is not None:
        raise InviteGone("This link has already been used.")
    if found.contact.archived_at is not None or _switched_off(found.contact):
        raise InviteGone("This link is no longer valid.")
    if found.expires_at <= utcnow():
        raise InviteGone("This link has expired.")
    return found


def accept_invite(found: PortalInvite, password: str) -> User:
    contact = found.contact
    # Claim the link in one statement, so two submissions at once cannot both use it.
    claimed = db.session.execute(
        update(PortalInvite)
        .where(PortalInvite.id == found.id, PortalInvite.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if claimed != 1:
        raise InviteGone("This link has already been used.")
    user = db.session.get(User, contact.user_id) if contact.user_id else None
    if user is None:
        if not contact.email:
            raise InviteError(
                "This invitation has no email address to sign in with. Ask "
                "your interventionist for a new link."
            )
        try:
            user = accounts.create_family_account(
                email=contact.email, name=contact.name, password=password
            )
        except accounts.EmailTaken as taken:
            raise InviteError(
                "An account already uses this email. Ask your interventionist for help."
            ) from taken
        contact.user_id = user.id
    elif not user.active:  # switched off since the link was checked
        raise InviteGone("This link is no longer valid.")
    else:
        try:
            accounts.reopen_family_account(user, password)
        except ValueError as refused:  # a staff account is never reset from a link
            raise InviteError(
                "This link cannot set a password for this account. Ask your "
                "interventionist for help."
            ) from refused
    record(
        Action.UPDATE,
        case=contact.case,
        obj=contact,
        actor=user,
        summary=f"{contact.name} accepted the portal invitation",
    )
    return user
