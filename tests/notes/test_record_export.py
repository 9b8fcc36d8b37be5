"""The case record export: GET /cases/<ref>/record.json and record.pdf.

A case with a record of every kind is exported and the JSON is validated
against the shipped JSON Schema; its content, its audit event, the PDF's
text, a note changed behind the app's back, who may export, and a failure
half-way are each checked."""

import json
import re
import tomllib
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text

from casework.assessment import service as assessment_service
from casework.audit.models import Action, AuditEvent
from casework.cases import sections
from casework.cases import service as cases_service
from casework.cases.models import FamilyCase
from casework.demo import builders
from casework.domain.phases import Phase
from casework.education import service as education_service
from casework.extensions import db
from casework.notes import record as export
from casework.notes import service as notes_service
from casework.practice_text import REDISCLOSURE_STATEMENT
from casework.printing import PrintedDocument
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]
SESSION_BODY = "## What happened\n\nThe family agreed on **who speaks first** at the meeting."
CALL_BODY = "## Summary\n\nThe mother called about the weekend; she sounded steadier."
ADDENDUM_BODY = "The mother called back: the weekend date moves to Sunday."
RETURN_COMMENT = "Say which family members were on the call."
SAFETY_WARNING = "Stops answering the phone for a day or more."


@pytest.fixture
def full_case(people, factory):
    """The people's case with one or more records of every kind the export
    holds, written through the services as the app writes them."""
    case, owner, supervisor = people["case"], people["owner"], people["supervisor"]
    mother, sister = case.contacts[0], case.contacts[1]
    now = utcnow().replace(microsecond=0)
    with builders.at(now - timedelta(days=20), owner):
        cases_service.archive_contact(case, sister, "Moved abroad")
        builders.move_case(case, owner, Phase.ASSESSMENT, reason="First call held")

    held = CaseSession(
        case_id=case.id,
        lead_id=owner.id,
        kind="family_education",
        title="Family education",
        starts_at=now - timedelta(days=10),
        duration_minutes=90,
        place_kind="in_person",
        place="The office",
        status="held",
        contacts=[mother],
        staff=[owner],
    )
    cancelled = CaseSession(
        case_id=case.id,
        lead_id=owner.id,
        kind="follow_up",
        title="Follow-up",
        starts_at=now - timedelta(days=5),
        duration_minutes=60,
        status="cancelled",
        cancel_reason="The family asked to move it",
    )
    db.session.add_all([held, cancelled])
    db.session.flush()

    with builders.at(now - timedelta(days=9), owner):
        session_note = notes_service.start_session_note(case, held, owner)
        data = notes_service.NoteData(held.starts_at, 90, None, [mother], [owner], SESSION_BODY)
        notes_service.save_draft(case, session_note, data, owner)
        notes_service.sign(case, session_note, owner)
    with builders.at(now - timedelta(days=8), owner):
        call = notes_service.start_contact_note(
            case,
            "phone",
            notes_service.NoteData(now - timedelta(days=8), 15, None, [mother], [owner], CALL_BODY),
            owner,
        )
        notes_service.sign(case, call, owner)
    with builders.at(now - timedelta(days=7), owner):
        notes_service.add_addendum(case, call, owner, "A later call", ADDENDUM_BODY)

    # A note under co-signature: signed, returned with a comment, signed again, co-signed.
    notes_service.set_supervision(owner, "cosign")
    with builders.at(now - timedelta(days=6), owner):
        text_note = notes_service.start_contact_note(
            case,
            "text",
            notes_service.NoteData(now - timedelta(days=6), None, None, [mother], [], "Texted."),
            owner,
        )
        notes_service.sign(case, text_note, owner)
    with builders.at(now - timedelta(days=6, hours=-1), supervisor):
        notes_service.return_note(case, text_note, supervisor, RETURN_COMMENT)
    with builders.at(now - timedelta(days=6, hours=-2), owner):
        notes_service.sign(case, text_note, owner)
    with builders.at(now - timedelta(days=6, hours=-3), supervisor):
        notes_service.cosign(case, text_note, supervisor)
    with builders.at(now - timedelta(days=1), owner):
        notes_service.start_contact_note(
            case,
            "email",
            notes_service.NoteData(now - timedelta(days=1), None, None, [], [], "Draft email."),
            owner,
        )

    with builders.at(now - timedelta(days=4), owner):
        assessment_service.save_draft(
            case,
            owner,
            builders.assessment_data(
                {
                    "readiness": {"stage": "contemplation", "ruler": 4},
                    "substances": [{"substance": "Alcohol", "frequency": "Every day"}],
                }
            ),
        )
        assessment_service.complete(case, owner, assessment_service.current(case))
        builders.give_screening(case, owner, "PHQ-9", 12)
        builders.give_screening(case, owner, "AUDIT", 21, reporter=mother)
        assessment_service.record_safety_plan(
            case,
            owner,
            {
                "warning_signs": SAFETY_WARNING,
                "coping_steps": "Walk the dog.",
                "people_to_call": "Mother; the crisis line.",
                "means_safety": None,
            },
        )
        assessment_service.record_safety_review(case, owner, "Reviewed with the family.")

    with builders.at(now - timedelta(days=3), owner):
        module = education_service.write_module(
            owner,
            None,
            slug="export-module",
            title="Talking with your loved one",
            summary="How to start.",
            topics=None,
            body="## Start\n\nCalmly.",
            sources=None,
        )
        education_service.assign(
            case, owner, [module], [mother], due_on=(now + timedelta(days=7)).date(), note="Read"
        )
        education_service.create_packet(
            case,
            owner,
            title="Week one",
            family_name="The Family",
            cover_letter="Dear family,",
            versions=[module.latest],
            include_schedule=False,
            include_contacts=True,
        )
    db.session.commit()
    return {
        "case": case,
        "held": held,
        "cancelled": cancelled,
        "session_note": session_note,
        "call": call,
        "text_note": text_note,
        "mother": mother,
        "sister": sister,
    }


