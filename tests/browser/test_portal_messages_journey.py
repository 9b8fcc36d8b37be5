"""On a phone (390 x 844): a family member finds "Need help now?" at the top
of her portal and it takes her to the crisis lines; she writes to her
interventionist (an empty message first, sent back); he sees the unread
count in the case's Messages tab, reads and replies;
she sees the count in her menu and reads the reply. Every page passes axe-core."""

from datetime import timedelta

import pytest

from casework.auth.models import Role
from casework.education import library
from casework.education import service as education
from casework.extensions import db
from casework.timeutil import local_today
from tests.browser.conftest import sign_in
from tests.browser.test_letter_journey import AXE, PHONE, axe_violations, shot
from tests.conftest import PASSWORD
from tests.portal.conftest import contact_of

pytestmark = pytest.mark.browser

QUESTION = "Marcus came home last night.\nShould we still do Thursday's session?"
REPLY = "Thank you for telling me. Yes, Thursday at 6 is still on."


def phone(browser):
    context = browser.new_context(viewport=PHONE, bypass_csp=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def clean(page, name):
    shot(page, name)
    assert axe_violations(page) == [], name


def test_messages_and_the_crisis_link_on_a_phone(live_server, browser, factory):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    staff = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(staff, loved_one_name="Marcus Webb", phase="education")
    dana = factory.family_member(case, name="Dana Webb", email="dana@example.net")
    library.sync()
    module = next(m for m in education.active_modules() if m.slug == "how-recovery-works")
    education.assign(
        case,
        staff,
        [module],
        [contact_of(dana)],
        due_on=local_today() - timedelta(days=2),
        note=None,
    )
    db.session.commit()

    context, page = phone(browser)
    sign_in(page, live_server.url, dana.email, PASSWORD)
    page.wait_for_url("**/portal/")
    # "Need help now?" is on screen without scrolling, and leads to the crisis lines.
    help_now = page.get_by_role("link", name="Need help now?")
    box = help_now.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    assert page.evaluate("window.scrollY") == 0
    suggested = page.get_by_text("Suggested by", exact=False)
    assert suggested.count() == 1 and page.get_by_text("Overdue").count() == 0
    clean(page, "messages-1-home-phone")
    help_now.click()
    page.wait_for_url("**/portal/#crisis")
    crisis = page.locator("#crisis")
    top = crisis.bounding_box()["y"]
    assert 0 <= top < PHONE["height"]  # scrolled to the crisis lines
    lifeline = page.get_by_role("link", name="988 Suicide and Crisis Lifeline")
    assert lifeline.get_attribute("href") == "tel:988" and lifeline.is_visible()
    shot(page, "messages-2-crisis-lines-phone")

    # The reader and her other pages carry the link too, axe-clean.
    page.get_by_role("link", name="How recovery works").first.click()
    page.get_by_role("link", name="Need help now?").wait_for()
    clean(page, "messages-3-reader-phone")
    for path in ("/portal/intervention", "/portal/check-in", "/portal/consents"):
        page.goto(live_server.url + path)
        assert page.get_by_role("link", name="Need help now?").is_visible(), path
        assert axe_violations(page) == [], path

    # She writes to her interventionist.
    page.goto(live_server.url + "/portal/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    page.wait_for_url("**/portal/messages")
    clean(page, "messages-4-empty-phone")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Please write your message first.").wait_for()
    clean(page, "messages-5-empty-sent-back-phone")
    page.get_by_label("Your message").fill(QUESTION)
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/portal/messages#latest")
    assert "Thursday's session?" in page.locator("#latest").inner_text()
    clean(page, "messages-6-sent-phone")
    context.close()

    # Her interventionist sees a count, never the words, and replies.
    context, page = phone(browser)
    sign_in(page, live_server.url, staff.email, PASSWORD)
    page.wait_for_url("**/cases/")
    assert "came home" not in page.content()
    clean(page, "messages-7-caseload-phone")
    page.get_by_role("link", name=case.reference).first.click()
    tab = page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Messages")
    assert tab.inner_text().split() == ["Messages", "1", "unread"]
    tab.click()
    page.wait_for_url(f"**/cases/{case.reference}/messages/")
    assert page.get_by_text("1 new").is_visible()
    clean(page, "messages-8-staff-threads-phone")
    page.get_by_role("link", name="Dana Webb").click()
    page.get_by_text("Marcus came home last night.").wait_for()
    clean(page, "messages-9-staff-thread-phone")
    page.get_by_label("Your message").fill(REPLY)
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**#latest")
    assert (
        "1"
        not in page.get_by_role("navigation", name="Case sections")
        .get_by_role("link", name="Messages")
        .inner_text()
    )
    clean(page, "messages-10-staff-replied-phone")
    context.close()

    # She sees a count in her menu and reads the reply.
    context, page = phone(browser)
    sign_in(page, live_server.url, dana.email, PASSWORD)
    page.wait_for_url("**/portal/")
    menu = page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages")
    assert "1" in menu.inner_text()
    menu.click()
    page.get_by_text(REPLY).wait_for()
    assert "Jordan Reyes" in page.locator("#latest").inner_text()
    clean(page, "messages-11-reply-phone")
    context.close()
