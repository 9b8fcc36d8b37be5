"""Consent's part of the case hub: the Consents tab, the consent gaps in the
case header and as next steps ("No consent covers sharing with Maria
Russo"), and the consents and disclosures in the case record export.

A gap is a family member with a portal account, or on the family team, whom
no family-involvement consent of the loved one in effect today names. A
page of cases costs one statement; the header reuses what the page's
outlook already asked (kept in `flask.g` for the request).
"""

from dataclasses import dataclass
from functools import cache

from flask import g, url_for
from sqlalchemy import Select, and_, bindparam, exists, or_, select

from casework.auth.models import User
from casework.cases import sections
from casework.cases.models import Contact
from casework.consent.models import Consent, ConsentKind, consent_recipients
from casework.domain.consent import (
    KIND_LABELS,
    REVOCATION_STATEMENT,
    SCOPE_LABELS,
    STATUS_LABELS,
    Kind,
    Scope,
)
from casework.domain.nextsteps import Step, Urgency
from casework.extensions import db
from casework.intervention.models import TeamMember
from casework.timeutil import local_today

_KEPT = "consent_gaps"


@dataclass(frozen=True)
class Gap:
    contact_id: int
    name: str


def _covered(contacts, today):
    """A family-involvement consent of the loved one, in effect `today`, names the contact."""
    consents, kinds = Consent.__table__, ConsentKind.__table__
    return exists().where(
        consent_recipients.c.contact_id == contacts.c.id,
        consents.c.id == consent_recipients.c.consent_id,
        kinds.c.id == consents.c.kind_id,
        kinds.c.code == Kind.FAMILY_INVOLVEMENT.value,
        consents.c.case_id == contacts.c.case_id,
        consents.c.subject_contact_id.is_(None),
        consents.c.signed_at.is_not(None),
        consents.c.revoked_at.is_(None),
        or_(consents.c.expires_on.is_(None), consents.c.expires_on >= today),
        or_(consents.c.event_occurred_on.is_(None), consents.c.event_occurred_on > today),
    )


@cache
def _gaps_statement() -> Select:
    """Built once, of the tables' own columns (a plain statement costs half
    what the same through the ORM's column machinery does): the case ids and
    the day go in as parameters."""
    contacts, users, members = Contact.__table__, User.__table__, TeamMember.__table__
    on_portal = exists().where(users.c.id == contacts.c.user_id, users.c.active.is_(True))
    on_team = exists().where(members.c.contact_id == contacts.c.id, members.c.archived_at.is_(None))
    return (
        select(contacts.c.id, contacts.c.case_id, contacts.c.name)
        .where(
            contacts.c.case_id.in_(bindparam("case_ids", expanding=True)),
            contacts.c.archived_at.is_(None),
            or_(and_(contacts.c.user_id.is_not(None), on_portal), on_team),
            ~_covered(contacts, bindparam("today")),
        )
        .order_by(contacts.c.case_id, contacts.c.id)
    )


def facts(case_ids: list[int]) -> dict[int, list[Gap]]:
    """Each case's family members no consent covers (one statement)."""
    kept = g.setdefault(_KEPT, {})
    wanted = [i for i in case_ids if i not in kept]
    if wanted:
        found: dict[int, list[Gap]] = {i: [] for i in wanted}
        for row in db.session.execute(
            _gaps_statement(), {"case_ids": wanted, "today": local_today()}
        ):
            found[row.case_id].append(Gap(row.id, row.name))
        kept.update(found)
    return {i: kept[i] for i in case_ids if kept[i]}


def gaps(case) -> list[Gap]:
    """The case's gaps, for its header (asked once a request)."""
    if case.status != "active":
        return []
    return facts([case.id]).get(case.id, [])


def gap_text(found: list[Gap]) -> str:
    names = [gap.name for gap in found]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"No consent covers sharing with {listed}"


def new_consent_href(case, found: list[Gap]) -> str:
    return url_for(
        "consent.new",
        ref=case.reference,
        kind=Kind.FAMILY_INVOLVEMENT.value,
        recipient=[gap.contact_id for gap in found],
    )


def steps(case, found: list[Gap] | None) -> list[Step]:
    if not found or case.status != "active":
        return []
    return [Step(gap_text(found), Urgency.TO_ARRANGE, href=new_consent_href(case, found))]


def record(case) -> dict:
    from casework.consent.record import consent_part

    return consent_part(case)


def init_app(app) -> None:
    app.jinja_env.globals.update(
        consent_gaps=gaps,
        consent_gap_text=gap_text,
        consent_gap_href=new_consent_href,
        consent_scope_labels=SCOPE_LABELS,
        consent_status_labels=STATUS_LABELS,
        consent_kind_labels=KIND_LABELS,
        consent_scopes=list(Scope),
        consent_revocation_statement=REVOCATION_STATEMENT,
    )
    sections.register(
        app,
        sections.Section(
            name="consent",
            tab=sections.Tab("Consents", "consent.index", order=55, blueprint="consent"),
            header="consent/_case_header.html",
            facts=facts,
            steps=steps,
            record=record,
        ),
    )
