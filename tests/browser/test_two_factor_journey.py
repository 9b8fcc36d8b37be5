"""A new interventionist, required to use two-factor sign-in, sets up an
authenticator app at their first sign-in: the QR code shows, the key can be
typed, the recovery codes are shown once, and the pages are axe-clean."""

import pyotp
import pytest

from casework.auth.models import Role
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_set_up_an_authenticator_app_at_the_first_sign_in(live_server, browser, factory):
    live_server.app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"] = True
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server.url, me.email, PASSWORD)
        page.wait_for_url("**/login/set-up")

        qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
        assert qr.is_visible()
        assert qr.evaluate("img => img.naturalWidth") > 100  # the SVG drew
        assert axe_violations(page) == []
        shot = screenshot(page, "two-factor-set-up")
        assert shot.stat().st_size > 10_000
        secret = page.locator("#secret-key").inner_text().replace(" ", "")

        page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn on two-factor sign-in").click()

        codes = page.get_by_role("list", name="Recovery codes").locator("li")
        assert codes.count() == 10
        assert axe_violations(page) == []
        screenshot(page, "two-factor-recovery-codes")
        page.get_by_role("link", name="I have kept them, continue").click()
        page.wait_for_url("**/cases/")
    finally:
        context.close()
