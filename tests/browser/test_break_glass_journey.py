"""Emergency access in the browser: an interventionist reaches a colleague's
case from its "not found" page, states why, sees the banner; a supervisor
reviews it on Access review. Both pages are axe-clean."""

import pytest

from casework.auth.models import Role
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

REASON = "The family called at 2 a.m.: he has not come home and his lead is abroad."


def test_break_the_glass_and_have_it_reviewed(live_server, browser, factory):
    lead = factory.user(Role.INTERVENTIONIST, name="Olivia Owner")
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes")
    boss = factory.user(Role.SUPERVISOR, name="Sam Supervisor")
    case = factory.case(lead, loved_one_name="Daniel Whitaker")
    url = live_server.url

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")
    page.goto(f"{url}/cases/{case.reference}/")
    assert "could not find" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Ask for emergency access").click()
    assert page.get_by_label("Case reference").input_value() == case.reference
    page.get_by_role("button", name="Open the case for one hour").click()
    assert "Say why you need this case now." in page.content()  # the reason is required
    page.get_by_label("Why you need this case now").fill(REASON)
    page.get_by_role("button", name="Open the case for one hour").click()

    page.wait_for_url(f"**/cases/{case.reference}/")
    banner = page.locator(".break-glass").inner_text()
    assert "Emergency access." in banner and "60 more minutes" in banner
    assert page.get_by_role("heading", level=1).inner_text() == "Daniel Whitaker"
    assert axe_violations(page) == []
    screenshot(page, "break-glass-banner")
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, url, boss.email, PASSWORD)
    page.wait_for_url("**/cases/")
    page.get_by_role("link", name="Access review").click()
    row = page.locator("tr", has_text=case.reference)
    assert REASON in row.inner_text() and "Jordan Reyes" in row.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "access-review")
    row.get_by_role("button", name="Mark reviewed").click()
    assert "Marked as reviewed." in page.content()
    assert "Sam Supervisor" in page.locator("#reviewed-h + table").inner_text()
    context.close()
