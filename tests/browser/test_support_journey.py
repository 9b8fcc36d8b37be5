"""Post-intervention support in a real browser: staff record the outcome of
the day, see the follow-up plan on the Support tab, and record a check-in
whose note they sign. The Support tab passes axe-core."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.aftercare.models import CheckIn
from casework.auth.models import Role
from casework.education import library
from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow
from tests.browser.conftest import AXE, SCREENSHOTS, axe_violations, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_an_outcome_starts_the_plan_and_a_check_in_keeps_it(live_server, browser, factory):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(me, contacts=2, loved_one_name="Marcus Webb", phase="intervention")
    day = CaseSession(
        case_id=case.id,
        lead_id=me.id,
        kind="intervention",
        title="Intervention",
        starts_at=utcnow() - timedelta(hours=3),
        duration_minutes=120,
        status="held",
    )
    db.session.add(day)
    library.sync()  # the shipped modules, for the reading the pathway offers
    db.session.commit()
    url = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")

    page.goto(f"{url}/cases/{case.reference}/intervention/")
    page.get_by_label("The day (a session on the case)").select_option(str(day.id))
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_label("Outcome", exact=True).select_option("declined")
    page.get_by_label("What happened").fill("He listened to every letter, then said no.")
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_url("**/notes/*/edit")
    page.get_by_label("Your password, to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign and lock").click()
    page.get_by_text("Signed and locked.").wait_for()

    page.goto(f"{url}/cases/{case.reference}/aftercare/")
    content = page.content()
    assert "Declined help" in content and "Follow-ups" in content
    assert "When Your Loved One Says No" in content
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "support-tab.png"), full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Record a check-in").click()
    page.get_by_label("Marcus Webb (the loved one)").check()
    page.get_by_label("Where the loved one is").select_option("not_in_treatment")
    page.get_by_label("What was said").fill("He took my call and said he would think about it.")
    page.get_by_role("button", name="Record the check-in").click()
    page.wait_for_url("**/notes/*/edit")
    (done,) = db.session.scalars(select(CheckIn)).all()
    assert done.loved_one_status == "not_in_treatment" and done.note_id
    page.goto(f"{url}/cases/{case.reference}/aftercare/")
    assert page.get_by_text("Done", exact=True).count() >= 1
    context.close()
