"""Consent in a real browser: from the gap in the case header, staff draft a
family-involvement consent, record the signed paper, then revoke it on the
family's letter; the gap comes back at once. The Consents pages pass axe-core."""

import re

import pytest
from sqlalchemy import select

from casework.auth.models import Role
from casework.consent.models import Consent
from casework.extensions import db
from casework.timeutil import local_today
from tests.browser.conftest import AXE, SCREENSHOTS, axe_violations, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_consent_from_the_gap_to_revocation(live_server, browser, factory):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(me, contacts=1, loved_one_name="Marcus Webb")
    factory.family_member(case, name="Maria Webb")
    url = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")

    page.goto(f"{url}/cases/{case.reference}/")
    assert page.get_by_text("No consent covers sharing with Maria Webb").count() >= 1
    page.get_by_role("link", name="Draft a family-involvement consent").click()
    assert page.get_by_role("checkbox", name=re.compile("^Maria Webb")).is_checked()
    assert page.get_by_label("Dates, times and places of family sessions").is_checked()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "consent-new.png"), full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the consent").click()
    page.get_by_text("Consent drafted.").wait_for()
    assert page.get_by_text("Awaiting signature").count() >= 1

    today = local_today().isoformat()
    page.get_by_label("Date beside the signature").fill(today)
    page.get_by_label("Scan received on").fill(today)
    page.get_by_role("button", name="Record the signed consent").click()
    page.get_by_text("The signed consent is recorded").wait_for()
    assert page.get_by_text("No consent covers sharing with Maria Webb").count() == 0
    assert axe_violations(page) == []

    page.get_by_label("How the revocation came").fill("Letter from Marcus, received today.")
    page.get_by_role("button", name="Revoke this consent").click()
    page.get_by_text("Revoked. It covers nothing from now on.").wait_for()
    assert page.get_by_text("No consent covers sharing with Maria Webb").count() >= 1
    page.get_by_role("link", name="All consents").click()
    page.screenshot(path=str(SCREENSHOTS / "consent-list.png"), full_page=True)
    assert axe_violations(page) == []
    assert page.get_by_text("by Jordan Reyes").count() == 1
    (consent,) = db.session.scalars(select(Consent)).all()
    db.session.refresh(consent)
    assert consent.revoked_by_user_id == me.id
    context.close()
