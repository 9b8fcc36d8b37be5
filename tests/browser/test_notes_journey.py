"""A session note in a real browser: "Mark held" opens the note, the draft
saves itself while the interventionist types (and says when), a reload keeps
it, and signing with the password locks it. The pages pass axe-core."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.auth.models import Role
from casework.extensions import db
from casework.notes.models import Note
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow
from tests.browser.conftest import AXE, SCREENSHOTS, axe_violations, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

TYPED = "Denise read her letter aloud for the first time and asked to go last."


def stored_note() -> Note | None:
    db.session.expire_all()
    return db.session.scalar(select(Note))


def test_a_note_saves_as_it_is_typed_and_locks_when_signed(live_server, browser, factory):
    if not AXE.exists():
        pytest.skip(f"axe-core is not at {AXE}")
    me = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes", email="jordan@example.org")
    case = factory.case(me, contacts=2, loved_one_name="Marcus Webb", phase="education")
    session = CaseSession(
        case_id=case.id,
        lead_id=me.id,
        kind="family_education",
        title="Family education",
        starts_at=utcnow() - timedelta(hours=2),
        duration_minutes=90,
    )
    db.session.add(session)
    db.session.commit()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, me.email, PASSWORD)
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/cases/{case.reference}/sessions/{session.id}")
    page.get_by_role("button", name="Mark held").click()
    page.wait_for_url(f"**/sessions/{session.id}/note")

    body = page.get_by_label("Note", exact=True)
    assert "## What happened" in body.input_value()
    body.press("Control+End")
    body.type(TYPED, delay=5)
    status = page.locator("[data-autosave-status]")
    status.filter(has_text="Draft saved at").wait_for()
    note = stored_note()
    assert note is not None and TYPED in note.body and note.status == "draft"
    # The address is now the note's own: a reload keeps what was typed.
    page.wait_for_url(f"**/notes/{note.id}/edit")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "note-editor.png"), full_page=True)
    assert axe_violations(page) == []
    page.reload()
    assert TYPED in page.get_by_label("Note", exact=True).input_value()

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "note-editor-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Your password, to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign and lock").click()
    page.wait_for_url(f"**/notes/{note.id}")
    assert "Signed by Jordan Reyes" in page.content()
    assert stored_note().status == "signed"
    page.screenshot(path=str(SCREENSHOTS / "note-signed.png"), full_page=True)
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/cases/{case.reference}/notes/")
    assert "the signed entry matches its signature" in page.content()
    assert axe_violations(page) == []
    context.close()
