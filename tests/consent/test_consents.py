"""Staff handle a case's consents: drafted from a kind with its defaults,
every 42 CFR 2.31 element required, the paper form printed, the signed paper
recorded with the scan's date, revoked (taking effect at once) or ended by
its event, and a stale form refused with 409."""

import re
from datetime import timedelta

from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.consent import coverage
from casework.consent.models import Consent
from casework.domain.consent import REVOCATION_STATEMENT, Scope
from casework.extensions import db
from casework.practice_text import REDISCLOSURE_STATEMENT
from casework.timeutil import local_today
from tests.consent.conftest import flat, pdf_text, text_of


def consent_form(case, contacts, **changes) -> dict:
    data = {
        "kind": "family_involvement",
        "subject": "",
        "discloser": "Harbor Family Intervention and its interventionists",
        "recipients": [str(c.id) for c in contacts],
        "recipient_class": "",
        "purpose": "So that my wife can support me through treatment.",
        "scopes": ["sessions", "aftercare"],
        "information": "",
        "expires_on": "",
        "expiry_event": "When my case with the practice closes",
    }
    data.update(changes)
    return data


def only_consent(case) -> Consent:
    db.session.expire_all()
    return db.session.scalars(select(Consent).where(Consent.case_id == case.id)).one()


def test_a_new_consent_starts_from_its_kind(people, fran, as_user):
    case = people["case"]
    owner = as_user(people["owner"])
    tab = text_of(owner.get(f"/cases/{case.reference}/consents/"))
    assert "No consents yet" in tab and "Family involvement" in tab

    page = owner.get(
        f"/cases/{case.reference}/consents/new?kind=family_involvement&recipient={fran.id}"
    )

    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "New consent: Family involvement" in text_of(page)
    assert "To involve my family in my care" in body  # the kind's purpose
    assert "When my case with the practice closes" in body  # and its ending
    for label in ("Dates, times and places of family sessions", "Details of the intervention plan"):
        assert label in text_of(page)
    assert body.count('name="scopes" type="checkbox" value=') == len(Scope)
    # The kind's scopes ticked (not the whole record); the member asked for, ticked.
    ticked = set(
        re.findall(r'<input checked id="\w+-\d+" name="(\w+)" type="checkbox" value="(\w+)"', body)
    )
    assert ticked == {
        ("recipients", str(fran.id)),
        *(("scopes", s) for s in ("sessions", "packets", "intervention", "aftercare")),
    }


def test_a_consent_is_saved_awaiting_signature_and_audited_plainly(people, fran, as_user):
    case = people["case"]
    owner = as_user(people["owner"])

    response = owner.post(f"/cases/{case.reference}/consents/new", data=consent_form(case, [fran]))

    assert response.status_code == 302
    consent = only_consent(case)
    assert [c.id for c in consent.recipients] == [fran.id]
    assert consent.scopes == ["sessions", "aftercare"]
    assert consent.revocation_statement == REVOCATION_STATEMENT
    detail = text_of(owner.get(response.headers["Location"]))
    assert "Awaiting signature" in detail and "Fran Family" in detail
    assert "Not signed yet" in detail
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "Consent").order_by(AuditEvent.id)
    ).first()
    assert event.summary == f"Consent {consent.id} drafted (Family involvement)"
    assert "wife" not in event.summary and "treatment" not in event.summary


def test_a_consent_missing_an_element_is_refused_with_what_was_typed(people, fran, as_user):
    case = people["case"]
    owner = as_user(people["owner"])
    typed = "To let my sister know how follow-up is going."

    response = owner.post(
        f"/cases/{case.reference}/consents/new",
        data=consent_form(case, [], purpose=typed, scopes=[], expiry_event="", recipient_class=""),
    )

    assert response.status_code == 422
    page = text_of(response)
    assert "to whom" in page and "what information" in page
    assert "when it ends (a date or an event)" in page
    assert typed in response.get_data(as_text=True)
    assert db.session.scalar(select(Consent.id)) is None


def test_an_end_date_in_the_past_is_refused(people, fran, as_user):
    case = people["case"]
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    response = as_user(people["owner"]).post(
        f"/cases/{case.reference}/consents/new",
        data=consent_form(case, [fran], expires_on=yesterday, expiry_event=""),
    )
    assert response.status_code == 422
    assert "The end date has passed" in text_of(response)
    assert f'value="{yesterday}"' in response.get_data(as_text=True)


def test_the_paper_form_carries_every_element_and_the_notice(people, fran, factory, as_user):
    case = people["case"]
    consent = factory.give_consent(
        case, [fran], scopes=(Scope.SESSIONS, Scope.INTERVENTION), signed=False
    )
    owner = as_user(people["owner"])

    text = pdf_text(owner.get(f"/cases/{case.reference}/consents/{consent.id}/form.pdf"))

    assert "Consent to share information" in text
    assert f"Case {case.reference}" in text and f"Consent no. {consent.id}" in text
    assert case.loved_one_name in text  # whose information
    assert "The practice and its interventionists" in text  # who may share it
    assert "Fran Family" in text  # with whom
    assert "To involve my family in my care" in text  # why
    assert "Dates, times and places of family sessions" in text
    assert "Details of the intervention plan" in text
    assert "Follow-up check-ins" not in text  # a scope it does not include
    assert "When the case closes" in text  # when it ends
    assert flat(REVOCATION_STATEMENT) in text
    assert f"Signature of {case.loved_one_name}" in text and "Date signed" in text
    assert flat(REDISCLOSURE_STATEMENT)[:80] in text
    assert "Page 1 of" in text
    printed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "print", AuditEvent.case_id == case.id)
    ).one()
    assert printed.summary == f"Consent {consent.id} form printed"


