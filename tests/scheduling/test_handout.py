from datetime import date, time
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.extensions import db
from casework.timeutil import local_to_utc


def _text(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_handout_says_when_where_who_and_crisis_numbers(people, as_user, add_session):
    case, owner = people["case"], people["owner"]
    owner.phone = "(555) 010-0102"
    session = add_session(
        case,
        local_to_utc(date(2031, 3, 11), time(18, 30)),
        90,
        kind="rehearsal",
        title="Rehearsal with the family",
        place_kind="in_person",
        place="12 Harbor Road, Suite 3",
    )
    session.contacts.extend(case.active_contacts)
    db.session.commit()
    client = as_user(owner)
    response = client.get(f"/cases/{case.reference}/sessions/{session.id}/handout.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "Tuesday, March 11, 2031 at 6:30 PM" in text
    assert "1 hour and 30 minutes" in text
    assert "12 Harbor Road, Suite 3" in text
    for contact in case.active_contacts:
        assert contact.name in text
    assert owner.name in text and "(555) 010-0102" in text
    assert "Your letter, printed or handwritten" in text
    assert "988" in text and "911" in text
    assert "Page 1 of" in text
    assert case.loved_one_name not in text
    printed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).one()
    assert printed.case_id == case.id


def test_handout_is_cached_by_its_inputs(people, as_user, add_session, monkeypatch):
    case = people["case"]
    session = add_session(case)
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/sessions/{session.id}/handout.pdf"
    first = client.get(url).data
    import weasyprint

    def no_render(*args, **kwargs):
        raise AssertionError("an unchanged handout was rendered again")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", no_render)
    assert client.get(url).data == first


def test_cancelled_session_handout_says_so(people, as_user, add_session):
    case = people["case"]
    session = add_session(case, status="cancelled", cancel_reason="Snowstorm")
    client = as_user(people["owner"])
    text = _text(client.get(f"/cases/{case.reference}/sessions/{session.id}/handout.pdf").data)
    assert "This session is cancelled" in text and "Snowstorm" in text


def test_handout_names_attending_staff_once_and_is_audited_on_every_download(
    people, as_user, add_session
):
    case, owner, other = people["case"], people["owner"], people["other"]
    session = add_session(case, title="Family meeting")
    session.contacts.extend(case.active_contacts)
    session.staff.extend([owner, other])  # the lead attends too: named once
    db.session.commit()
    client = as_user(owner)
    url = f"/cases/{case.reference}/sessions/{session.id}/handout.pdf"
    first, again = client.get(url), client.get(url)  # rendered, then from the cache
    assert again.status_code == 200 and again.data == first.data
    text = _text(again.data)
    assert text.count(other.name) == 1
    for contact in case.active_contacts:
        assert f"{contact.name} ({contact.relationship_to_loved_one})" in text
    case_id, owner_id, session_id = case.id, owner.id, session.id
    db.session.remove()  # what was committed
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.actor_id)
        .where(AuditEvent.case_id == case_id, AuditEvent.action.in_(("view", "print")))
        .order_by(AuditEvent.id)
    ).all()
    read = ("view", "page", "scheduling.handout", owner_id)
    printed = ("print", "CaseSession", str(session_id), owner_id)
    assert [tuple(e) for e in events] == [read, printed, read, printed]
