"""Closing well and the demo: the aftercare summary (its rule of check-ins
kept against planned, and the PDF's text on every page), the closing reasons
of support, the demo's follow-up stories, and its records exported to the
schema's aftercare part."""

from datetime import date, timedelta
from io import BytesIO

import jsonschema
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.aftercare import service
from casework.aftercare.record import aftercare_part
from casework.aftercare.summary import kept_against_planned
from casework.assessment.models import Screening
from casework.audit.models import AuditEvent
from casework.cases.models import FamilyCase
from casework.domain import followups, phases
from casework.extensions import db
from casework.notes import record as export
from casework.practice_text import REDISCLOSURE_STATEMENT
from casework.timeutil import local_today
from tests import test_seed_demo as demo
from tests.conftest import login

PW = demo.PW
# The seeded practice, once per module on SQLite (the demo tests' own fixtures).
seeded_template = demo.seeded_template
seeded = demo.seeded

D = date(2026, 3, 2)


def day(n: int) -> date:
    return D + timedelta(days=n)


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(BytesIO(data)).pages]


def case_named(name: str) -> FamilyCase:
    return db.session.scalar(select(FamilyCase).where(FamilyCase.loved_one_name == name))


# ---- kept against planned (a pure rule) --------------------------------------------


def test_every_follow_up_kept_on_its_day_counts():
    done = [day(n) for n in (1, 3, 7, 14, 30)]
    kept = kept_against_planned([("entered_treatment", D)], done, day(40))
    assert (kept.kept, kept.planned, kept.missed) == (5, 5, [])


def test_missed_follow_ups_count_once_their_window_has_passed():
    # Declined from D: 1, 3, 7, 14, 30, 60. Kept 1, 3 (a day late: inside its
    # window), 14 and 30; day 7 missed; day 60 not due yet.
    done = [day(1), day(4), day(14), day(31)]
    kept = kept_against_planned([("declined", D)], done, day(40))
    assert (kept.kept, kept.planned, kept.missed) == (4, 5, [day(7)])
    # Day 40 plus nothing: on day 62 the day-60 follow-up is still in its window.
    assert kept_against_planned([("declined", D)], done, day(62)).planned == 5
    # ... and missed on day 68, past its week.
    assert kept_against_planned([("declined", D)], done, day(68)) == type(kept)(
        4, 6, [day(7), day(60)]
    )


def test_a_change_of_pathway_plans_the_rest_from_its_own_start():
    # Postponed from D (1, 3, 7, ...), entered treatment on day 5 (6, 8, 12,
    # 19, 35), left early on day 17 (17, 18, 20, 24, 31, 47).
    pathways = [("postponed", D), ("entered_treatment", day(5)), ("left_treatment_early", day(17))]
    done = [day(n) for n in (1, 3, 6, 8, 17, 18, 20, 31)]
    kept = kept_against_planned(pathways, done, day(40))
    # Planned and due by day 40: 1, 3 | 6, 8, 12 | 17, 18, 20, 24, 31 -> 10; missed 12 and 24.
    assert (kept.kept, kept.planned, kept.missed) == (8, 10, [day(12), day(24)])


def test_a_check_in_stands_for_one_follow_up_only():
    # Left early from D: 0, 1, 3, 7 due by day 10. The one check-in, on day 1,
    # keeps day 0 (inside its window) and not day 1 as well.
    kept = kept_against_planned([("left_treatment_early", D)], [day(1)], day(10))
    assert (kept.kept, kept.planned) == (1, 4)  # 0 kept; 1, 3 and 7 missed


# ---- closing reasons ------------------------------------------------------------------


def test_closing_reasons_of_support_join_the_old_ones():
    assert {"completed", "declined_services", "unreachable", "referred_elsewhere", "other"} <= set(
        phases.CLOSING_REASONS
    )
    for key, label in {
        "aftercare_completed": "Aftercare completed",
        "lost_to_follow_up": "Lost to follow-up",
        "declined_further_contact": "Declined further contact",
        "referred_on": "Referred on",
    }.items():
        assert phases.CLOSING_REASONS[key] == label
        assert phases.plan("aftercare", "closed", closing_reason=key).kind == "close"


