import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import db
from casework.timeutil import utcnow


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    INTERVENTIONIST = "interventionist"
    FAMILY = "family"


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.SUPERVISOR: "Supervisor",
    Role.INTERVENTIONIST: "Interventionist",
    Role.FAMILY: "Family member",
}


def holds_every_case(role: str, also_supervisor: bool) -> bool:
    return role == Role.SUPERVISOR or (role == Role.ADMIN and also_supervisor)


def clinical_level(role: str, also_supervisor: bool) -> int:
    """How much of the clinical record a role reaches: 0 none, 1 own cases, 2 every case."""
    if holds_every_case(role, also_supervisor):
        return 2
    return 1 if role == Role.INTERVENTIONIST else 0


def describe_role(role: str, also_supervisor: bool) -> str:
    label = ROLE_LABELS[Role(role)]
    return f"{label} and supervisor" if role == Role.ADMIN and also_supervisor else label


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    # An administrator may also hold clinical (supervisor) access.
    also_supervisor: Mapped[bool] = mapped_column(default=False)
    # Clinical access given from the web waits for a supervisor's confirmation
    # (casework.auth.access_requests): until then the account reaches no case.
    clinical_pending: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Changing this invalidates every cookie the user holds.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Two-factor sign-in (casework.auth.two_factor): the authenticator app's
    # secret, and the last time-step whose code was accepted, so that no
    # code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @property
    def two_factor_enrolled(self) -> bool:
        return self.totp_secret is not None and self.totp_enrolled_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role != Role.FAMILY

    @property
    def is_family(self) -> bool:
        return self.role == Role.FAMILY

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def sees_every_case(self) -> bool:
        return not self.clinical_pending and holds_every_case(self.role, self.also_supervisor)

    @property
    def has_clinical_access(self) -> bool:
        return not self.clinical_pending and clinical_level(self.role, self.also_supervisor) > 0

    @property
    def role_label(self) -> str:
        label = describe_role(self.role, self.also_supervisor)
        if self.clinical_pending and clinical_level(self.role, self.also_supervisor):
            label += " (clinical access not confirmed)"
        return label

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class KeptForm(db.Model):
    """What a user posted to a page after their session had ended, kept until
    they sign in again and come back to that page (casework.auth.kept_forms).

    One per user and page. `fields` holds the posted (name, value) pairs,
    never a password or the CSRF token. Short-lived: an entry older than
    KEPT_FORM_HOURS is never put back and is deleted.
    """

    __tablename__ = "kept_forms"
    __table_args__ = (UniqueConstraint("user_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list] = mapped_column(JSON)
    kept_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<KeptForm {self.id} user {self.user_id}>"


class RecoveryCode(db.Model):
    """One of the ten single-use codes that stand in for the authenticator
    app: only a SHA-256 of it is kept (each code is 80 random bits, so a slow
    hash adds nothing), and `used_at` is set the once it is used."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user {self.user_id}>"
