"""Secure messages between a family member and the staff on their case:
each member has one thread, only they and the case's staff read it, every
read and write is audited without its words, and bad input keeps what was typed."""

import re

import pytest
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.domain.messages import MAX_BODY
from casework.extensions import db
from casework.messages.models import Message
from tests.conftest import PASSWORD, login

FRAN_WORDS = "Dad slept at home last night.\nCan we talk on Thursday?"
SAM_WORDS = "Sam asks privately: is the rehearsal still on?"


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


@pytest.fixture
def clients(app, family, people):
    def make(user):
        client = app.test_client()
        assert login(client, user).status_code == 302
        return client

    return make


def send_as_member(client, body):
    return client.post("/portal/messages", data={"body": body})


def staff_thread(case, contact):
    return f"/cases/{case.reference}/messages/{contact.id}"


def test_a_member_writes_and_the_interventionist_sees_the_count_then_replies(family, clients):
    case, fran = family["case"], family["fran_contact"]
    member, owner = clients(family["fran"]), clients(family["owner"])
    response = send_as_member(member, FRAN_WORDS)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/portal/messages#latest"
    )

    overview = text(owner.get(f"/cases/{case.reference}/"))
    tab = re.search(r'href="/cases/[^"]+/messages/"[^>]*>(.*?)</a>', overview).group(1)
    assert "Messages" in tab and ">1<" in tab  # the unread count in the tab
    caseload = text(owner.get("/cases/"))
    assert "Read 1 new message from the family" in caseload
    assert "Dad slept" not in overview and "Dad slept" not in caseload  # a count, never the words
    listing = text(owner.get(f"/cases/{case.reference}/messages/"))
    assert "Fran Family" in listing and "1 new" in listing

    thread = text(owner.get(staff_thread(case, fran)))
    assert "Dad slept at home last night.\nCan we talk on Thursday?" in thread  # line break kept
    # Opened: the count goes.
    overview = text(owner.get(f"/cases/{case.reference}/"))
    assert "unread" not in overview
    assert "new message from the family" not in text(owner.get("/cases/"))

    reply = owner.post(staff_thread(case, fran), data={"body": "  Thursday at 4 works.  "})
    assert reply.status_code == 302
    home = text(member.get("/portal/"))
    assert re.search(r"Messages <span class=\"count\">1<", home)  # a count in the member's menu
    assert "Thursday at 4" not in home
    page = text(member.get("/portal/messages"))
    assert "Thursday at 4 works." in page and "Olivia Owner" in page
    assert '<span class="count">' not in page.split("</nav>")[0]  # read now
    stored = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert [m.body for m in stored] == [FRAN_WORDS, "Thursday at 4 works."]
    assert all(m.read_at is not None for m in stored)


def test_messages_never_reach_another_member_of_the_case_or_another_case(family, clients):
    case = family["case"]
    fran, sam, olive = clients(family["fran"]), clients(family["sam"]), clients(family["olive"])
    send_as_member(fran, FRAN_WORDS)
    send_as_member(sam, SAM_WORDS)
    owner = clients(family["owner"])
    owner.post(staff_thread(case, family["fran_contact"]), data={"body": "For Fran only."})

    fran_page = text(fran.get("/portal/messages"))
    sam_page = text(sam.get("/portal/messages"))
    olive_page = text(olive.get("/portal/messages"))
    assert "Dad slept" in fran_page and "For Fran only." in fran_page
    assert "is the rehearsal" not in fran_page
    assert "is the rehearsal" in sam_page
    assert "Dad slept" not in sam_page and "For Fran only." not in sam_page
    for words in ("Dad slept", "is the rehearsal", "For Fran only."):
        assert words not in olive_page
    # The portal takes no thread id: there is no URL to another member's thread.
    assert fran.get(f"/portal/messages/{family['sam_contact'].id}").status_code == 404
    # Staff threads are one per member.
    fran_thread = text(owner.get(staff_thread(case, family["fran_contact"])))
    assert "is the rehearsal" not in fran_thread and "Dad slept" in fran_thread


