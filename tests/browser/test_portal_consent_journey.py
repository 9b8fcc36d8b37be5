"""Consent in the portal on a phone: before the loved one's consent, the home
and her part in the intervention say kindly what waits for permission and
show none of it; she reads a consent about her own information, is sent back
without the tick, signs it, keeps a copy and revokes it; once the loved one's
consent is on file, her sessions and the plan appear, with the notice. Each
page passes axe-core at 390 x 844."""

from datetime import time, timedelta

import pytest

from casework.audit.service import acting_as
from casework.auth.models import Role
from casework.consent.models import Consent
from casework.domain.consent import Scope
from casework.extensions import db
from casework.intervention import service as iv
from casework.scheduling.models import CaseSession
from casework.timeutil import local_to_utc, local_today
from tests.browser.conftest import AXE, SCREENSHOTS, axe_violations, sign_in
from tests.conftest import PASSWORD
from tests.portal.conftest import contact_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fits(page) -> None:
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_consent_in_the_portal_on_a_phone(live_server, browser, factory):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    staff = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(staff, contacts=1, loved_one_name="Marcus Webb", phase="intervention")
    dana = factory.family_member(case, name="Dana Webb", email="dana@example.net")
    dana_contact = contact_of(dana)
    session = CaseSession(
        case_id=case.id,
        lead_id=staff.id,
        kind="family_education",
        title="Family evening",
        starts_at=local_to_utc(local_today() + timedelta(days=4), time(18, 30)),
        duration_minutes=90,
        place_kind="in_person",
        place="12 Harbor Road, Suite 3",
    )
    session.contacts.append(dana_contact)
    db.session.add(session)
    with acting_as(staff):
        iv.ensure_plan(case)
        iv.save_member(
            case, None, iv.MemberData(dana_contact, "", "", "speaker", 1, 1, True, True, None)
        )
    db.session.commit()
    own = factory.give_consent(
        case,
        [],
        [Scope.AFTERCARE],
        subject=dana_contact,
        signed=False,
        recipient_class="My counsellor, Dr. Reyes",
        purpose="To let my counsellor know how I am coping while Marcus is in treatment",
    )

    context = browser.new_context(viewport=PHONE, bypass_csp=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, dana.email, PASSWORD)
    page.wait_for_url("**/portal/")
    waiting = page.locator("section.portal-not-shared")
    assert "Your interventionist will ask Marcus for permission to share" in waiting.inner_text()
    assert "Family evening" not in page.content() and "12 Harbor Road" not in page.content()
    shot(page, "consent-1-home-waiting-phone")
    fits(page)

    page.get_by_role("link", name="Open your part in the intervention").click()
    page.wait_for_url("**/portal/intervention")
    assert "The plan, once Marcus agrees" in page.content()
    assert page.get_by_role("textbox", name="Your letter to your loved one").is_visible()
    shot(page, "consent-2-intervention-waiting-phone")
    fits(page)

    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="Read the consent").click()
    page.wait_for_url(f"**/portal/consents/{own.id}")
    assert "My counsellor, Dr. Reyes" in page.locator(".consent-terms").inner_text()
    shot(page, "consent-3-to-sign-phone")
    fits(page)

    page.get_by_label("Type your full name to sign").fill("Dana Webb")
    page.get_by_role("button", name="Sign this consent").click()
    page.get_by_text("Please tick the box to say you have read this and agree.").wait_for()
    assert page.get_by_label("Type your full name to sign").input_value() == "Dana Webb"
    fits(page)
    page.get_by_label("I have read this and agree").check()
    page.get_by_role("button", name="Sign this consent").click()
    page.get_by_text("You signed this consent.").wait_for()
    db.session.expire_all()
    signed = db.session.get(Consent, own.id)
    assert signed.signed_name == "Dana Webb" and signed.signed_from == "127.0.0.1"
    shot(page, "consent-4-signed-phone")
    fits(page)

    copy = page.context.request.get(live_server.url + f"/portal/consents/{own.id}.pdf")
    assert copy.ok and copy.headers["content-type"] == "application/pdf"

    page.get_by_label("I want to revoke this consent now").check()
    page.get_by_role("button", name="Revoke this consent").click()
    page.get_by_text("You revoked this consent.").wait_for()
    db.session.expire_all()
    assert db.session.get(Consent, own.id).revoked_by_user_id == dana.id
    fits(page)

    page.get_by_role("link", name="Back to your consents").click()
    page.wait_for_url("**/portal/consents")
    shot(page, "consent-5-consents-page-phone")
    fits(page)

    # Marcus signs his consent on paper; staff record it. Her next page shows it.
    factory.give_consent(case, [dana_contact])
    page.goto(f"{live_server.url}/portal/")
    assert "Family evening" in page.locator("section[aria-labelledby=sessions-h]").inner_text()
    assert "42 CFR part 2" in page.locator(".redisclosure").inner_text()
    assert page.locator("section.portal-not-shared").count() == 0
    shot(page, "consent-6-home-shared-phone")
    fits(page)
    context.close()
