"""The idle warning in a real browser (WCAG 2.2.1): it comes before the
timeout, "Stay signed in" keeps the session without reloading the page, and
after the timeout a typed assessment survives signing in again."""

import json
import time

import pytest

from casework.auth.models import Role
from tests.browser.conftest import AXE, SCREENSHOTS, axe_violations, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

TYPED = "Mother: he drinks most nights, worse since March. He listens to his aunt."


def short_clock(server, idle_seconds: float, warning_seconds: int) -> None:
    server.app.config.update(
        SESSION_IDLE_MINUTES=idle_seconds / 60, SESSION_WARNING_SECONDS=warning_seconds
    )


def open_assessment(page, server, factory):
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(me, loved_one_name="Naomi Feldman", phase="assessment")
    sign_in(page, server.url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")
    url = f"{server.url}/cases/{case.reference}/assessment/edit"
    page.goto(url)
    return me, url, time.monotonic()


def screenshot(page, name: str) -> None:
    """What the screen shows (the dialog sits over the viewport, not the page)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_the_warning_comes_first_and_stay_signed_in_keeps_the_session(
    live_server, browser, factory
):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    # Page load to warning: 9 s; to the original timeout: 15 s.
    short_clock(live_server, idle_seconds=15, warning_seconds=6)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _, url, loaded = open_assessment(page, live_server, factory)
        symptoms = page.locator('textarea[name="mental_health-symptoms"]')
        symptoms.fill(TYPED)
        symptoms.focus()
        warning = page.get_by_role("alertdialog", name="Are you still there?")
        assert not warning.is_visible()

        warning.wait_for(state="visible")

        assert 8 <= time.monotonic() - loaded < 15  # before the timeout, not at once
        stay = warning.get_by_role("button", name="Stay signed in")
        assert stay.evaluate("button => button === document.activeElement")
        assert "you will be signed out in" in warning.inner_text()
        screenshot(page, "idle-warning-desktop")
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1)
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, "idle-warning-phone")
        page.set_viewport_size({"width": 1280, "height": 900})

        stay.click()

        warning.wait_for(state="hidden")
        assert symptoms.input_value() == TYPED  # nothing on the page changed
        assert symptoms.evaluate("box => box === document.activeElement")
        # Past the original timeout, the save goes through.
        time.sleep(max(0, loaded + 16 - time.monotonic()))
        assert not warning.is_visible()
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_url("**/assessment/")
        assert "Assessment saved as a draft." in page.locator(".alert-success").inner_text()
    finally:
        context.close()


def test_after_the_timeout_a_typed_assessment_survives_signing_in(live_server, page, factory):
    short_clock(live_server, idle_seconds=5, warning_seconds=3)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    me, url, _ = open_assessment(page, live_server, factory)
    page.locator('textarea[name="mental_health-symptoms"]').fill(TYPED)
    page.get_by_label("Weapons in the home").check()

    ended = page.get_by_role("alertdialog", name="You have been signed out")
    ended.wait_for(state="visible")

    assert "What you typed on this page is not lost" in ended.inner_text()
    screenshot(page, "idle-ended-desktop")
    ended.get_by_role("button", name="Sign in again").click()

    page.wait_for_url("**/login")
    live_server.app.config["SESSION_IDLE_MINUTES"] = 15  # time enough to look
    assert "What you typed is kept" in page.locator(".alert").inner_text()
    page.get_by_label("Email").fill(me.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url)
    assert page.locator('textarea[name="mental_health-symptoms"]').input_value() == TYPED
    assert page.get_by_label("Weapons in the home").is_checked()
    assert "What you typed is back in the form" in page.locator(".alert").inner_text()
    assert problems == []  # nothing refused by the Content-Security-Policy
