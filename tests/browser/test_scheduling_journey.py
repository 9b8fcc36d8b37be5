"""Schedule a session from the case page, find it on the calendar, get the handout."""

import pytest
from pypdf import PdfReader

from casework.auth.models import Role
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD
from tests.scheduling.conftest import future_day

pytestmark = pytest.mark.browser


def test_schedule_from_case_page_then_calendar_and_handout(live_server, page, factory, tmp_path):
    me = factory.user(
        Role.INTERVENTIONIST,
        name="Jordan Reyes",
        email="jordan@example.org",
        phone="(555) 010-0102",
    )
    case = factory.case(me, loved_one_name="Daniel Whitaker", contacts=2)
    sign_in(page, live_server.url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("link", name="Schedule next session").click()

    page.get_by_label("Kind of session").select_option("assessment_interview")
    page.get_by_label("Date").fill(future_day(2).isoformat())
    page.get_by_label("Start time").fill("18:30")
    page.get_by_label("Length in minutes").fill("90")
    page.get_by_label("Address, video link or phone number").fill("12 Harbor Road")
    page.get_by_label(case.active_contacts[0].name, exact=False).check()
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url("**/sessions/*")
    assert "Assessment interview" in page.get_by_role("heading", level=2).inner_text()

    page.get_by_role("link", name="Calendar", exact=True).click()
    page.wait_for_url("**/calendar/")
    agenda = page.locator("section[aria-labelledby=agenda-h]").inner_text()
    assert "Assessment interview" in agenda and case.reference in agenda
    screenshot(page, "calendar")

    page.get_by_role("link", name="Assessment interview").first.click()
    href = page.get_by_role("link", name="Family handout (PDF)").get_attribute("href")
    response = page.context.request.get(live_server.url + href)  # same cookies as the page
    assert response.ok and response.headers["content-type"] == "application/pdf"
    path = tmp_path / "handout.pdf"
    path.write_bytes(response.body())
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Assessment interview" in text
    assert "6:30 PM" in text
    assert "988" in text and "Page 1 of" in text
