"""The demo practice's consents: each kind, one revoked, one expired, one
awaiting signature; every demo family on the portal covered; the gap the
revocation left shown on the case and the caseload; the provider contact in
the accounting."""

import jsonschema
from sqlalchemy import select

from casework.auth.models import User
from casework.cases.models import Contact, FamilyCase
from casework.consent import coverage
from casework.consent.models import Consent, Disclosure
from casework.consent.record import consent_part
from casework.domain.consent import Scope, Status
from casework.extensions import db
from casework.notes import record as export
from casework.timeutil import local_today
from tests.conftest import login
from tests.consent.conftest import text_of

PW = "demo consent pw"


def case_named(name: str) -> FamilyCase:
    return db.session.scalar(select(FamilyCase).where(FamilyCase.loved_one_name == name))


def test_the_demo_has_consents_of_each_kind_and_each_standing(app, seed_demo):
    seed_demo(PW)
    today = local_today()
    consents = db.session.scalars(select(Consent)).all()
    kinds = {c.kind.code for c in consents}
    assert {"family_involvement", "provider_coordination", "return_to_work_employer"} <= kinds
    standing = [c.status(today) for c in consents]
    assert standing.count(Status.REVOKED) == 1
    assert standing.count(Status.EXPIRED) >= 1
    assert standing.count(Status.AWAITING_SIGNATURE) >= 1
    # Every family on the portal of an open case sees their material.
    for contact in db.session.scalars(select(Contact).where(Contact.user_id.is_not(None))):
        if contact.case.status == "active":
            coverage.forget()
            assert coverage.member_may_see(contact, Scope.SESSIONS), contact.name
    for email in ("family@example.org", "family2@example.org", "family3@example.org"):
        user = db.session.scalar(select(User).where(User.email == email))
        contact = db.session.scalar(select(Contact).where(Contact.user_id == user.id))
        coverage.forget()
        assert coverage.member_may_see(contact, Scope.SESSIONS), email


def test_the_demo_shows_the_revocation_its_gap_and_a_provider_disclosure(app, seed_demo):
    seed_demo(PW)
    russo = case_named("Anthony Russo")
    client = app.test_client()
    assert login(client, russo.interventionist.email, PW).status_code == 302

    tab = text_of(client.get(f"/cases/{russo.reference}/consents/"))
    assert "Revoked" in tab and f"by {russo.interventionist.name}" in tab
    assert "In effect" in tab
    overview = text_of(client.get(f"/cases/{russo.reference}/"))
    assert "No consent covers sharing with Vincent Russo" in overview

    park = case_named("Olivia Park")
    client = app.test_client()
    assert login(client, park.interventionist.email, PW).status_code == 302
    accounting = text_of(client.get(f"/cases/{park.reference}/consents/accounting"))
    assert "Cedar Hollow Women's Residential" in accounting
    assert "Treatment provider coordination, signed" in accounting
    provider = db.session.scalars(
        select(Disclosure).where(Disclosure.case_id == park.id, Disclosure.channel == "provider")
    ).one()
    assert provider.consent_id is not None
    # Every demo case's consent part of the record export fits the schema.
    validator = jsonschema.Draft202012Validator(
        {"$defs": export.schema()["$defs"], "$ref": "#/$defs/consent_part"},
        format_checker=jsonschema.FormatChecker(),
    )
    with app.test_request_context():
        for case in db.session.scalars(select(FamilyCase)):
            part = consent_part(case)
            validator.validate(part)
            if case.id == russo.id:
                assert [c["status"] for c in part["consents"]] == ["revoked", "active"]
                assert part["consents"][0]["revoked_by"]["name"] == russo.interventionist.name
