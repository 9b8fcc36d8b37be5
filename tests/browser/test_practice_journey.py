"""The supervisor's practice page in a real browser: the demo supervisor
signs in (with the authenticator code), follows "Practice" in the main
navigation, and finds every section of the page with the demo practice in
it. The page passes axe-core."""

import pytest

from tests.browser.conftest import AXE, axe_violations, screenshot, sign_in
from tests.conftest import current_code

pytestmark = pytest.mark.browser

PW = "demo-practice-pass"
SUPERVISOR = "supervisor@example.org"


def test_the_supervisor_reaches_the_practice_page_from_the_navigation(
    live_server, browser, seed_demo
):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    seed_demo(PW)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server.url, SUPERVISOR, PW)
        page.wait_for_url("**/login/code")
        page.get_by_label("Code").fill(current_code(SUPERVISOR))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/cases/")

        nav = page.get_by_role("navigation", name="Main")
        nav.get_by_role("link", name="Practice").click()
        page.wait_for_url("**/practice/")
        assert page.get_by_role("heading", level=1).inner_text() == "The practice"
        assert nav.get_by_role("link", name="Practice").get_attribute("aria-current") == "page"
        for heading in (
            "Open safety flags without a plan",
            "Overdue follow-ups",
            "Notes awaiting co-signature",
            "Stalled in a phase",
            "Sessions this week",
            "Caseloads",
        ):
            assert page.get_by_role("heading", name=heading).is_visible()

        # Both demo interventionists have open cases, and the mix is drawn.
        caseloads = page.locator("table.caseload-mix tbody tr")
        assert caseloads.count() >= 2
        assert page.locator("table.caseload-mix svg rect").count() >= 2
        # Each family is linked to its case; the first one opens.
        family = page.locator("main td[data-label='Family'] a").first
        reference = family.inner_text()
        assert axe_violations(page) == []
        screenshot(page, "practice-page")
        family.click()
        page.wait_for_url(f"**/cases/{reference}/**")
    finally:
        context.close()
