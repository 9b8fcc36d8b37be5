"""The intervention from the staff side: the plan and ARISE history, the
team and letters with their lock, bottom lines kept to their place,
treatment lined up, readiness on the caseload, printing, the outcome, and
the record export."""

from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.domain.phases import Phase
from casework.extensions import db
from casework.intervention import service
from casework.intervention.models import InterventionPlan, Letter, TeamMember
from casework.notes.models import Note
from casework.timeutil import to_local, utcnow

LETTER = "Dear Sam, I love you. I have watched you miss Maya's birthday twice."
BOTTOM = "If you say no, I will stop paying for the car on the first of the month."


def page(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def pdf_pages(response) -> list[str]:
    assert response.mimetype == "application/pdf"
    return [p.extract_text() for p in PdfReader(BytesIO(response.data)).pages]


@pytest.fixture
def case(people):
    case = people["case"]
    case.phase = Phase.INTERVENTION.value
    db.session.commit()
    return case


@pytest.fixture
def staff(as_user, people):
    return as_user(people["owner"])


def add_member(staff, case, contact=None, **fields):
    data = {
        "contact_id": str(contact.id) if contact else "0",
        "name": fields.pop("name", ""),
        "relationship": fields.pop("relationship", ""),
        "role": fields.pop("role", "speaker"),
        "reading_order": fields.pop("reading_order", "1"),
        "seat": fields.pop("seat", "1"),
        "attends_rehearsal": "y",
        "attends_day": "y",
        **fields,
    }
    response = staff.post(f"/cases/{case.reference}/intervention/members/new", data=data)
    assert response.status_code == 302, page(response)[:2000]
    return db.session.scalars(select(TeamMember).order_by(TeamMember.id.desc())).first()


def base(case, member) -> str:
    return f"/cases/{case.reference}/intervention/members/{member.id}"


def test_arise_levels_keep_their_history_and_reasons(case, staff):
    url = f"/cases/{case.reference}/intervention/plan"
    first = staff.post(
        url, data={"approach": "arise", "arise_level": "1", "session_id": "0", "chair_user_id": "0"}
    )
    assert first.status_code == 302
    no_reason = staff.post(
        url, data={"approach": "arise", "arise_level": "2", "session_id": "0", "chair_user_id": "0"}
    )
    assert no_reason.status_code == 422 and "Say why the level changes." in page(no_reason)
    staff.post(
        url,
        data={
            "approach": "arise",
            "arise_level": "2",
            "session_id": "0",
            "chair_user_id": "0",
            "level_reason": "He did not come to the first meeting",
        },
    )
    plan = db.session.scalar(select(InterventionPlan))
    assert plan.arise_level == 2
    assert [(e.from_level, e.to_level) for e in plan.escalations] == [(None, 1), (1, 2)]
    tab = page(staff.get(f"/cases/{case.reference}/intervention/"))
    assert "He did not come to the first meeting" in tab


def test_a_letter_goes_draft_shared_returned_final_and_reopens_with_its_history(case, staff):
    mother = case.active_contacts[0]
    member = add_member(staff, case, mother)
    assert member.name == mother.name
    staff.post(f"{base(case, member)}/letter", data={"body": LETTER})
    assert staff.post(f"{base(case, member)}/letter/share").status_code == 302
    # While it is with staff for review, its text does not change.
    locked = staff.post(f"{base(case, member)}/letter", data={"body": "Changed"})
    assert locked.status_code == 409 and "with staff for review" in page(locked)
    assert (
        staff.post(f"{base(case, member)}/letter/return", data={"comment": ""}).status_code == 422
    )
    staff.post(f"{base(case, member)}/letter/return", data={"comment": "Say more about Maya."})
    staff.post(f"{base(case, member)}/letter", data={"body": LETTER + " Maya misses you."})
    staff.post(f"{base(case, member)}/letter/share")
    assert staff.post(f"{base(case, member)}/letter/final").status_code == 302
    letter = db.session.scalar(select(Letter))
    assert letter.status == "final"

    refused = staff.post(f"{base(case, member)}/letter", data={"body": "Rewritten"})
    assert refused.status_code == 409 and "Rewritten" in page(refused)  # the typing is kept
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).body.startswith(LETTER)

    assert staff.post(f"{base(case, member)}/letter/reopen", data={"reason": ""}).status_code == 422
    staff.post(f"{base(case, member)}/letter/reopen", data={"reason": "She wants to add a line"})
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).status == "draft"
    history = [
        (e.action, e.comment) for e in service.letter_history(db.session.get(Letter, letter.id))
    ]
    assert history == [
        ("shared", None),
        ("returned", "Say more about Maya."),
        ("shared", None),
        ("final", None),
        ("reopened", "She wants to add a line"),
    ]


