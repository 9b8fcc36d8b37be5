"""Notes never leave the staff side: every note of the demo practice is
harvested, and no line of one is found in anything a family member can open
(the portal, their packet, their session files) or in what staff hand to
families (handouts, packets) or to calendars (feeds, .ics files)."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.cases.models import FamilyCase
from casework.education.models import Packet
from casework.extensions import db
from casework.notes.models import Addendum, Note
from casework.scheduling.models import CaseSession
from tests.conftest import login

PASSWORD = "demo password 1"
LINK = re.compile(r'href="(/portal/[^"#?]*)"')


def lines_of(text: str) -> set[str]:
    """The distinctive lines of a note: no headings, nothing short."""
    found = set()
    for line in text.splitlines():
        line = line.strip()
        if len(line) >= 40 and not line.startswith("#"):
            found.add(" ".join(line.split())[:60])
    return found


def text_of(response) -> str:
    if response.mimetype == "application/pdf":
        reader = PdfReader(BytesIO(response.data))
        raw = " ".join(page.extract_text() for page in reader.pages)
    else:
        raw = response.get_data(as_text=True)
        raw = raw.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
        raw = raw.replace("\\n", " ").replace("\\,", ",").replace("\r\n ", "")
    return " ".join(raw.split())


@pytest.fixture
def demo(app, seed_demo):
    seed_demo(PASSWORD)
    notes = db.session.scalars(select(Note)).all()
    assert len(notes) > 50
    secrets = set()
    for note in notes:
        secrets |= lines_of(note.body)
    for addendum in db.session.scalars(select(Addendum)):
        secrets |= lines_of(addendum.body)
    assert len(secrets) > 20
    return secrets


def crawl_portal(client) -> dict[str, str]:
    seen, queue, texts = set(), ["/portal/"], {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = text_of(response)
        if response.mimetype == "text/html":
            queue.extend(LINK.findall(response.get_data(as_text=True)))
    return texts


def assert_no_note_in(texts: dict[str, str], secrets: set[str]) -> None:
    for where, text in texts.items():
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{where} shows note text: {leaked[:2]}"


def family_side(app, demo):
    client = app.test_client()
    assert login(client, "family@example.org", PASSWORD).status_code == 302
    texts = crawl_portal(client)
    assert any(url.endswith(".pdf") for url in texts), "the family's packet was harvested"
    assert any(url.endswith(".ics") for url in texts), "a session file was harvested"
    assert_no_note_in(texts, demo)


def search_works(app, demo):
    """The harvest and the search work: a note's own page shows its lines."""
    client = app.test_client()
    login(client, "supervisor@example.org", PASSWORD)
    note = db.session.scalars(select(Note).where(Note.kind == "session")).first()
    reference = db.session.get(FamilyCase, note.case_id).reference
    shown = text_of(client.get(f"/cases/{reference}/notes/{note.id}"))
    assert lines_of(note.body) and all(line in shown for line in lines_of(note.body))


def staff_side(app, demo):
    client = app.test_client()
    assert login(client, "supervisor@example.org", PASSWORD).status_code == 302
    texts = {}
    noted = db.session.execute(
        select(CaseSession.id)
        .join(Note, Note.session_id == CaseSession.id)
        .order_by(CaseSession.id)
        .limit(4)
    ).all()
    assert noted
    for (session_id,) in noted:
        session = db.session.get(CaseSession, session_id)
        base = f"/cases/{session.case.reference}/sessions/{session_id}"
        for url in (f"{base}/handout.pdf", f"{base}.ics"):
            texts[url] = text_of(client.get(url))
    for packet in db.session.scalars(select(Packet)):
        reference = db.session.get(FamilyCase, packet.case_id).reference
        url = f"/cases/{reference}/packets/{packet.id}.pdf"
        texts[url] = text_of(client.get(url))

    for who in ("interventionist@example.org", "interventionist2@example.org"):
        staff = app.test_client()
        login(staff, who, PASSWORD)
        made = staff.post("/calendar/feed", data={"action": "replace"}).get_data(as_text=True)
        path = re.search(r'value="http://localhost(/calendar/feed/[^"]+\.ics)"', made).group(1)
        response = app.test_client().get(path)
        assert response.status_code == 200
        texts[f"feed of {who}"] = text_of(response)

    assert_no_note_in(texts, demo)


def test_no_note_reaches_families_handouts_packets_feeds_or_session_files(app, demo):
    # One seeded practice for the three checks (seeding it is most of the cost).
    search_works(app, demo)
    family_side(app, demo)
    staff_side(app, demo)
