"""Consents to disclose and the accounting of disclosures (42 CFR Part 2).

Every element of 42 CFR 2.31 has a column: the patient (`subject_contact_id`:
the loved one when empty, else the family member whose own information it
is), who may disclose (`discloser`), to whom (named family members in
`recipients`, and/or `recipient_class` such as "my treating providers"), the
purpose, how much and what kind (`scopes`, `information`), the expiry
(`expires_on` or `expiry_event`), the right to revoke and how (the
`revocation_statement` as it was printed or shown), and the signature and its
date (`signed_name`, `signed_at`, with how it was signed).
"""

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.domain import consent as rules
from casework.extensions import db
from casework.timeutil import utcnow

consent_recipients = Table(
    "consent_recipients",
    db.metadata,
    Column("consent_id", ForeignKey("consents.id"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), primary_key=True),
)


class ConsentKind(db.Model):
    """A kind of consent: the two the practice starts with, and any it adds."""

    __tablename__ = "consent_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    default_purpose: Mapped[str] = mapped_column(Text, default="")
    default_scopes: Mapped[list] = mapped_column(JSON, default=list)
    # Practice-defined kinds are archived, never deleted: consents keep their kind.
    archived_at: Mapped[datetime | None]
    archive_reason: Mapped[str | None] = mapped_column(String(200))


class Consent(db.Model):
    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_case_subject", "case_id", "subject_contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind_id: Mapped[int] = mapped_column(ForeignKey("consent_kinds.id"))
    # The patient: None for the loved one; a family member for their own information.
    subject_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    discloser: Mapped[str] = mapped_column(String(200))
    recipient_class: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    # How much and what kind, in the patient's words where the scopes are not enough.
    information: Mapped[str] = mapped_column(Text, default="")
    expires_on: Mapped[date | None]
    expiry_event: Mapped[str] = mapped_column(String(200), default="")
    event_occurred_on: Mapped[date | None]
    revocation_statement: Mapped[str] = mapped_column(Text, default=rules.REVOCATION_STATEMENT)

    # The signature: on paper (a scan received on a date) or in the portal.
    signed_via: Mapped[str | None] = mapped_column(String(10))  # "paper" | "portal"
    signed_name: Mapped[str | None] = mapped_column(String(120))
    signed_at: Mapped[datetime | None]
    signed_from: Mapped[str | None] = mapped_column(String(64))  # address, portal only
    scan_received_on: Mapped[date | None]
    signed_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    revoked_at: Mapped[datetime | None]
    revoked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revocation_note: Mapped[str] = mapped_column(String(500), default="")

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    kind = relationship("ConsentKind", lazy="joined")
    subject = relationship("Contact", foreign_keys=[subject_contact_id], lazy="joined")
    recipients = relationship(
        "Contact", secondary=consent_recipients, order_by="Contact.id", lazy="selectin"
    )
    # Who recorded what, for the staff's list (loaded there with the consents).
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="raise")
    signed_recorded_by = relationship("User", foreign_keys=[signed_recorded_by_id], lazy="raise")
    revoked_by = relationship("User", foreign_keys=[revoked_by_user_id], lazy="raise")

    def terms(self) -> rules.Terms:
        return rules.Terms(
            subject_contact_id=self.subject_contact_id,
            recipient_contact_ids=frozenset(c.id for c in self.recipients),
            recipient_class=self.recipient_class,
            scopes=frozenset(self.scopes or ()),
            signed_at=self.signed_at,
            expires_on=self.expires_on,
            expiry_event=self.expiry_event,
            event_occurred_on=self.event_occurred_on,
            revoked_at=self.revoked_at,
        )

    def status(self, today: date) -> rules.Status:
        return rules.status(self.terms(), today)

    def __repr__(self) -> str:
        return f"<Consent {self.id} case {self.case_id}>"


class Disclosure(db.Model):
    """One disclosure of case-specific information, for the accounting a
    family may ask for: to whom, what, when, under which consent."""

    __tablename__ = "disclosures"
    __table_args__ = (Index("ix_disclosures_case_when", "case_id", "disclosed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id"))
    # To whom: a family member, a staff export's reader, or a named provider.
    recipient_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    recipient: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))  # portal_page, portal_pdf, export, provider
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disclosed_at: Mapped[datetime] = mapped_column(default=utcnow)

    consent = relationship("Consent", lazy="raise")
