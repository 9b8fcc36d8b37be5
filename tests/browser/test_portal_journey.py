"""A family member follows an invitation, sets a password, reads a module on a
phone and marks it finished."""

import pytest

from casework.auth.models import Role
from casework.education import library
from casework.education import service as education
from casework.extensions import db
from casework.portal import service as portal_service
from casework.timeutil import local_today
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "a quiet walk by the harbor"


def test_accept_invite_read_a_module_and_finish_it(live_server, page, factory):
    from datetime import time, timedelta

    from casework.scheduling.models import CaseSession
    from casework.timeutil import local_to_utc

    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", phone="(555) 010-0102")
    case = factory.case(me, loved_one_name="Daniel Whitaker", contacts=1)
    contact = case.active_contacts[0]
    contact.name, contact.email = "Laura Whitaker", "laura@example.org"
    library.sync()
    modules = {m.slug: m for m in education.active_modules()}
    chosen = [modules["enabling-versus-supporting"], modules["family-self-care-and-resilience"]]
    education.assign(
        case,
        me,
        chosen,
        [contact],
        due_on=local_today() + timedelta(days=7),
        note="Take your time with this one. We will talk about it on Thursday.",
    )
    session = CaseSession(
        case_id=case.id,
        lead_id=me.id,
        kind="family_education",
        title="Family education",
        starts_at=local_to_utc(local_today() + timedelta(days=3), time(18, 30)),
        duration_minutes=90,
        place="12 Harbor Road, Suite 3",
    )
    session.contacts.append(contact)
    db.session.add(session)
    packet = education.create_packet(
        case,
        me,
        title="Understanding and helping your loved one",
        family_name="Whitaker",
        cover_letter=None,
        versions=[m.latest for m in chosen],
        include_schedule=True,
        include_contacts=True,
    )
    education.share_packet(case, packet)
    token = portal_service.invite(case, me, contact)
    db.session.commit()
    factory.give_consent(case, [contact])  # Daniel shares the family's material with Laura
    title = chosen[0].latest.title

    blocked = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/invite/{token}")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Laura"
    page.get_by_label("Choose a password").fill("too short")
    page.get_by_label("Type it again").fill("too short")
    page.get_by_role("button", name="Set my password").click()
    assert "Use at least 10 characters." in page.locator("form").inner_text()
    screenshot(page, "portal-invite")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type it again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()

    page.wait_for_url("**/portal/")
    reading = page.locator("section[aria-labelledby=reading-h]")
    assert "2 to read, whenever you are ready" in reading.inner_text()
    assert "Family education" in page.locator("section[aria-labelledby=sessions-h]").inner_text()
    assert "If someone is in danger" in page.locator(".crisis").inner_text()
    screenshot(page, "portal-home")

    page.get_by_role("link", name=title).click()
    page.wait_for_url("**/portal/reading/*")
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert "Take your time with this one" in page.locator(".reader-note").inner_text()
    body = page.locator(".reader-body")
    assert body.locator("h2").count() >= 2
    # large, readable type on a phone, and nothing wider than the screen
    assert float(body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 18
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "portal-reader")

    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="I’ve finished this").is_visible()
    assert body.is_visible()
    page.emulate_media(media="screen")

    page.get_by_role("button", name="I’ve finished this").click()
    page.wait_for_url("**/portal/")
    assert "Well done" in page.locator(".alert").inner_text()
    assert "You have read 1 of 2 — well done." in reading.inner_text()
    item = page.locator(".reading-item", has_text=title)
    assert "Finished" in item.inner_text()
    screenshot(page, "portal-home-finished")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=title).click()
    assert "You finished this" in page.locator(".reader-done").inner_text()
    screenshot(page, "portal-reader-wide")
    assert not blocked, blocked
