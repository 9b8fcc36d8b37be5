"""The intervention end to end in real browsers: staff build the team on the
Intervention tab, a family member writes and shares her letter on a phone,
staff return it with a comment from the member's page, she edits and shares
again, staff make it final and print the run sheet. Pages pass axe-core;
the run sheet's pages are turned into pictures to look at."""

import shutil
import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader

from casework.auth.models import Role
from tests.browser.conftest import AXE, SCREENSHOTS, axe_violations, sign_in
from tests.conftest import PASSWORD
from tests.portal.conftest import contact_of

pytestmark = pytest.mark.browser

LETTER = "Dear Marcus,\n\nI love you. I was scared the night you did not come home."
COMMENT = "Lovely. Add what you hope for, and end by asking him to accept help today."
MORE = "\n\nWill you go to Cedar Ridge today? The bed is ready."


def test_staff_and_family_carry_a_letter_to_final_and_print_the_run_sheet(
    live_server, browser, factory
):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(me, contacts=0, loved_one_name="Marcus Webb", phase="intervention")
    dana = factory.family_member(case, name="Dana Webb", email="dana@example.net")
    dana_contact = contact_of(dana)
    url = live_server.url
    tab = f"{url}/cases/{case.reference}/intervention/"

    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    staff = staff_ctx.new_page()
    staff.set_default_timeout(10_000)
    sign_in(staff, url, me.email, PASSWORD)
    staff.wait_for_url("**/cases/")
    staff.goto(tab)
    staff.get_by_role("link", name="Add a member").click()
    staff.get_by_label("From the family's contacts").select_option(str(dana_contact.id))
    staff.get_by_label("Reading order").fill("1")
    staff.get_by_label("Seat", exact=True).fill("2")
    staff.get_by_role("button", name="Add to the team").click()
    staff.get_by_text("Dana Webb is on the team.").wait_for()
    member_url = staff.url
    staff.goto(tab)
    staff.get_by_role("link", name="Add a member").click()
    staff.get_by_label("Or someone else: name").fill("Pastor Dan Ruiz")
    staff.get_by_label("Who they are to the loved one").fill("Pastor")
    staff.get_by_label("Role").select_option("supporter")
    staff.get_by_label("Seat", exact=True).fill("1")
    staff.get_by_label("Notes for staff only").fill("Knows Marcus from youth group")
    staff.get_by_role("button", name="Add to the team").click()
    staff.goto(tab)
    assert "Pastor Dan Ruiz" in staff.content() and "Not started" in staff.content()
    assert axe_violations(staff) == []

    phone_ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, bypass_csp=True
    )
    phone = phone_ctx.new_page()
    phone.set_default_timeout(10_000)
    sign_in(phone, url, dana.email, PASSWORD)
    phone.goto(f"{url}/portal/intervention")
    phone.get_by_role("textbox", name="Your letter to your loved one").fill(LETTER)
    phone.get_by_role("button", name="Save and send for review").click()
    phone.get_by_text("Your letter is on its way to your interventionist.").wait_for()

    staff.goto(member_url)
    assert "I was scared the night you did not come home" in staff.content()
    staff.get_by_label("Comment for the letter's author").fill(COMMENT)
    staff.get_by_role("button", name="Return with comments").click()
    staff.get_by_text("Returned to its author with your comment.").wait_for()

    phone.goto(f"{url}/portal/intervention")
    phone.get_by_text(COMMENT).wait_for()
    box = phone.get_by_role("textbox", name="Your letter to your loved one")
    box.fill(box.input_value() + MORE)
    phone.get_by_role("button", name="Save and send for review").click()
    phone.get_by_text("Your letter is on its way to your interventionist.").wait_for()

    staff.goto(member_url)
    staff.get_by_role("button", name="Make it final").first.click()
    staff.get_by_text("Letter made final.").wait_for()
    SCREENSHOTS.mkdir(exist_ok=True)
    staff.screenshot(path=str(SCREENSHOTS / "intervention-member.png"), full_page=True)
    assert axe_violations(staff) == []

    phone.goto(f"{url}/portal/intervention")
    phone.get_by_text("This letter is locked").wait_for()
    assert "Knows Marcus from youth group" not in phone.content()  # staff notes stay staff's

    staff.goto(tab)
    staff.screenshot(path=str(SCREENSHOTS / "intervention-tab.png"), full_page=True)
    response = staff.request.get(f"{url}/cases/{case.reference}/intervention/run-sheet.pdf")
    assert response.status == 200
    pdf = response.body()
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "Dana Webb" in text and "Pastor Dan Ruiz" in text and "Knows Marcus" in text
    if shutil.which("pdftoppm"):
        target = SCREENSHOTS / "run-sheet"
        (SCREENSHOTS / "run-sheet.pdf").write_bytes(pdf)
        subprocess.run(  # noqa: S603  our own file, a fixed tool
            ["pdftoppm", "-png", "-r", "60", str(SCREENSHOTS / "run-sheet.pdf"), str(target)],
            check=True,
        )
        assert list(SCREENSHOTS.glob("run-sheet-*.png"))
    staff_ctx.close()
    phone_ctx.close()
