"""A family member's letter on a phone: she signs in, finds her part in the
intervention, writes her letter and sends it for review; staff send it back
with a comment (through the service: the staff pages are another change);
she reads the comment, edits and sends it again; staff make it final and she
sees it locked. Each state passes axe-core at 390 x 844."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from casework.audit.service import acting_as
from casework.auth.models import Role
from casework.extensions import db
from casework.intervention import service as iv
from casework.intervention.models import Letter
from casework.scheduling.models import CaseSession
from casework.timeutil import local_to_utc, local_today
from tests.browser.conftest import AXE, SCREENSHOTS, axe_violations, sign_in
from tests.conftest import PASSWORD
from tests.portal.conftest import contact_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FIRST = (
    "Dear Marcus,\n\nYou are my big brother and I love you. I remember when you taught "
    "me to fish off the pier at Lake Ellis."
)
COMMENT = "This is a warm start. Please add one moment you saw yourself, and end with the ask."
ADDED = "\nLast month you missed Lily's birthday. I was scared. Will you accept help today?"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def stored(member) -> Letter:
    db.session.expire_all()
    return db.session.scalar(select(Letter).where(Letter.member_id == member.id))


def test_a_member_writes_shares_and_sees_her_letter_final_on_a_phone(live_server, browser, factory):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    staff = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(staff, contacts=1, loved_one_name="Marcus Webb", phase="intervention")
    dana = factory.family_member(case, name="Dana Webb", email="dana@example.net")
    leo = factory.family_member(case, name="Leo Webb", email="leo@example.net")
    dana_contact, leo_contact = contact_of(dana), contact_of(leo)
    day = CaseSession(
        case_id=case.id,
        lead_id=staff.id,
        kind="intervention",
        title="The family meeting",
        starts_at=local_to_utc(local_today() + timedelta(days=9), time(10, 0)),
        duration_minutes=120,
        place_kind="in_person",
        place="The Webb home, 14 Birch Lane",
    )
    day.contacts.extend([dana_contact, leo_contact])
    db.session.add(day)
    db.session.flush()
    with acting_as(staff):
        plan = iv.ensure_plan(case)
        plan.session_id = day.id
        iv.save_member(
            case,
            None,
            iv.MemberData(leo_contact, "", "", "chair", 1, 1, True, True, "Leo drives."),
        )
        member = iv.save_member(
            case,
            None,
            iv.MemberData(dana_contact, "", "", "speaker", 2, 2, True, True, "Dana may cry."),
        )
        placement = iv.save_placement(
            case,
            None,
            {
                "facility": "Cedar Ridge Recovery",
                "level": "residential",
                "what_to_pack": "A week of clothes\nPhoto ID and insurance card\nPhone charger",
                "financial_relationship": "none",
                "financial_text": None,
            },
        )
        iv.choose_placement(case, placement)
    db.session.commit()
    factory.give_consent(case, [dana_contact, leo_contact])  # Marcus shares the plan with them

    context = browser.new_context(viewport=PHONE, bypass_csp=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, dana.email, PASSWORD)
    page.wait_for_url("**/portal/")
    page.get_by_role("link", name="Open your part in the intervention").click()
    page.wait_for_url("**/portal/intervention")
    assert "You read" in page.content() and "Cedar Ridge Recovery" in page.content()
    shot(page, "letter-1-empty-phone")
    assert axe_violations(page) == []

    letter = page.get_by_role("textbox", name="Your letter to your loved one")
    letter.fill(FIRST)
    page.get_by_role("button", name="Save my letter").click()
    page.get_by_text("Your letter is saved.").wait_for()
    assert stored(member).body.startswith("Dear Marcus")
    page.get_by_role("button", name="Save and send for review").click()
    page.get_by_text("Your letter is on its way to your interventionist.").wait_for()
    assert stored(member).status == "shared"
    assert (
        page.get_by_role("textbox", name="Your letter to your loved one").count() == 0
    )  # no box to type in
    shot(page, "letter-2-shared-phone")
    assert axe_violations(page) == []

    # Staff send it back with a comment.
    with acting_as(staff):
        iv.return_letter(case, db.session.merge(member), staff, COMMENT)
    db.session.commit()
    page.reload()
    page.get_by_text(COMMENT).wait_for()
    assert "Sent back with comments" in page.content()
    shot(page, "letter-3-returned-phone")
    assert axe_violations(page) == []

    letter = page.get_by_role("textbox", name="Your letter to your loved one")
    letter.press("Control+End")
    letter.type(ADDED, delay=2)
    page.get_by_role("button", name="Save and send for review").click()
    page.get_by_text("Your letter is on its way to your interventionist.").wait_for()
    assert "Will you accept help today?" in stored(member).body
    assert stored(member).status == "shared"

    # Staff make it final.
    with acting_as(staff):
        iv.finalize_letter(case, db.session.merge(member), staff)
    db.session.commit()
    page.reload()
    page.get_by_text("This letter is locked").wait_for()
    assert page.get_by_role("textbox", name="Your letter to your loved one").count() == 0
    assert page.get_by_role("button", name="Save my letter").count() == 0
    assert "Will you accept help today?" in page.content()
    # The comment on the earlier draft is folded away under "Earlier comments".
    assert page.get_by_text(COMMENT).is_hidden()
    page.get_by_text("Earlier comments (1)").click()
    assert page.get_by_text(COMMENT).is_visible()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "letter-4-final-phone")
    assert axe_violations(page) == []
    context.close()
