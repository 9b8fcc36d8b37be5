"""The packet a family downloads from the portal, checked by its text."""

from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.extensions import db


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_shared_packet_prints_cover_contents_modules_schedule_and_crisis_lines(
    family, as_user, add_session, make_packet, modules, consented
):
    mine = add_session(family["case"], [family["fran_contact"]], title="Family evening")
    add_session(family["case"], [family["sam_contact"]], title="Sam's own session")
    slugs = ("how-recovery-works", "enabling-versus-supporting", "writing-your-letter")
    packet = make_packet(family["case"], *slugs, family_name="Whitaker")
    response = as_user(family["fran"]).get(f"/portal/packets/{packet.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pages = _pages(response.data)
    text = _flat("\n".join(pages))
    assert "Prepared for the Whitaker family" in _flat(pages[0])
    assert "Contents" in text
    for slug in slugs:
        assert _flat(modules[slug].latest.title) in text
    assert "Page 1 of" in text
    assert "988" in text
    assert mine.title in text and "Sam's own session" not in text
    assert family["owner"].name in text
    assert "42 CFR part 2" in text
    assert family["case"].loved_one_name not in text
    exported = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.object_type == "Packet")
    ).one()
    assert exported.case_id == family["case"].id and exported.object_id == str(packet.id)


def test_a_packet_is_404_until_it_is_shared(family, as_user, make_packet, consented):
    packet = make_packet(family["case"], "how-recovery-works", shared=False)
    client = as_user(family["fran"])
    assert client.get(f"/portal/packets/{packet.id}.pdf").status_code == 404
    html = client.get("/portal/").get_data(as_text=True)
    assert f"/portal/packets/{packet.id}.pdf" not in html
    from casework.education import service as education

    education.share_packet(family["case"], packet)
    db.session.commit()
    assert client.get(f"/portal/packets/{packet.id}.pdf").status_code == 200