def validate(document: dict) -> None:
    validator = jsonschema.Draft202012Validator(
        export.schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def get_json(client, ref):
    response = client.get(f"/cases/{ref}/record.json")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response, json.loads(response.data)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def flat(text_: str) -> str:
    return " ".join(text_.split())


def committed_exports(case_id: int) -> list[AuditEvent]:
    """The record's export events (its disclosure has its own: tests/consent)."""
    db.session.remove()  # what the request committed, not what this session holds
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.case_id == case_id,
                AuditEvent.action == Action.EXPORT.value,
                AuditEvent.object_type == "CaseRecord",
            )
        )
    )


# ---- the JSON -------------------------------------------------------------------


def test_the_export_is_the_whole_case_and_follows_its_schema(people, full_case, as_user):
    case = full_case["case"]
    response, document = get_json(as_user(people["owner"]), case.reference)

    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="record-{case.reference}.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    validate(document)

    assert document["version"] == export.SCHEMA_VERSION == "1.3"
    assert document["exported_at"].endswith("Z")
    assert document["exported_by"] == {
        "id": people["owner"].id,
        "name": "Olivia Owner",
        "role": "interventionist",
    }
    assert document["practice"]["name"] == "Harbor Family Intervention"
    assert document["case_reference"] == case.reference
    parts = document["sections"]
    assert {"case", "scheduling", "assessment", "education", "notes"} <= set(parts)

    # The case, every contact (the archived one too) and its phase history.
    the_case = parts["case"]
    assert the_case["reference"] == case.reference
    assert the_case["loved_one_name"] == case.loved_one_name
    assert the_case["phase"] == "assessment"
    contacts = {c["name"]: c for c in the_case["contacts"]}
    assert contacts[full_case["mother"].name]["archived_at"] is None
    assert contacts[full_case["sister"].name]["archive_reason"] == "Moved abroad"
    assert contacts[full_case["sister"].name]["archived_at"].endswith("Z")
    assert contacts["Fran Family"]["has_portal_account"] is True
    assert [(h["from_phase"], h["to_phase"], h["reason"]) for h in the_case["phase_history"]] == [
        ("scheduling", "assessment", "First call held")
    ]

    # Sessions, with attendees and why one was cancelled.
    sessions = {s["id"]: s for s in parts["scheduling"]["sessions"]}
    held = sessions[full_case["held"].id]
    assert (held["status"], held["duration_minutes"], held["place"]) == ("held", 90, "The office")
    assert held["attendees"]["contacts"][0]["name"] == full_case["mother"].name
    assert held["attendees"]["staff"] == [{"id": people["owner"].id, "name": "Olivia Owner"}]
    assert sessions[full_case["cancelled"].id]["cancel_reason"] == "The family asked to move it"

    # Notes: bodies, signatures with their hashes, verification, addenda, rounds.
    notes = parts["notes"]
    assert notes["verification"] == {"checked": 4, "ok": True, "changed": []}
    by_id = {n["id"]: n for n in notes["notes"]}
    session_note = by_id[full_case["session_note"].id]
    assert session_note["body"].strip() == SESSION_BODY
    assert session_note["session_id"] == full_case["held"].id
    assert session_note["signature"]["content_hash"] == full_case["session_note"].content_hash
    assert session_note["signature"]["verified"] is True
    assert session_note["signature"]["signed_by"]["name"] == "Olivia Owner"
    call = by_id[full_case["call"].id]
    assert call["body"].strip() == CALL_BODY
    [addendum] = call["addenda"]
    assert (addendum["reason"], addendum["body"].strip(), addendum["verified"]) == (
        "A later call",
        ADDENDUM_BODY,
        True,
    )
    assert addendum["content_hash"] == full_case["call"].addenda[0].content_hash
    supervised = by_id[full_case["text_note"].id]
    assert supervised["status"] == "signed"
    assert supervised["cosignature"]["by"]["name"] == "Sam Supervisor"
    assert [(r["action"], r["comment"]) for r in supervised["rounds"]] == [
        ("signed", None),
        ("returned", RETURN_COMMENT),
        ("signed", None),
        ("cosigned", None),
    ]
    [draft] = [n for n in notes["notes"] if n["status"] == "draft"]
    assert (draft["kind"], draft["signature"]) == ("email", None)

    # Assessment, screenings with their answers and totals, the safety plan.
    assessment = parts["assessment"]
    [version] = assessment["assessments"]
    assert version["status"] == "completed"
    assert version["data"]["readiness"] == {"stage": "contemplation", "ruler": 4}
    screenings = {s["code"]: s for s in assessment["screenings"]}
    assert screenings["PHQ-9"]["total"] == 12
    assert screenings["PHQ-9"]["max_total"] == 27
    assert set(screenings["PHQ-9"]["answers"]) == {f"q{i}" for i in range(1, 10)}
    assert screenings["AUDIT"]["total"] == 21
    assert screenings["AUDIT"]["respondent"] == "family"
    assert screenings["AUDIT"]["reported_by"]["name"] == full_case["mother"].name
    assert assessment["safety_plans"][0]["warning_signs"] == SAFETY_WARNING
    assert assessment["safety_reviews"][0]["note"] == "Reviewed with the family."

    # Education: the assignment and the packet with its modules.
    [assignment] = parts["education"]["assignments"]
    assert assignment["contact"]["name"] == full_case["mother"].name
    assert assignment["module"]["title"] == "Talking with your loved one"
    assert assignment["state"] == "assigned"
    [packet] = parts["education"]["packets"]
    assert packet["title"] == "Week one"
    assert [m["slug"] for m in packet["modules"]] == ["export-module"]