def test_the_signed_paper_puts_the_consent_in_effect(people, fran, factory, as_user):
    case = people["case"]
    consent = factory.give_consent(case, [fran], signed=False)
    owner = as_user(people["owner"])
    today = local_today()
    assert coverage.member_may_see(fran, Scope.SESSIONS) is None

    response = owner.post(
        f"/cases/{case.reference}/consents/{consent.id}/signed",
        data={
            "signed_name": case.loved_one_name,
            "signed_on": today.isoformat(),
            "received_on": today.isoformat(),
            "version": "1",
        },
    )

    assert response.status_code == 302
    tab = text_of(owner.get(f"/cases/{case.reference}/consents/"))
    assert "In effect" in tab and "Awaiting signature" not in tab
    detail = text_of(owner.get(f"/cases/{case.reference}/consents/{consent.id}"))
    assert f"Signed on paper by {case.loved_one_name}" in detail
    assert f"scan received {today:%b %-d, %Y}" in detail
    assert "recorded by Olivia Owner" in detail
    db.session.expire_all()
    coverage.forget()
    assert coverage.member_may_see(fran, Scope.SESSIONS).id == consent.id


def test_a_signature_dated_in_the_future_is_refused_with_the_form_kept(
    people, fran, factory, as_user
):
    case = people["case"]
    consent = factory.give_consent(case, [fran], signed=False)
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = as_user(people["owner"]).post(
        f"/cases/{case.reference}/consents/{consent.id}/signed",
        data={
            "signed_name": "A. Person",
            "signed_on": tomorrow,
            "received_on": tomorrow,
            "version": "1",
        },
    )
    assert response.status_code == 422
    assert "cannot be in the future" in text_of(response)
    assert 'value="A. Person"' in response.get_data(as_text=True)
    assert only_consent(case).signed_at is None


def test_revocation_takes_effect_at_once_with_who_and_when(people, fran, factory, as_user):
    case = people["case"]
    consent = factory.give_consent(case, [fran])
    owner = as_user(people["owner"])
    assert "In effect" in text_of(owner.get(f"/cases/{case.reference}/consents/"))

    response = owner.post(
        f"/cases/{case.reference}/consents/{consent.id}/revoke",
        data={"note": "Letter received asking us to stop.", "version": str(consent.version)},
    )

    assert response.status_code == 302
    tab = text_of(owner.get(f"/cases/{case.reference}/consents/"))
    assert "Revoked" in tab and "In effect" not in tab
    assert "by Olivia Owner" in tab
    detail = text_of(owner.get(f"/cases/{case.reference}/consents/{consent.id}"))
    assert "Revoked" in detail and "Letter received asking us to stop." in detail
    db.session.expire_all()
    coverage.forget()
    assert coverage.member_may_see(fran, Scope.SESSIONS) is None
    # The family member is no longer covered: the gap is the case's next step.
    overview = text_of(owner.get(f"/cases/{case.reference}/"))
    assert "No consent covers sharing with Fran Family" in overview
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.summary == f"Consent {consent.id} revoked")
    ).one()
    assert event.actor_id == people["owner"].id
    assert "Letter" not in event.summary


def test_a_revocation_from_a_stale_page_answers_409(people, fran, factory, as_user):
    case = people["case"]
    consent = factory.give_consent(case, [fran], signed=False)
    owner = as_user(people["owner"])
    # Someone records the signed paper after this page was loaded (version 1).
    owner.post(
        f"/cases/{case.reference}/consents/{consent.id}/signed",
        data={
            "signed_name": case.loved_one_name,
            "signed_on": local_today().isoformat(),
            "received_on": local_today().isoformat(),
            "version": "1",
        },
    )

    response = owner.post(
        f"/cases/{case.reference}/consents/{consent.id}/revoke",
        data={"note": "On the phone", "version": "1"},
    )

    assert response.status_code == 409
    assert "Someone else changed this consent" in text_of(response)
    assert 'value="On the phone"' in response.get_data(as_text=True)
    assert only_consent(case).revoked_at is None


def test_the_ending_event_expires_the_consent(people, fran, factory, as_user):
    case = people["case"]
    consent = factory.give_consent(case, [fran], expiry_event="When the case closes")
    owner = as_user(people["owner"])

    response = owner.post(
        f"/cases/{case.reference}/consents/{consent.id}/ended",
        data={"occurred_on": local_today().isoformat(), "version": str(consent.version)},
    )

    assert response.status_code == 302
    tab = text_of(owner.get(f"/cases/{case.reference}/consents/"))
    assert "Expired" in tab and "(when the case closes)" in tab
    db.session.expire_all()
    coverage.forget()
    assert coverage.member_may_see(fran, Scope.SESSIONS) is None


def test_a_consent_of_another_case_is_not_reachable(people, factory, fran, as_user):
    mine = people["case"]
    theirs = factory.case(people["other"], loved_one_name="Somebody Else")
    consent = factory.give_consent(theirs, theirs.contacts[:1])
    owner = as_user(people["owner"])
    for url in (
        f"/cases/{mine.reference}/consents/{consent.id}",
        f"/cases/{mine.reference}/consents/{consent.id}/form.pdf",
    ):
        response = owner.get(url)
        assert response.status_code == 404
        assert "Somebody Else" not in response.get_data(as_text=True)
    response = owner.post(
        f"/cases/{mine.reference}/consents/{consent.id}/revoke",
        data={"note": "x", "version": "1"},
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).revoked_at is None
