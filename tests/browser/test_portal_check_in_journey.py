"""A family member answers a check-in on a phone: she signs in the day a
follow-up is due, finds the kind prompt on her portal, answers (a question
missed first, and sent back with what she chose kept), sends it and sees the
thank-you; staff find it waiting for review. Each state passes axe-core at 390 x 844."""

from datetime import timedelta

import pytest

from casework.aftercare import service as aftercare
from casework.audit.service import acting_as
from casework.auth.models import Role
from casework.domain.instruments import INSTRUMENTS
from casework.extensions import db
from casework.timeutil import local_today
from tests.browser.conftest import sign_in
from tests.browser.test_letter_journey import AXE, PHONE, axe_violations, shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

FEELING = "Worn out, but the Tuesday group helps."
ABOUT_HIM = "He called on Sunday and sounded calmer."
NEED = "A call back about family sessions, please."
# The answers she taps for the five WHO-5 statements.
CHOSEN = ["Some of the time", "Less than half of the time", "Some of the time", "At no time"]


def test_a_member_answers_a_check_in_on_a_phone(live_server, browser, factory):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    staff = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(staff, loved_one_name="Marcus Webb", phase="aftercare")
    dana = factory.family_member(case, name="Dana Webb", email="dana@example.net")
    with acting_as(staff):
        # Admitted yesterday: the first follow-up is today.
        aftercare.start_pathway(
            case, "entered_treatment", local_today() - timedelta(days=1), "Admitted", staff
        )
    db.session.commit()

    context = browser.new_context(viewport=PHONE, bypass_csp=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, dana.email, PASSWORD)
    page.wait_for_url("**/portal/")
    page.get_by_text("Your interventionist would like to hear how you are").wait_for()
    shot(page, "check-in-1-home-phone")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Tell us how you are").click()
    page.wait_for_url("**/portal/check-in")
    assert page.get_by_role("link", name="988 Suicide and Crisis Lifeline").count() == 1
    shot(page, "check-in-2-questions-phone")
    assert axe_violations(page) == []

    page.get_by_role("textbox", name="How have you been, in a few words?").fill(FEELING)
    items = INSTRUMENTS["WHO-5"].items
    # The fifth statement is left unanswered at first.
    for item, answer in zip(items[:4], CHOSEN, strict=True):
        group = page.get_by_role("group", name=item.text)
        group.get_by_text(answer, exact=True).click()  # the whole row is the target
    page.get_by_role("group", name="where is your loved one").get_by_label(
        "In treatment", exact=True
    ).check()
    page.get_by_role("textbox", name="How are they doing, in a few words?").fill(ABOUT_HIM)
    page.get_by_role("textbox", name="Is there anything you need?").fill(NEED)
    page.get_by_role("button", name="Send to my interventionist").click()

    # Sent back: the missed one is marked, everything else is as she left it.
    page.get_by_text("Please look again at the questions marked below.").wait_for()
    fifth = page.get_by_role("group", name=items[4].text)
    assert fifth.get_by_text("Please choose the answer closest to how you felt.").is_visible()
    assert (
        page.get_by_role("textbox", name="How have you been, in a few words?").input_value()
        == FEELING
    )
    first = page.get_by_role("group", name=items[0].text)
    assert first.get_by_label(CHOSEN[0], exact=True).is_checked()
    assert page.get_by_role("textbox", name="Is there anything you need?").input_value() == NEED
    shot(page, "check-in-3-sent-back-phone")
    assert axe_violations(page) == []

    fifth.get_by_text("More than half of the time", exact=True).click()
    page.get_by_role("button", name="Send to my interventionist").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert "Jordan Reyes" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "check-in-4-thanks-phone")
    assert axe_violations(page) == []

    db.session.expire_all()
    (waiting,) = aftercare.waiting_review(case)
    assert waiting.family_needs == NEED and waiting.loved_one_words == ABOUT_HIM

    # Home now thanks her instead of asking again.
    page.get_by_role("link", name="Back to your portal").first.click()
    page.wait_for_url("**/portal/")
    page.get_by_text("Thank you for your check-in").wait_for()
    assert page.get_by_role("link", name="Tell us how you are").count() == 0
    context.close()
