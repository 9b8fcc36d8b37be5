"""The accounting of disclosures: every time the case's information left
staff (a portal page, a record export, a provider contact at a check-in),
to whom, what, when and under which consent; on a page and printed for the
family with the notice. A check-in that reached the treatment provider
needs a provider-coordination consent covering it."""

from datetime import timedelta

from sqlalchemy import select

from casework.aftercare import service as aftercare
from casework.aftercare.models import CheckIn
from casework.consent.disclosures import record_disclosure
from casework.consent.models import Disclosure
from casework.domain.consent import Scope
from casework.domain.phases import Phase
from casework.extensions import db
from casework.practice_text import REDISCLOSURE_STATEMENT
from casework.timeutil import format_local, frozen_clock, local_today, utcnow
from tests.consent.conftest import flat, pdf_text, text_of

PROVIDER = "Cedar Hollow (my treating providers there)"


def check_in_form(**changes) -> dict:
    data = {
        "held_on": local_today().isoformat(),
        "method": "phone",
        "reached": ["loved_one", "provider"],
        "loved_one_status": "in_treatment",
        "narrative": "Spoke with her counsellor about discharge planning.",
    }
    data.update(changes)
    return data


def in_support(case, owner):
    case.phase = Phase.AFTERCARE.value
    aftercare.start_pathway(
        case, "entered_treatment", local_today() - timedelta(days=3), "Admitted", owner
    )
    db.session.commit()


def test_a_provider_contact_without_a_consent_is_refused(people, as_user):
    case, owner = people["case"], people["owner"]
    in_support(case, owner)

    response = as_user(owner).post(
        f"/cases/{case.reference}/aftercare/check-ins/new", data=check_in_form()
    )

    assert response.status_code == 422
    page = text_of(response)
    assert "No treatment provider coordination consent in effect covers follow-up" in page
    assert "Spoke with her counsellor about discharge planning." in page  # kept
    assert db.session.scalar(select(CheckIn.id)) is None
    assert db.session.scalar(select(Disclosure.id)) is None


def test_a_revoked_provider_consent_no_longer_covers_it(people, factory, as_user):
    case, owner = people["case"], people["owner"]
    in_support(case, owner)
    factory.give_consent(
        case,
        [],
        scopes=(Scope.AFTERCARE,),
        kind="provider_coordination",
        recipient_class=PROVIDER,
        revoked=True,
    )
    response = as_user(owner).post(
        f"/cases/{case.reference}/aftercare/check-ins/new", data=check_in_form()
    )
    assert response.status_code == 422
    assert db.session.scalar(select(CheckIn.id)) is None


def test_the_accounting_lists_to_whom_what_when_and_under_which_consent(
    people, fran, factory, as_user
):
    case, owner = people["case"], people["owner"]
    in_support(case, owner)
    family = factory.give_consent(case, [fran])
    provider = factory.give_consent(
        case,
        [],
        scopes=(Scope.AFTERCARE,),
        kind="provider_coordination",
        recipient_class=PROVIDER,
    )
    # A portal page the family member read three days ago (the portal records these).
    read_at = utcnow() - timedelta(days=3)
    with frozen_clock(read_at):
        record_disclosure(
            case.id,
            scope=Scope.SESSIONS,
            what="Upcoming sessions",
            channel="portal_page",
            consent=family,
            recipient_contact=fran,
            recipient="Fran Family",
            by_user=people["family"],
        )
    db.session.commit()
    client = as_user(owner)
    # A check-in that reached the provider, and a record export.
    assert (
        client.post(
            f"/cases/{case.reference}/aftercare/check-ins/new", data=check_in_form()
        ).status_code
        == 302
    )
    assert client.get(f"/cases/{case.reference}/record.json").status_code == 200

    page = client.get(f"/cases/{case.reference}/consents/accounting")

    text = text_of(page)
    rows = [r for r in db.session.scalars(select(Disclosure).order_by(Disclosure.id))]
    assert [r.channel for r in rows] == ["portal_page", "provider", "export"]
    # The family's reading: to Fran, what, when, under the family consent.
    assert f"{format_local(read_at)} Fran Family Upcoming sessions" in text
    signed = format_local(family.signed_at, "%b %-d, %Y")
    assert f"Family involvement, signed {signed}" in text
    # The provider: under the provider consent, the check-in's day.
    assert PROVIDER in text
    assert f"Follow-up check-in of {local_today():%b %-d, %Y}" in text
    assert f"Treatment provider coordination, signed {signed}" in text
    assert provider.id in {r.consent_id for r in rows}
    # The export: the staff member who took the copy.
    assert "Olivia Owner (staff), a copy to hand on" in text
    assert "The case record (JSON)" in text
    # Oldest first.
    assert (
        text.index("Upcoming sessions")
        < text.index("Follow-up check-in")
        < text.index("The case record (JSON)")
    )


def test_the_accounting_prints_for_the_family_with_the_notice(people, fran, factory, as_user):
    case = people["case"]
    family = factory.give_consent(case, [fran])
    record_disclosure(
        case.id,
        scope=Scope.PACKETS,
        what="Family packet",
        channel="portal_pdf",
        consent=family,
        recipient_contact=fran,
        recipient="Fran Family",
        by_user=people["family"],
    )
    db.session.commit()
    client = as_user(people["owner"])
    assert "Print for the family (PDF)" in text_of(
        client.get(f"/cases/{case.reference}/consents/accounting")
    )

    text = pdf_text(client.get(f"/cases/{case.reference}/consents/accounting.pdf"))

    assert f"Accounting of disclosures · {case.reference}" in text
    assert case.loved_one_name in text
    assert "Fran Family" in text and "Family packet" in text
    assert "Family portal download (PDF)" in text
    assert "Family involvement, signed" in text
    assert flat(REDISCLOSURE_STATEMENT)[:80] in text


def test_nothing_disclosed_says_so(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    assert "Nothing has been disclosed yet" in text_of(
        client.get(f"/cases/{case.reference}/consents/accounting")
    )
    text = pdf_text(client.get(f"/cases/{case.reference}/consents/accounting.pdf"))
    assert "Nothing from this case has been shared outside the practice's staff" in text
