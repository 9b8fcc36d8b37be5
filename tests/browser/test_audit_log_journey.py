"""Readable records in the browser: an interventionist's day reads as
sentences in the administrator's audit log, filtered by person, case, action
and day and downloaded as CSV; a risk flag's guidance is on the page; the
packet builder's order boxes name their modules; the focus ring is the dark
double ring. Every page axe-clean."""

from pathlib import Path

import pytest

from casework.auth.models import Role
from casework.education import library
from casework.extensions import db
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_audit_log_reads_as_sentences_and_exports(live_server, browser, factory):
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    admin = factory.user(Role.ADMIN, name="Avery Admin", email="avery@example.org")
    case = factory.case(me, loved_one_name="Daniel Whitaker", contacts=1)
    case.risk_flags = ["overdose_risk"]
    library.sync()
    db.session.commit()
    url, ref = live_server.url, case.reference

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")
    page.goto(f"{url}/cases/{ref}/assessment/")
    flags = page.get_by_role("list", name="Risk flags")
    assert "Recommend naloxone for the household" in flags.inner_text()
    assert axe_violations(page) == []

    page.goto(f"{url}/cases/{ref}/packets/new")
    order = page.get_by_label("Order for Writing Your Letter")
    order.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    ring = order.evaluate("e => [getComputedStyle(e).outlineColor, getComputedStyle(e).boxShadow]")
    assert ring[0] == "rgb(11, 37, 64)" and "rgb(255, 255, 255)" in ring[1]
    assert axe_violations(page) == []
    screenshot(page, "packet-order-labels")
    context.close()

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, bypass_csp=True, accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, url, admin.email, PASSWORD)
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/admin/audit/")
    page.get_by_label("Person (name or email)").fill("Jordan Reyes")
    page.get_by_label("Case reference").fill(ref)
    page.get_by_role("button", name="Filter").click()
    table = page.locator("table.audit-log")
    assert f"Jordan Reyes opened the assessment of {ref}" in table.inner_text()
    assert f"Jordan Reyes opened the packet builder of {ref}" in table.inner_text()
    assert "naloxone" not in table.inner_text().lower()
    assert axe_violations(page) == []
    screenshot(page, "audit-log")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download these events (CSV)").click()
    body = Path(waiting.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    assert f"Jordan Reyes opened the assessment of {ref}" in body.decode("utf-8-sig")

    page.get_by_label("Person (name or email)").fill("Nobody Atall")
    page.get_by_label("From").fill("2026-02-01")
    page.get_by_role("button", name="Filter").click()
    assert "No account is named “Nobody Atall”." in page.inner_text("main")
    assert page.get_by_label("Person (name or email)").input_value() == "Nobody Atall"
    assert axe_violations(page) == []
    screenshot(page, "audit-log-refused")

    page.goto(f"{url}/admin/audit/?action=export")
    assert "Avery Admin exported the audit log" in page.locator("table.audit-log").inner_text()
    context.close()
