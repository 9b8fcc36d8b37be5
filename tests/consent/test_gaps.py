"""Consent gaps: a family member on the portal or on the family team whom no
family-involvement consent in effect covers is named in the case header on
every case page and as a next step on the case and the caseload."""

from casework.extensions import db
from casework.intervention import service as intervention
from tests.consent.conftest import text_of

GAP = "No consent covers sharing with Fran Family"


def caseload_row(page: str, case) -> str:
    start = page.index(f">{case.reference}<")
    return page[start : page.index("</tr>", start)]


def test_a_portal_member_without_consent_is_a_gap_everywhere(people, as_user, add_session):
    case = people["case"]
    add_session(case)  # booked: arranging the consent comes before it
    owner = as_user(people["owner"])

    overview = owner.get(f"/cases/{case.reference}/")
    caseload = owner.get("/cases/").get_data(as_text=True)
    sessions = owner.get(f"/cases/{case.reference}/sessions/")

    assert GAP in text_of(overview)  # header and next step
    assert text_of(overview).count(GAP) == 2
    assert GAP in caseload_row(caseload, case)
    assert GAP in text_of(sessions)  # the header, on every case page
    # The step leads to a family-involvement consent naming the member.
    assert "consents/new?kind=family_involvement&amp;recipient=" in overview.get_data(as_text=True)


def test_a_consent_in_effect_closes_the_gap_and_revoking_it_opens_it(
    people, fran, factory, as_user, add_session
):
    case = people["case"]
    add_session(case)
    owner = as_user(people["owner"])
    consent = factory.give_consent(case, [fran])
    assert GAP not in text_of(owner.get(f"/cases/{case.reference}/"))
    assert GAP not in owner.get("/cases/").get_data(as_text=True)

    consent.revoked_at = consent.created_at
    db.session.commit()

    assert GAP in text_of(owner.get(f"/cases/{case.reference}/"))
    assert GAP in caseload_row(owner.get("/cases/").get_data(as_text=True), case)


def test_a_consent_that_does_not_cover_the_member_leaves_the_gap(people, fran, factory, as_user):
    case = people["case"]
    others = [c for c in case.contacts if c.id != fran.id]
    factory.give_consent(case, others)  # names the others, not Fran
    factory.give_consent(case, [fran], signed=False)  # printed, not signed yet
    factory.give_consent(case, [fran], kind="provider_coordination")  # not family involvement
    factory.give_consent(case, [fran], subject=others[0])  # someone else's own information

    assert GAP in text_of(as_user(people["owner"]).get(f"/cases/{case.reference}/"))


def test_a_member_on_the_family_team_needs_a_consent_too(people, fran, factory, as_user):
    case = people["case"]
    factory.give_consent(case, [fran])
    sister = case.contacts[0]
    intervention.ensure_plan(case)
    intervention.save_member(
        case,
        None,
        intervention.MemberData(sister, "", "", "speaker", 1, 1, True, True, None),
    )
    db.session.commit()

    page = text_of(as_user(people["owner"]).get(f"/cases/{case.reference}/"))

    assert f"No consent covers sharing with {sister.name}" in page
    assert GAP not in page


def test_two_gaps_are_one_step(people, fran, as_user):
    case = people["case"]
    sister = case.contacts[0]
    intervention.ensure_plan(case)
    intervention.save_member(
        case,
        None,
        intervention.MemberData(sister, "", "", "speaker", 1, 1, True, True, None),
    )
    db.session.commit()
    page = text_of(as_user(people["owner"]).get(f"/cases/{case.reference}/"))
    assert f"No consent covers sharing with {sister.name} or Fran Family" in page


def test_a_closed_case_shows_no_gap(people, as_user):
    case = people["case"]
    case.status = "closed"
    case.phase = "closed"
    db.session.commit()
    page = text_of(as_user(people["owner"]).get(f"/cases/{case.reference}/"))
    assert "No consent covers" not in page