def test_the_close_form_offers_the_new_reasons(app, seeded, client):
    case = case_named("William Harper")
    assert login(client, "interventionist@example.org", PW).status_code == 302
    page = client.get(f"/cases/{case.reference}/phase").get_data(as_text=True)
    for label in ("Aftercare completed", "Lost to follow-up", "Declined further contact"):
        assert label in page
    assert 'value="referred_on"' in page
    # Closing well: the summary is offered where the case is closed.
    assert f"/cases/{case.reference}/aftercare/summary.pdf" in page


# ---- the demo's follow-up ------------------------------------------------------------


def test_the_demo_has_support_on_every_pathway(app, seeded):
    open_cases = db.session.scalars(select(FamilyCase).where(FamilyCase.phase == "aftercare")).all()
    now_on = {service.current_pathway(c).pathway for c in open_cases}
    assert now_on == set(followups.PATHWAYS)
    # A switch through a check-in each: one left treatment early, one returned to use.
    tony = case_named("Anthony Russo")
    assert [p.pathway for p in service.pathway_history(tony)] == [
        "postponed",
        "entered_treatment",
        "left_treatment_early",
    ]
    bia = case_named("Beatriz Santos")
    assert [p.pathway for p in service.pathway_history(bia)] == ["declined", "returned_to_use"]
    returns = [c for c in service.check_ins(bia) if c.returned_to_use]
    assert len(returns) == 1 and returns[0].return_detail
    assert case_named("Beatriz Santos").status == "active"  # a return to use closes nothing


def test_demo_check_ins_have_signed_notes_and_member_reports(app, seeded):
    for case in db.session.scalars(select(FamilyCase).where(FamilyCase.phase == "aftercare")):
        staff = [c for c in service.check_ins(case) if not c.family_reported]
        assert len(staff) >= 4, case.loved_one_name
        assert all(c.note_id for c in staff)
        from casework.notes.models import Note

        notes = db.session.scalars(select(Note).where(Note.id.in_([c.note_id for c in staff])))
        # Signed by their author (a co-signed interventionist's wait for the supervisor).
        assert all(n.signed_at for n in notes), case.loved_one_name
        assert any(c.members for c in staff), case.loved_one_name
        assert service.supports(case), case.loved_one_name


def test_one_follow_up_is_overdue_and_one_family_check_in_waits(app, seeded):
    today = local_today()
    open_cases = db.session.scalars(select(FamilyCase).where(FamilyCase.phase == "aftercare")).all()
    overdue = [
        c.loved_one_name
        for c in open_cases
        if followups.state(service.next_open(service.follow_ups(c)), today) == followups.OVERDUE
    ]
    assert overdue == ["William Harper"]
    waiting = [(c.loved_one_name, w) for c in open_cases for w in service.waiting_review(c)]
    assert len(waiting) == 1
    name, check_in = waiting[0]
    assert name == "Beatriz Santos"
    assert check_in.method == "portal" and check_in.family_reported
    assert check_in.reported_by_contact_id and check_in.reviewed_at is None
    assert check_in.family_needs and check_in.loved_one_words
    # She answered the WHO-5 with it.
    who5 = db.session.scalars(
        select(Screening).where(
            Screening.contact_id == check_in.reported_by_contact_id, Screening.code == "WHO-5"
        )
    ).all()
    assert check_in.held_on in {s.administered_on for s in who5}
    # Unreviewed, it leaves its follow-up open, due and not overdue.
    next_up = service.next_open(service.follow_ups(case_named("Beatriz Santos")))
    assert next_up.due == check_in.due_on
    assert followups.state(next_up, today) in (followups.DUE, followups.DUE_TODAY)


def test_demo_trends_have_several_points(app, seeded):
    for name, family in (
        ("Olivia Park", "Daniel Park"),
        ("Anthony Russo", "Maria Russo"),
        ("Beatriz Santos", "Helena Santos"),
    ):
        case = case_named(name)
        rows = db.session.scalars(select(Screening).where(Screening.case_id == case.id)).all()
        barc = [s for s in rows if s.code == "BARC-10" and s.contact_id is None]
        contact = next(c for c in case.contacts if c.name == family)
        who5 = [s for s in rows if s.code == "WHO-5" and s.contact_id == contact.id]
        assert len(barc) >= 3 and len(who5) >= 3, name
        assert len({s.administered_on for s in who5}) == len(who5)


# ---- the summary ------------------------------------------------------------------------