def test_bottom_lines_print_only_on_their_own_sheet_and_the_run_sheets_last_page(case, staff):
    mother, father = case.active_contacts[:2]
    first = add_member(staff, case, mother)
    second = add_member(staff, case, father, reading_order="2", seat="2")
    staff.post(f"{base(case, first)}/letter", data={"body": LETTER})
    staff.post(f"{base(case, first)}/bottom-line", data={"text": BOTTOM})
    staff.post(f"{base(case, second)}/letter", data={"body": "Son, we are here for you."})

    own = " ".join(pdf_pages(staff.get(f"{base(case, first)}/letter.pdf")))
    assert BOTTOM in own.replace("\n", " ") and "Dear Sam" in own
    other = " ".join(pdf_pages(staff.get(f"{base(case, second)}/letter.pdf")))
    assert "stop paying for the car" not in other and "Dear Sam" not in other

    sheet = pdf_pages(staff.get(f"/cases/{case.reference}/intervention/run-sheet.pdf"))
    assert len(sheet) >= 2
    assert "Bottom lines" in sheet[-1] and "stop paying for the car" in sheet[-1].replace("\n", " ")
    assert all("stop paying for the car" not in p.replace("\n", " ") for p in sheet[:-1])
    assert all("CONFIDENTIAL" in p for p in sheet)
    assert mother.name in sheet[0] and father.name in sheet[0]


def test_treatment_lined_up_readiness_and_the_bed_warning(case, staff, as_user, people):
    url = f"/cases/{case.reference}/intervention/placements/new"
    fields = {
        "facility": "Harbor House",
        "level": "residential",
        "financial_relationship": "referral_agreement",
    }
    undisclosed = staff.post(url, data=fields)
    assert undisclosed.status_code == 422
    assert "Describe the financial relationship" in page(undisclosed)
    soon = to_local(utcnow() + timedelta(hours=30))
    staff.post(
        url,
        data={
            **fields,
            "financial_text": "We receive no money; we refer often.",
            "bed_date": soon.strftime("%Y-%m-%d"),
            "bed_time": soon.strftime("%H:%M"),
        },
    )
    placement = service.placements(case)[0]
    assert (
        staff.post(
            f"/cases/{case.reference}/intervention/placements/{placement.id}/choose"
        ).status_code
        == 302
    )

    tab = page(staff.get(f"/cases/{case.reference}/intervention/"))
    assert "Verify the insurance with the placement" in tab
    row = page(staff.get("/cases/"))
    row = row[row.index(f">{case.reference}<") :]
    row = row[: row.index("</tr>")]
    # The first blocker, then the bed hold's warning, lead the case's steps.
    assert "Before the intervention: date, time and place set" in row
    assert "the bed hold ends" in row


def test_the_outcome_moves_the_case_on_with_its_pathway_and_a_note(case, staff, add_session):
    day = add_session(
        case, starts_at=utcnow() + timedelta(days=3), kind="intervention", title="Intervention"
    )
    staff.post(
        f"/cases/{case.reference}/intervention/plan",
        data={
            "approach": "johnson",
            "arise_level": "0",
            "session_id": str(day.id),
            "chair_user_id": "0",
        },
    )
    url = f"/cases/{case.reference}/intervention/outcome"
    now = to_local(utcnow())
    form = {
        "outcome": "declined",
        "date": now.strftime("%Y-%m-%d"),
        "time": now.strftime("%H:%M"),
        "narrative": "He listened, then said he would not go.",
        "placement_id": "0",
    }
    early = staff.post(url, data=form)
    assert early.status_code == 422 and "before the planned day" in page(early)
    done = staff.post(url, data={**form, "early_reason": "He found out and asked to meet today"})
    assert done.status_code == 302 and "/notes/" in done.headers["Location"]
    db.session.expire_all()
    plan = db.session.scalar(select(InterventionPlan))
    assert (plan.outcome, plan.pathway) == ("declined", "declined")
    assert db.session.get(type(case), case.id).phase == Phase.AFTERCARE.value
    note = db.session.get(Note, plan.outcome_note_id)
    assert note.status == "draft" and "would not go" in note.body
    assert staff.get(url).status_code == 302  # recorded once


def test_the_record_export_holds_the_intervention(case, staff):
    import json
    from importlib.resources import files

    import jsonschema

    member = add_member(staff, case, case.active_contacts[0])
    staff.post(f"{base(case, member)}/letter", data={"body": LETTER})
    staff.post(f"{base(case, member)}/bottom-line", data={"text": BOTTOM})
    document = staff.get(f"/cases/{case.reference}/record.json").get_json()
    schema = json.loads((files("casework.notes") / "record-schema.json").read_text())
    jsonschema.validate(document, schema)
    part = document["sections"]["intervention"]
    (exported,) = part["team"]
    assert exported["letter"]["body"].startswith("Dear Sam") and exported["bottom_line"] == BOTTOM
