"""An interventionist opens a case, adds a contact and moves it to assessment."""

import pytest

from casework.auth.models import Role
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_open_a_case_add_a_contact_and_move_it_on(live_server, page, factory):
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    sign_in(page, live_server.url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")

    page.get_by_role("link", name="New case").first.click()
    page.get_by_label("Name of the person who called").fill("Laura Whitaker")
    page.get_by_label("Their relationship to the loved one").fill("Wife")
    page.get_by_label("Phone").fill("(555) 201-1101")
    page.get_by_label("Loved one's full name").fill("Daniel Whitaker")
    page.get_by_label("Goes by").fill("Danny")
    page.get_by_label("Alcohol").check()
    page.get_by_label("Urgency").select_option("soon")
    page.get_by_role("button", name="Open the case").click()

    page.wait_for_url("**/cases/C-*/")
    reference = page.url.rstrip("/").rsplit("/", 1)[1]
    assert page.get_by_role("heading", level=1).inner_text() == "Daniel Whitaker (Danny)"
    assert "Case opened at intake" in page.locator(".timeline").inner_text()

    page.get_by_role("link", name="Add contact").click()
    page.get_by_label("Name", exact=True).fill("Tom Whitaker")
    page.get_by_label("Relationship to the loved one").fill("Brother")
    page.get_by_label("Phone").fill("(555) 201-2202")
    page.get_by_role("button", name="Save contact").click()
    assert "Tom Whitaker" in page.locator("#contacts").inner_text()

    page.get_by_role("link", name="Change phase").click()
    page.get_by_label("Move the case to").select_option("assessment")
    page.get_by_role("button", name="Save the change").click()

    page.wait_for_url(f"**/cases/{reference}/")
    current = page.locator(".phase-progress [aria-current=step]").inner_text()
    assert current.strip() == "Assessment"
    timeline = page.locator(".timeline").inner_text()
    assert "Moved from Scheduling to Assessment" in timeline
    assert "Added contact Tom Whitaker (Brother)" in timeline
    shot = screenshot(page, "case-overview")
    assert shot.stat().st_size > 10_000