def test_the_notes_tab_links_to_the_record(people, full_case, as_user):
    ref = full_case["case"].reference
    page = as_user(people["owner"]).get(f"/cases/{ref}/notes/").get_data(as_text=True)
    assert f'href="/cases/{ref}/record.pdf"' in page
    assert f'href="/cases/{ref}/record.json"' in page


def test_the_export_is_audited_as_an_export_without_clinical_detail(people, full_case, as_user):
    case = full_case["case"]
    get_json(as_user(people["owner"]), case.reference)
    [event] = committed_exports(case.id)
    assert event.actor_id == people["owner"].id
    assert event.object_type == "CaseRecord"
    assert event.summary == "Case record exported as JSON"


def test_a_note_changed_behind_the_apps_back_fails_verification(people, full_case, as_user):
    case, note = full_case["case"], full_case["session_note"]
    db.session.execute(
        text("UPDATE notes SET body = :body WHERE id = :id"),
        {"body": "Rewritten after signing.", "id": note.id},
    )
    db.session.commit()
    client = as_user(people["owner"])

    _, document = get_json(client, case.reference)

    validate(document)
    notes = document["sections"]["notes"]
    assert notes["verification"]["ok"] is False
    assert notes["verification"]["changed"] == [
        {"type": "note", "note_id": note.id, "addendum_id": None}
    ]
    exported = {n["id"]: n for n in notes["notes"]}
    assert exported[note.id]["body"] == "Rewritten after signing."
    assert exported[note.id]["signature"]["verified"] is False
    assert exported[full_case["call"].id]["signature"]["verified"] is True

    pdf = client.get(f"/cases/{case.reference}/record.pdf")
    text_ = flat(" ".join(pdf_pages(pdf.data)))
    assert "DOES NOT MATCH the signed content" in text_
    assert f"{note.content_hash[:16]}… · DOES NOT MATCH" in text_
    assert "1 of the 4 signed entries DOES NOT MATCH its signature" in text_


