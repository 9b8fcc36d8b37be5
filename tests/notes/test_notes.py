"""Notes: writing, the lock on every path, signatures and their check,
addenda, supervision, next steps, and what a note costs to list."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from casework.audit.models import Action, AuditEvent
from casework.domain import notes as rules
from casework.extensions import db
from casework.notes import service
from casework.notes.models import Addendum, Note, NoteRound
from casework.timeutil import utcnow
from tests.conftest import PASSWORD, count_queries, csrf_token
from tests.notes.conftest import BODY, contact_note, form_of, signed_note


def page(response) -> str:
    return response.get_data(as_text=True)


def fresh(note: Note) -> Note:
    db.session.expire_all()
    return db.session.get(Note, note.id)


# ---- writing ---------------------------------------------------------------------------


def test_marking_a_session_held_opens_its_note_with_the_practice_headings(
    people, as_user, add_session
):
    case, owner = people["case"], people["owner"]
    session = add_session(case, starts_at=utcnow() - timedelta(hours=2), kind="first_call")
    client = as_user(owner)

    marked = client.post(f"/cases/{case.reference}/sessions/{session.id}/held")

    note_url = f"/cases/{case.reference}/sessions/{session.id}/note"
    assert marked.status_code == 302 and marked.headers["Location"] == note_url
    editor = page(client.get(note_url))
    for heading in rules.DEFAULT_HEADINGS["session"]:
        assert f"## {heading}" in editor.replace("&#39;", "'")
    assert db.session.scalar(select(func.count()).select_from(Note)) == 0  # nothing until saved

    saved = client.post(
        note_url, data={"body": "## Purpose\n\nFirst call.", "contacts": [], "save": "1"}
    )
    note = db.session.scalar(select(Note))
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/notes/{note.id}/edit")
    assert (note.kind, note.session_id, note.status) == ("session", session.id, "draft")
    assert note.occurred_at == session.starts_at.replace(second=0, microsecond=0)
    # One note a session: the session's note link now leads to this one.
    again = client.get(note_url)
    assert again.headers["Location"].endswith(f"/notes/{note.id}")

    tab = page(client.get(f"/cases/{case.reference}/sessions/"))
    assert "Note: draft" in tab


def test_a_session_not_held_has_no_note_yet(people, as_user, add_session):
    case = people["case"]
    session = add_session(case)  # in three days
    client = as_user(people["owner"])
    response = client.post(
        f"/cases/{case.reference}/sessions/{session.id}/note", data={"body": "x", "save": "1"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Note)) == 0


def test_a_contact_note_keeps_its_people_and_renders_markdown_safely(people, as_user):
    case, owner = people["case"], people["owner"]
    client = as_user(owner)
    mother = case.active_contacts[0]
    body = "## Reason\n\nShe called <script>alert(1)</script> about **money**."
    response = client.post(
        f"/cases/{case.reference}/notes/new?kind=phone",
        data={
            "kind": "phone",
            "date": "2026-11-20",
            "time": "14:30",
            "duration_minutes": "20",
            "contacts": [str(mother.id)],
            "staff": [str(owner.id)],
            "body": body,
            "save": "1",
        },
    )
    assert response.status_code == 302
    note = db.session.scalar(select(Note))
    assert [c.id for c in note.contacts] == [mother.id] and note.duration_minutes == 20
    shown = page(client.get(f"/cases/{case.reference}/notes/{note.id}"))
    assert "<strong>money</strong>" in shown and "<script>" not in shown
    assert mother.name in shown


def test_a_collateral_contact_names_who_it_was_with(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    response = client.post(
        f"/cases/{case.reference}/notes/new?kind=collateral",
        data={"kind": "collateral", "date": "2026-11-20", "time": "09:00", "body": "Call."},
    )
    assert response.status_code == 422
    assert "Name the person the collateral contact was with." in page(response)
    assert "Call." in page(response)  # the typed text comes back
    assert db.session.scalar(select(func.count()).select_from(Note)) == 0


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "séance", "date": "2026-11-20", "time": "09:00"},
        {"kind": "phone", "date": "not a date", "time": "09:00"},
        {"kind": "phone", "date": "2026-11-20", "time": "09:00", "duration_minutes": "-4"},
        {"kind": "phone", "date": "2026-11-20", "time": "09:00", "contacts": ["999999"]},
        {"kind": "phone", "date": "2026-11-20", "time": "09:00", "body": "x" * 60_001},
    ],
)
def test_bad_input_gets_the_form_again_or_a_400_and_saves_nothing(people, as_user, data):
    case = people["case"]
    client = as_user(people["owner"])
    response = client.post(f"/cases/{case.reference}/notes/new", data=data)
    assert response.status_code in (400, 422)
    assert db.session.scalar(select(func.count()).select_from(Note)) == 0


# ---- signing and the lock --------------------------------------------------------------


def test_signing_needs_the_password_and_keeps_the_draft_when_it_is_wrong(people, as_user):
    case, owner = people["case"], people["owner"]
    note = contact_note(case, owner)
    client = as_user(owner)
    url = f"/cases/{case.reference}/notes/{note.id}/edit"

    wrong = client.post(
        url, data=form_of(note, body=BODY + "More.\n", sign="1", password="not it", save="")
    )
    assert wrong.status_code == 422 and "That is not your password." in page(wrong)
    assert fresh(note).status == "draft" and fresh(note).body == BODY + "More.\n"

    right = client.post(url, data=form_of(fresh(note), sign="1", password=PASSWORD, save=""))
    assert right.status_code == 302
    signed = fresh(note)
    assert signed.status == "signed" and signed.signed_at is not None
    assert signed.content_hash == rules.content_hash(service.signed_content(signed, case.reference))
    shown = page(client.get(f"/cases/{case.reference}/notes/{note.id}"))
    assert f"Signed by {owner.name}" in shown and signed.content_hash[:16] in shown


def test_a_signed_note_is_locked_on_every_path(people, as_user):
    case, owner = people["case"], people["owner"]
    note = signed_note(case, owner)
    before = (note.body, note.content_hash, note.version)
    client = as_user(owner)
    url = f"/cases/{case.reference}/notes/{note.id}/edit"

    # No edit form is offered: the edit page sends the reader to the note.
    shown = client.get(url)
    assert shown.status_code == 302 and shown.headers["Location"].endswith(f"/notes/{note.id}")
    note_page = page(client.get(shown.headers["Location"]))
    assert 'name="body"' not in note_page.split("Add an addendum")[0]
    assert "Edit draft" not in note_page
    # An edit POST answers 409 and changes nothing; so does an autosave.
    posted = client.post(url, data=form_of(note, body="Rewritten."))
    assert posted.status_code == 409
    autosaved = client.post(url, data=form_of(note, body="Rewritten."), headers={"X-Autosave": "1"})
    assert autosaved.status_code == 409 and "locked" in autosaved.get_json()["error"]
    # And the service refuses, whoever calls it.
    with pytest.raises(service.NoteLocked):
        service.save_draft(
            case, fresh(note), service.NoteData(utcnow(), 5, None, [], [], "x"), owner
        )
    db.session.rollback()
    after = fresh(note)
    assert (after.body, after.content_hash, after.version) == before


def test_only_the_author_edits_a_draft(people, as_user, factory):
    case, owner = people["case"], people["owner"]
    co = factory.user(name="Cora Co")
    case.co_interventionist_id = co.id
    note = contact_note(case, owner)
    client = as_user(co)
    url = f"/cases/{case.reference}/notes/{note.id}/edit"
    assert client.post(url, data=form_of(note, body="Mine now.")).status_code == 409
    autosave = client.post(url, data=form_of(note, body="Mine now."), headers={"X-Autosave": "1"})
    assert autosave.status_code == 409
    assert fresh(note).body == BODY


# ---- the signature check ----------------------------------------------------------------


def test_a_note_changed_behind_the_apps_back_is_reported(people, as_user):
    case, owner = people["case"], people["owner"]
    note = signed_note(case, owner)
    other = signed_note(case, owner, body="## Reason\n\nA second call.\n")
    client = as_user(owner)
    tab_url = f"/cases/{case.reference}/notes/"
    assert "all 2 signed entries match their signatures" in page(client.get(tab_url))

    db.session.execute(
        text("UPDATE notes SET body = :body WHERE id = :id"),
        {"body": BODY.replace("mother", "father"), "id": note.id},
    )
    db.session.commit()

    tab = page(client.get(tab_url))
    assert "1 signed entry has changed since it was signed" in tab
    assert f"/notes/{note.id}" in tab.split("has changed")[1].split("</ul>")[0]
    assert f"/notes/{other.id}" not in tab.split("has changed")[1].split("</ul>")[0]
    assert "This note has changed since it was signed" in page(
        client.get(f"/cases/{case.reference}/notes/{note.id}")
    )
    assert service.verify(fresh(note), case.reference) is False
    assert service.verify(fresh(other), case.reference) is True


def test_a_changed_participant_or_time_breaks_the_signature_too(people):
    case, owner = people["case"], people["owner"]
    note = signed_note(case, owner)
    db.session.execute(
        text("UPDATE notes SET occurred_at = :t WHERE id = :id"),
        {"t": note.occurred_at - timedelta(days=1), "id": note.id},
    )
    db.session.commit()
    assert service.verify(fresh(note), case.reference) is False


# ---- addenda ----------------------------------------------------------------------------


def test_an_addendum_is_signed_and_leaves_the_note_as_it_was(people, as_user):
    case, owner = people["case"], people["owner"]
    note = signed_note(case, owner)
    original = (note.body, note.content_hash)
    client = as_user(owner)
    url = f"/cases/{case.reference}/notes/{note.id}/addenda"

    unsigned = client.post(url, data={"reason": "Correction", "body": "Father, not mother."})
    assert unsigned.status_code == 422
    assert "Father, not mother." in page(unsigned)  # kept for another try

    added = client.post(
        url, data={"reason": "Correction", "body": "Father, not mother.", "password": PASSWORD}
    )
    assert added.status_code == 302
    (addendum,) = db.session.scalars(select(Addendum)).all()
    assert (addendum.author_id, addendum.reason) == (owner.id, "Correction")
    assert (fresh(note).body, fresh(note).content_hash) == original
    shown = page(client.get(f"/cases/{case.reference}/notes/{note.id}"))
    assert "Father, not mother." in shown and "Correction" in shown
    assert service.verify_addendum(addendum, fresh(note))

    db.session.execute(text("UPDATE note_addenda SET body = 'Rewritten'"))
    db.session.commit()
    assert "1 signed entry has changed" in page(client.get(f"/cases/{case.reference}/notes/"))


def test_a_draft_takes_no_addendum(people, as_user):
    case, owner = people["case"], people["owner"]
    note = contact_note(case, owner)
    response = as_user(owner).post(
        f"/cases/{case.reference}/notes/{note.id}/addenda",
        data={"reason": "Why", "body": "Text", "password": PASSWORD},
    )
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Addendum)) == 0


# ---- supervision -------------------------------------------------------------------------


def waiting_count(client) -> int | None:
    nav = page(client.get("/cases/")).split('aria-label="Main"')[1].split("</nav>")[0]
    found = re.search(r"Notes to sign off <span class=\"count\">(\d+)", nav)
    return int(found.group(1)) if found else None


def test_co_signature_the_queue_returning_and_the_history(people, as_user):
    case, owner, supervisor = people["case"], people["owner"], people["supervisor"]
    boss = as_user(supervisor)
    assert (
        boss.post(
            "/notes/settings",
            data={"form": "supervision", "person": str(owner.id), f"p{owner.id}-mode": "cosign"},
        ).status_code
        == 302
    )
    note = contact_note(case, owner)
    author = as_user(owner)
    edit_url = f"/cases/{case.reference}/notes/{note.id}/edit"
    author.post(edit_url, data=form_of(note, sign="1", password=PASSWORD, save=""))
    assert fresh(note).status == "awaiting_cosign"
    assert waiting_count(boss) == 1
    assert f"/notes/{note.id}" in page(boss.get("/notes/queue"))
    # Still locked for its author while it waits.
    assert author.post(edit_url, data=form_of(fresh(note), body="x")).status_code == 409

    base = f"/cases/{case.reference}/notes/{note.id}"
    assert boss.post(f"{base}/return", data={"comment": ""}).status_code == 422
    returned = boss.post(f"{base}/return", data={"comment": "Add the safety plan."})
    assert returned.status_code == 302
    assert fresh(note).status == "draft" and waiting_count(boss) is None
    assert "Add the safety plan." in page(author.get(edit_url))

    author.post(
        edit_url,
        data=form_of(
            fresh(note), body=BODY + "Safety plan agreed.\n", sign="1", password=PASSWORD, save=""
        ),
    )
    assert fresh(note).status == "awaiting_cosign"
    assert boss.post(f"{base}/cosign", data={"password": "wrong"}).status_code == 422
    assert boss.post(f"{base}/cosign", data={"password": PASSWORD}).status_code == 302
    done = fresh(note)
    assert done.status == "signed" and done.cosigned_by_id == supervisor.id
    assert waiting_count(boss) is None

    rounds = db.session.scalars(
        select(NoteRound).where(NoteRound.note_id == note.id).order_by(NoteRound.id)
    ).all()
    assert [r.action for r in rounds] == ["signed", "returned", "signed", "cosigned"]
    assert rounds[1].comment == "Add the safety plan."
    assert rounds[0].content_hash != rounds[2].content_hash  # the text changed between
    history = page(boss.get(base))
    assert "Returned by Sam Supervisor" in history and "Co-signed by Sam Supervisor" in history
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "Note", AuditEvent.object_id == str(note.id)
        )
    ).all()
    assert {"sign", "return", "cosign"} <= set(actions)


def test_a_supervisor_never_co_signs_their_own_note(people):
    case, supervisor = people["case"], people["supervisor"]
    note = contact_note(case, supervisor)
    note.status = rules.AWAITING_COSIGN
    with pytest.raises(service.NoteRuleError):
        service.cosign(case, note, supervisor)


def test_review_after_signing(people, as_user):
    case, owner, supervisor = people["case"], people["owner"], people["supervisor"]
    service.set_supervision(owner, "review")
    note = signed_note(case, owner)
    assert note.status == "signed"  # final at once: review does not hold it back
    boss = as_user(supervisor)
    assert waiting_count(boss) == 1
    assert boss.post(f"/cases/{case.reference}/notes/{note.id}/review", data={}).status_code == 302
    assert fresh(note).reviewed_by_id == supervisor.id and waiting_count(boss) is None


def test_headings_are_the_practices_to_edit(people, as_user):
    case = people["case"]
    assert as_user(people["owner"]).get("/notes/settings").status_code == 403
    boss = as_user(people["supervisor"])
    saved = boss.post(
        "/notes/settings",
        data={
            "form": "headings",
            "headings-session": "Goal\nObservations\nNext time",
            "headings-contact": "Why\nWhat was said",
        },
    )
    assert saved.status_code == 302
    editor = page(as_user(people["owner"]).get(f"/cases/{case.reference}/notes/new?kind=text"))
    assert "## Why" in editor and "## What was said" in editor and "## Reason" not in editor


# ---- autosave ----------------------------------------------------------------------------


def test_autosave_saves_the_draft_and_answers_with_its_version(people, as_user):
    case, owner = people["case"], people["owner"]
    client = as_user(owner)
    first = client.post(
        f"/cases/{case.reference}/notes/new?kind=phone",
        data={"kind": "phone", "date": "2026-11-20", "time": "10:00", "body": "Typed so far"},
        headers={"X-Autosave": "1"},
    )
    assert first.status_code == 200
    answer = first.get_json()
    note = db.session.scalar(select(Note))
    assert answer["action"].endswith(f"/notes/{note.id}/edit") and answer["version"] == note.version
    assert note.body == "Typed so far\n"

    second = client.post(
        answer["action"],
        data=form_of(note, body="Typed so far, and more"),
        headers={"X-Autosave": "1"},
    )
    assert second.status_code == 200 and fresh(note).body == "Typed so far, and more\n"
    # A save from a tab holding an older version is refused, not merged.
    stale = client.post(
        answer["action"],
        data=form_of(note, body="Old tab", version="1"),
        headers={"X-Autosave": "1"},
    )
    assert stale.status_code == 409 and fresh(note).body == "Typed so far, and more\n"
    # Saving as typed is audited, off the timeline.
    saves = db.session.scalar(
        select(func.count()).where(AuditEvent.action == Action.SAVE_DRAFT.value)
    )
    assert saves == 2


def test_autosave_refuses_garbage_with_a_4xx(people, as_user):
    case, owner = people["case"], people["owner"]
    note = contact_note(case, owner)
    client = as_user(owner)
    url = f"/cases/{case.reference}/notes/{note.id}/edit"
    for data in ({"date": "yesterday-ish"}, {"time": "25:99"}, {"duration_minutes": "lots"}):
        response = client.post(url, data=form_of(note, **data), headers={"X-Autosave": "1"})
        assert 400 <= response.status_code < 500
    assert fresh(note).body == BODY


def test_autosave_needs_the_csrf_token(make_app_with, people):
    case, owner = people["case"], people["owner"]
    note = contact_note(case, owner)
    app = make_app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(page(client.get("/login")))
    client.post("/login", data={"email": owner.email, "password": PASSWORD, "csrf_token": token})
    url = f"/cases/{case.reference}/notes/{note.id}/edit"
    refused = client.post(url, data=form_of(note, body="No token"), headers={"X-Autosave": "1"})
    assert refused.status_code == 400 and fresh(note).body == BODY
    token = csrf_token(page(client.get(url)))
    accepted = client.post(
        url, data=form_of(note, body="With token", csrf_token=token), headers={"X-Autosave": "1"}
    )
    assert accepted.status_code == 200 and fresh(note).body == "With token\n"


# ---- next steps and landing --------------------------------------------------------------


def test_a_held_session_without_a_signed_note_a_day_on_is_a_next_step(people, as_user, held):
    case, owner = people["case"], people["owner"]
    client = as_user(owner)
    overview = page(client.get(f"/cases/{case.reference}/"))
    assert "Write the note for" in overview and "family education" in overview
    landing = page(client.get("/cases/"))
    assert f"/sessions/{held.id}/note" in landing  # notes to write

    note = service.start_session_note(case, held, owner)
    db.session.commit()
    assert "Finish and sign the note for" in page(client.get(f"/cases/{case.reference}/"))
    service.sign(case, note, owner)
    db.session.commit()
    overview = page(client.get(f"/cases/{case.reference}/"))
    assert "the note for" not in overview
    assert "Note: signed" in page(client.get(f"/cases/{case.reference}/sessions/"))


def test_a_session_held_an_hour_ago_is_not_late_yet(people, as_user, add_session):
    case = people["case"]
    add_session(case, starts_at=utcnow() - timedelta(hours=2), minutes=60, status="held")
    overview = page(as_user(people["owner"]).get(f"/cases/{case.reference}/"))
    assert "the note for" not in overview


# ---- audit, print, and cost --------------------------------------------------------------


def test_reading_and_printing_a_note_are_audited(people, as_user):
    case, owner = people["case"], people["owner"]
    note = signed_note(case, owner)
    client = as_user(people["supervisor"])
    client.get(f"/cases/{case.reference}/notes/{note.id}")
    pdf = client.get(f"/cases/{case.reference}/notes/{note.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id).where(
            AuditEvent.object_type == "Note", AuditEvent.object_id == str(note.id)
        )
    ).all()
    assert ("view", people["supervisor"].id) in events
    assert ("print", people["supervisor"].id) in events


def test_a_printed_note_is_confidential_on_every_page_and_shows_its_signature(people, as_user):
    from io import BytesIO

    from pypdf import PdfReader

    case, owner = people["case"], people["owner"]
    long_body = BODY + "".join(
        f"\n## Part {n}\n\n" + "Words of the session. " * 60 for n in range(8)
    )
    note = signed_note(case, owner, body=long_body)
    response = as_user(owner).get(f"/cases/{case.reference}/notes.pdf")
    reader = PdfReader(BytesIO(response.data))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 2
    for text_of_page in pages:
        assert "CONFIDENTIAL" in text_of_page
        assert "42 CFR Part 2" in text_of_page
    whole = " ".join(pages)
    assert note.content_hash[:16] in whole and f"Signed by {owner.name}" in whole.replace("\n", " ")
    assert case.reference in whole


def test_the_notes_tab_costs_the_same_for_300_notes_as_for_3(people, as_user, factory):
    owner = people["owner"]
    small, big = factory.case(owner, contacts=2), factory.case(owner, contacts=2)
    for case, count in ((small, 3), (big, 300)):
        for n in range(count):
            note = contact_note(case, owner, body=f"Note {n}\n")
            if n % 2:
                service.sign(case, note, owner)
            if n % 10 == 1:
                service.add_addendum(case, note, owner, "More", "Added.")
        db.session.commit()
    client = as_user(owner)
    counts = []
    for case in (small, big):
        url = f"/cases/{case.reference}/notes/"
        client.get(url)
        with count_queries(db.engine) as seen:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
    assert "Page 1 of 15" in page(response)


def test_a_note_posted_after_the_session_ended_comes_back_after_sign_in(make_app_with, people):
    from datetime import UTC, datetime

    case, owner = people["case"], people["owner"]
    note = contact_note(case, owner)
    app = make_app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()

    def sign_in():
        token = csrf_token(page(client.get("/login")))
        return client.post(
            "/login", data={"email": owner.email, "password": PASSWORD, "csrf_token": token}
        )

    sign_in()
    url = f"/cases/{case.reference}/notes/{note.id}/edit"
    token = csrf_token(page(client.get(url)))
    with client.session_transaction() as session:  # a 90-minute interview
        session["seen"] = datetime.now(UTC).timestamp() - 90 * 60
    typed = "Ninety minutes of what the family said, typed as they said it."
    posted = client.post(url, data=form_of(note, body=typed, csrf_token=token))
    assert posted.status_code == 302 and posted.headers["Location"] == "/login"
    assert fresh(note).body == BODY  # nobody was signed in to save it

    back = sign_in()
    assert back.headers["Location"] == url
    assert typed in page(client.get(url))


def test_signing_is_throttled_like_sign_in_and_keeps_the_text(people, make_app_with):
    from tests.conftest import login

    case, owner = people["case"], people["owner"]
    note = contact_note(case, owner)
    app = make_app_with(RATELIMIT_ENABLED=True)
    client = app.test_client()
    assert login(client, owner).status_code == 302
    url = f"/cases/{case.reference}/notes/{note.id}/edit"
    for n in range(5):
        wrong = client.post(
            url,
            data=form_of(fresh(note), body=f"Attempt {n}", sign="1", password="no", save=""),
        )
        assert wrong.status_code == 422
    blocked = client.post(
        url,
        data=form_of(fresh(note), body="The last words", sign="1", password=PASSWORD, save=""),
    )
    assert blocked.status_code == 429
    assert "Too many wrong passwords" in page(blocked) and "The last words" in page(blocked)
    assert fresh(note).status == "draft" and fresh(note).body == "The last words\n"
    refused = db.session.scalar(
        select(func.count()).where(
            AuditEvent.action == Action.LOGIN_FAILED.value, AuditEvent.actor_id == owner.id
        )
    )
    assert refused >= 6  # five wrong passwords and the refusal
