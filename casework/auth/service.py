from sqlalchemy import func, select

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth import signals
from casework.auth.models import Role, User
from casework.auth.passwords import burn_time, hash_password, verify_password
from casework.extensions import db
from casework.timeutil import utcnow


class EmailTaken(ValueError):
    pass


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_password(email: str, password: str) -> User | None:
    """The active user these credentials belong to, or None (audited).

    Exactly one argon2 verification either way: an unknown account's against
    the dummy hash, a deactivated account's against its own, so a refusal
    takes as long whatever the reason."""
    user = find_by_email(email)
    if user is None:
        burn_time(password)
        right = False
    else:
        right = verify_password(user.password_hash, password)
    if user is None or not user.active or not right:
        record(
            Action.LOGIN_FAILED,
            actor=user,
            object_type="User",
            object_id=user.id if user else None,
            summary=f"Failed sign-in as {email[:254]}",
        )
        return None
    return user


def signed_in(user: User, summary: str | None = None) -> None:
    """Record a completed sign-in (after the second factor, where there is one)."""
    user.last_login_at = utcnow()
    record(Action.LOGIN, actor=user, obj=user, summary=summary)


def authenticate(email: str, password: str) -> User | None:
    """The active user these credentials belong to, signed in; or None."""
    user = check_password(email, password)
    if user is not None:
        signed_in(user)
    return user


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    also_supervisor: bool = False,
    phone: str | None = None,
    actor=None,
) -> User:
    if find_by_email(email):
        raise EmailTaken("An account with that email already exists.")
    user = User(
        email=email.strip().lower(),
        name=name,
        role=role,
        also_supervisor=also_supervisor and role == "admin",
        phone=phone,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record(Action.CREATE, actor=actor, obj=user, summary=f"Account created for {user.email}")
    return user


def set_password(user: User, password: str, actor=None) -> None:
    user.password_hash = hash_password(password)
    user.rotate_session_token()
    record(Action.UPDATE, actor=actor, obj=user, summary=f"Password changed for {user.email}")


def set_active(user: User, active: bool, actor=None) -> None:
    user.active = active
    user.rotate_session_token()
    if not active:  # its calendar feed, its portal invitations: see auth/signals.py
        signals.account_deactivated.send(user)
    record(
        Action.UPDATE,
        actor=actor,
        obj=user,
        summary=f"Account {'reactivated' if active else 'deactivated'}: {user.email}",
    )


# ---- family portal accounts (made and reopened from a portal invitation) ----------


def create_family_account(*, email: str, name: str, password: str) -> User:
    """A family member's portal account. Raises EmailTaken like `create_user`."""
    return create_user(email=email, name=name, role=Role.FAMILY.value, password=password)


def reopen_family_account(user: User, password: str) -> None:
    """A family member sets a new password from an invitation: the account is
    active again, and every other session it had ends. Never a staff account."""
    if not user.is_family:
        raise ValueError("Only a family account is reopened from an invitation.")
    set_password(user, password, actor=user)
    user.active = True