def test_the_summary_pdf_tells_how_support_went(app, seeded, client):
    case = case_named("Zoe Lambert")
    assert case.phase == "closed" and case.closing_reason == "referred_on"
    assert login(client, "interventionist2@example.org", PW).status_code == 302
    overview = client.get(f"/cases/{case.reference}/").get_data(as_text=True)
    assert "Aftercare summary (PDF)" in overview

    response = client.get(f"/cases/{case.reference}/aftercare/summary.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    assert "Aftercare summary" in text and case.reference in text and "Zoe Lambert" in text
    assert "Closed on" in text and "Referred on" in text
    assert "Left the room" in text  # the outcome
    assert "Declined help" in text and "Entered treatment" in text  # the pathways
    assert "Started intensive outpatient care" in text
    assert "7 of 7 planned check-ins kept" in text
    barc = db.session.scalars(
        select(Screening)
        .where(Screening.case_id == case.id, Screening.code == "BARC-10")
        .order_by(Screening.administered_on)
    ).all()
    assert (barc[0].total, barc[-1].total) == (34, 42)
    assert "Recovery capital (BARC-10)" in text and "Wellbeing (WHO-5)" in text
    assert f"34 ({barc[0].administered_on:%b %-d, %Y})" in text
    assert f"42 ({barc[-1].administered_on:%b %-d, %Y})" in text
    assert "Claire Lambert (Mother)" in text and "9 (" in text and "17 (" in text
    assert "30 days, reached" in text
    for page in pages:
        assert "CONFIDENTIAL" in page
        assert "Re-disclosure notice (42 CFR Part 2)" in page
        assert flat(REDISCLOSURE_STATEMENT)[:60] in page
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id.desc())
    ).first()
    assert event.action == "print" and event.summary == "Aftercare summary printed"


def test_the_summary_counts_a_missed_follow_up(app, seeded, client):
    case = case_named("William Harper")
    assert login(client, "interventionist@example.org", PW).status_code == 302
    pages = pdf_pages(client.get(f"/cases/{case.reference}/aftercare/summary.pdf").data)
    text = " ".join(pages)
    assert "Open: post-intervention support continues" in text
    assert "4 of 5 planned check-ins kept" in text and "Missed:" in text
    assert "No milestone" in text or "Days in recovery were not reported" in text
    for page in pages:
        assert "CONFIDENTIAL" in page and "Re-disclosure notice (42 CFR Part 2)" in page


def test_the_summary_is_staff_only(app, seeded, client):
    case = case_named("Zoe Lambert")
    assert login(client, "interventionist@example.org", PW).status_code == 302  # not hers
    assert client.get(f"/cases/{case.reference}/aftercare/summary.pdf").status_code == 404
    other = app.test_client()
    assert login(other, "admin@example.org", PW).status_code == 302
    assert other.get(f"/cases/{case.reference}/aftercare/summary.pdf").status_code == 403


# ---- the record export ---------------------------------------------------------------


def test_every_demo_aftercare_part_fits_the_schema(app, seeded):
    schema = export.schema()
    part_schema = {"$defs": schema["$defs"], "$ref": "#/$defs/aftercare_part"}
    validator = jsonschema.Draft202012Validator(
        part_schema, format_checker=jsonschema.FormatChecker()
    )
    for case in db.session.scalars(select(FamilyCase)):
        part = aftercare_part(case)
        validator.validate(part)
        if case.loved_one_name == "Anthony Russo":
            assert part["pathway"] == "left_treatment_early"
            assert [p["pathway"] for p in part["pathway_history"]][-1] == "left_treatment_early"
            assert part["follow_ups"][0]["state"] == "done"
            assert any(m["commitments"] for c in part["check_ins"] for m in c["members"])
            assert part["supports"][0]["kind"] == "nar_anon"
            assert part["recovery_start_on"]
    assert "aftercare" in schema["properties"]["sections"]["required"]
    assert export.SCHEMA_VERSION == "1.3" == schema["properties"]["version"]["const"]
    assert schema["$id"].endswith(":1.3")


@pytest.mark.parametrize("name", ["Beatriz Santos", "Olivia Park"])
def test_a_demo_case_exports_its_support(app, seeded, client, name):
    case = case_named(name)
    assert login(client, "supervisor@example.org", PW).status_code == 302
    document = client.get(f"/cases/{case.reference}/record.json").get_json()
    jsonschema.Draft202012Validator(
        export.schema(), format_checker=jsonschema.FormatChecker()
    ).validate(document)
    part = document["sections"]["aftercare"]
    assert part["check_ins"] and part["pathway_history"]