# ---- the PDF --------------------------------------------------------------------


def test_the_printed_record(people, full_case, as_user):
    case = full_case["case"]
    client = as_user(people["owner"])

    response = client.get(f"/cases/{case.reference}/record.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pages = pdf_pages(response.data)
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert "CONFIDENTIAL" in page, f"page {number} is not marked confidential"
        assert f"Page {number} of {len(pages)}" in page
        # The re-disclosure statement is in every page's footer.
        assert flat(REDISCLOSURE_STATEMENT)[:80] in flat(page), f"page {number}"
    everything = flat(" ".join(pages))
    assert flat(REDISCLOSURE_STATEMENT) in everything
    assert f"Case record · {case.reference}" in everything
    assert case.loved_one_name in everything
    for note in (full_case["session_note"], full_case["call"], full_case["text_note"]):
        assert f"SHA-256 {note.content_hash[:16]}… · matches the signed content" in everything
    addendum_hash = full_case["call"].addenda[0].content_hash[:16]
    assert f"SHA-256 {addendum_hash}… · matches" in everything
    assert "who speaks first" in everything  # Markdown rendered, its text kept
    assert "**" not in everything
    assert ADDENDUM_BODY in everything
    assert RETURN_COMMENT in everything
    assert "all 4 signed entries match their signatures" in everything
    assert "Unsigned draft" in everything
    for heading in ("The case", "Sessions", "Notes", "Assessment", "Family education"):
        assert heading in everything
    assert "The family asked to move it" in everything
    assert "12 of 27" in everything
    assert SAFETY_WARNING in everything
    assert "Talking with your loved one" in everything
    assert "Moved abroad" in everything
    # Times are the practice's, as people read them: no raw ISO stamps on paper.
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", everything)
    [event] = committed_exports(case.id)
    assert event.summary == "Case record exported as PDF"


# ---- who may export --------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["json", "pdf"])
@pytest.mark.parametrize(("who", "status"), [("other", 404), ("family", 403), ("admin", 403)])
def test_only_the_cases_clinical_staff_export_it(people, full_case, as_user, suffix, who, status):
    case = full_case["case"]
    client = as_user(people[who])
    response = client.get(f"/cases/{case.reference}/record.{suffix}")
    assert response.status_code == status
    body = response.get_data().decode("utf-8", "replace")
    assert case.loved_one_name not in body
    assert SESSION_BODY not in body
    assert committed_exports(case.id) == []


def test_a_supervisor_exports_any_case(people, full_case, as_user):
    _, document = get_json(as_user(people["supervisor"]), full_case["case"].reference)
    validate(document)
    assert document["exported_by"]["role"] == "supervisor"


def test_every_demo_case_exports_to_the_schema(app, seed_demo):
    """The demo practice's cases, with their realistic records, all validate."""
    seed_demo("demo password 1")
    references = list(db.session.scalars(select(FamilyCase.reference)))
    client = app.test_client()
    assert login(client, "supervisor@example.org", "demo password 1").status_code == 302
    kinds = set()
    for reference in references:
        _, document = get_json(client, reference)
        validate(document)
        kinds |= {n["status"] for n in document["sections"]["notes"]["notes"]}
    assert {"draft", "awaiting_cosign", "signed"} <= kinds


# ---- failures and later areas ---------------------------------------------------------


@pytest.fixture
def app_with_parts(make_app_with):
    """The real app, with two more sections: a later area's part, and one
    whose part fails after the others were built."""
    app = make_app_with(PROPAGATE_EXCEPTIONS=False)

    def later_part(case):
        return {"follow_ups": [{"due_on": "2026-05-01", "kind": "check_in", "done": False}]}

    def broken_part(case):
        if app.config.get("BREAK_THE_EXPORT"):
            raise RuntimeError("a bug half-way through the export")
        return {}

    sections.register(app, sections.Section(name="aftercare_trial", record=later_part))
    sections.register(app, sections.Section(name="broken_trial", record=broken_part))
    return app


def _counts():
    db.session.remove()
    return (
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
        db.session.scalar(select(func.count()).select_from(PrintedDocument)),
    )


def test_a_later_areas_part_joins_the_record(app_with_parts, people, full_case):
    case = full_case["case"]
    with app_with_parts.app_context():
        client = app_with_parts.test_client()
        assert login(client, people["owner"]).status_code == 302
        _, document = get_json(client, case.reference)
        validate(document)
        assert document["sections"]["aftercare_trial"]["follow_ups"][0]["kind"] == "check_in"
        pdf = client.get(f"/cases/{case.reference}/record.pdf")
        text_ = flat(" ".join(pdf_pages(pdf.data)))
        assert "Aftercare trial" in text_
        assert "check_in" in text_


@pytest.mark.parametrize("suffix", ["json", "pdf"])
def test_an_export_that_fails_half_way_leaves_nothing(app_with_parts, people, full_case, suffix):
    case = full_case["case"]
    with app_with_parts.app_context():
        client = app_with_parts.test_client()
        assert login(client, people["owner"]).status_code == 302
        app_with_parts.config["BREAK_THE_EXPORT"] = True
        before = _counts()

        response = client.get(f"/cases/{case.reference}/record.{suffix}")

        assert response.status_code == 500
        assert SESSION_BODY not in response.get_data(as_text=True)
        assert _counts() == before  # no view, no export event, no cached PDF
        assert committed_exports(case.id) == []


# ---- the schema itself ------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema_of_this_version():
    schema = export.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["version"]["const"] == export.SCHEMA_VERSION
    assert export.SCHEMA_VERSION in (ROOT / "docs" / "record-export.md").read_text()


def test_the_schema_ships_inside_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shipped = config["tool"]["setuptools"]["package-data"]["casework.notes"]
    assert export.SCHEMA_FILE in shipped


def test_the_schema_refuses_a_record_missing_a_known_part(people, full_case, as_user):
    _, document = get_json(as_user(people["owner"]), full_case["case"].reference)
    del document["sections"]["notes"]
    with pytest.raises(jsonschema.ValidationError, match="'notes' is a required property"):
        jsonschema.validate(document, export.schema(), cls=jsonschema.Draft202012Validator)
