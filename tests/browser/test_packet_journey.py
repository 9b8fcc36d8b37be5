"""An interventionist builds a packet and shares it; the family member downloads it."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from casework.auth.models import Role
from casework.education import library
from casework.extensions import db
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)


def test_build_share_and_download_a_packet(live_server, browser, page, factory):
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(me, loved_one_name="Daniel Whitaker", contacts=1)
    family = factory.family_member(case, name="Laura Whitaker", email="laura@example.org")
    library.sync()
    db.session.commit()
    factory.give_consent(case, [family])  # Daniel shares the family's packets with Laura

    sign_in(page, live_server.url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name="Education"
    ).click()
    page.get_by_role("link", name="Build a packet").click()
    page.get_by_label("Packet title").fill("Getting ready together")
    page.get_by_label("Family name on the cover").fill("Whitaker")
    for title, position in (("Writing Your Letter", "2"), ("Enabling Versus Supporting", "1")):
        row = page.locator(".packet-modules li", has_text=title)
        row.get_by_role("checkbox").check()
        row.locator("input[type=number]").fill(position)
    page.get_by_label("Cover letter (optional)").fill("Dear Laura,\n\nRead these before Thursday.")
    page.get_by_role("button", name="Build the packet").click()
    page.wait_for_url("**/education/#packet-*")
    page.get_by_role("button", name="Share to the family portal").click()
    assert "Shared to the portal" in page.locator(".packet-list").inner_text()
    screenshot(page, "packet-shared")

    family_context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = family_context.new_page()
    sign_in(phone, live_server.url, family.email, PASSWORD)
    phone.wait_for_url("**/portal/")
    link = phone.get_by_role("link", name="Getting ready together")
    href = link.get_attribute("href")
    response = phone.context.request.get(live_server.url + href)  # the family's own cookies
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = _text(response.body())
    assert "Prepared for the Whitaker family" in text
    assert text.index("Enabling Versus Supporting") < text.index("Writing Your Letter")
    assert "Read these before Thursday." in text and "988" in text
    screenshot(phone, "portal-with-packet")
    family_context.close()