def test_staff_who_cannot_see_the_case_get_404(family, clients, people):
    case, other = family["case"], clients(people["other"])
    send_as_member(clients(family["fran"]), FRAN_WORDS)
    for url in (
        f"/cases/{case.reference}/messages/",
        staff_thread(case, family["fran_contact"]),
    ):
        assert other.get(url).status_code == 404
    assert (
        other.post(staff_thread(case, family["fran_contact"]), data={"body": "hi"}).status_code
        == 404
    )
    # A contact of another case, through a case the user may see: 404 too.
    owner = clients(family["owner"])
    assert owner.get(staff_thread(case, family["olive_contact"])).status_code == 404
    assert (
        owner.post(staff_thread(case, family["olive_contact"]), data={"body": "x"}).status_code
        == 404
    )
    assert db.session.scalar(select(Message).where(Message.body == "x")) is None
    # A supervisor sees every case.
    assert (
        clients(people["supervisor"]).get(staff_thread(case, family["fran_contact"])).status_code
        == 200
    )
    # A family member never passes the staff guard.
    assert clients(family["fran"]).get(f"/cases/{case.reference}/messages/").status_code == 403


@pytest.mark.parametrize("body", ["", "   \n  ", "y" * (MAX_BODY + 1)])
def test_an_empty_or_too_long_message_is_sent_back_with_what_was_typed(family, clients, body):
    member, owner = clients(family["fran"]), clients(family["owner"])
    for client, url in (
        (member, "/portal/messages"),
        (owner, staff_thread(family["case"], family["fran_contact"])),
    ):
        response = client.post(url, data={"body": body})
        assert response.status_code == 422
        page = text(response)
        assert "Please write your message first." in page or "at most 4,000 characters" in page
        if body.strip():
            assert body in page  # the typed text is still in the box
    assert db.session.scalars(select(Message)).all() == []


def test_a_message_is_plain_text_shown_escaped(family, clients):
    member = clients(family["fran"])
    send_as_member(member, "<script>alert(1)</script> **not bold**")
    page = text(member.get("/portal/messages"))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **not bold**" in page


def test_every_read_and_write_is_audited_without_the_words(family, clients):
    case = family["case"]
    member, owner = clients(family["fran"]), clients(family["owner"])
    send_as_member(member, FRAN_WORDS)
    member.get("/portal/messages")
    owner.get(staff_thread(case, family["fran_contact"]))
    owner.post(staff_thread(case, family["fran_contact"]), data={"body": "Thursday at 4 works."})
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()
    summaries = [(e.action, e.summary) for e in events if e.summary and "message" in e.summary]
    assert summaries == [
        ("create", "Family member sent a message"),
        ("view", "Family member read their messages"),
        ("view", "Staff read the messages with a family member"),
        ("create", "Staff sent a message to a family member"),
    ]
    for event in events:
        for field in (event.summary, event.reason, event.object_id):
            assert "Dad slept" not in (field or "") and "Thursday" not in (field or "")


def test_staff_cannot_write_to_a_contact_without_a_portal_account(family, clients):
    case = family["case"]
    plain = next(c for c in case.contacts if c.user_id is None)
    owner = clients(family["owner"])
    page = text(owner.get(staff_thread(case, plain)))
    assert "has no portal account" in page and "Send message" not in page
    assert owner.post(staff_thread(case, plain), data={"body": "Hello"}).status_code == 409
    assert db.session.scalars(select(Message)).all() == []


def test_a_message_without_the_forms_csrf_token_is_refused(make_app_with, family):
    app = make_app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"email": family["fran"].email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    refused = client.post("/portal/messages", data={"body": "No token here"})
    assert refused.status_code == 400
    assert db.session.scalars(select(Message)).all() == []
    form = client.get("/portal/messages").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    sent = client.post("/portal/messages", data={"body": "With its token", "csrf_token": token})
    assert sent.status_code == 302
    assert [m.body for m in db.session.scalars(select(Message))] == ["With its token"]
