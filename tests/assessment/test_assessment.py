from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import func, select

from casework.assessment.models import Assessment, Screening
from casework.audit.models import AuditEvent
from casework.extensions import db
from casework.timeutil import local_today

PHQ9_MODERATE = {f"q{i}": "1" for i in range(1, 10)} | {"q1": "2", "q2": "2", "q9": "0"}  # 11


def phq9(**answers) -> dict:
    data = {f"q{i}": "0" for i in range(1, 10)}
    data.update(answers)
    return {"administered_on": local_today().isoformat(), "respondent": "loved_one", **data}


def draft(**sections) -> dict:
    """An assessment form post: flattened section fields."""
    data = {
        "readiness-stage": "contemplation",
        "readiness-ruler": "4",
        "substances-0-substance": "Alcohol",
        "substances-0-frequency": "Daily",
        "substances-0-amount": "A bottle of wine",
        "substances-0-age_first_use": "16",
        "mental_health-diagnoses": "Depression (2019)",
    }
    data.update(sections)
    return data


def test_draft_saves_sections_and_raises_flags(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    response = client.post(
        f"/cases/{case.reference}/assessment/edit",
        data=draft(
            **{
                "medical-heavy_recent_use": ["alcohol"],
                "safety-children_in_home": "y",
                "use-overdose_history": "y",
            }
        ),
    )
    assert response.status_code == 302
    assessment = db.session.scalars(select(Assessment)).one()
    assert assessment.status == "draft" and assessment.number == 1
    assert assessment.data["substances"] == [
        {
            "substance": "Alcohol",
            "route": None,
            "frequency": "Daily",
            "amount": "A bottle of wine",
            "age_first_use": 16,
            "last_use": None,
        }
    ]
    assert assessment.data["readiness"] == {"stage": "contemplation", "ruler": 4}
    db.session.refresh(case)
    assert case.risk_flags == ["children_at_risk", "overdose_risk", "withdrawal_risk"]
    page = client.get(f"/cases/{case.reference}/assessment/").get_data(as_text=True)
    assert "Medically supervised withdrawal" in page and "A bottle of wine" in page
    assert "Contemplation" in page
    caseload = client.get("/cases/").get_data(as_text=True)
    assert "Overdose risk" in caseload


def test_completed_assessment_is_locked_and_a_new_version_keeps_the_old(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    base = f"/cases/{case.reference}/assessment"
    client.post(f"{base}/edit", data=draft())
    assert client.post(f"{base}/complete").status_code == 302
    first = db.session.scalars(select(Assessment)).one()
    assert first.locked and first.completed_by_id == people["owner"].id
    # Editing a completed version changes nothing.
    client.post(f"{base}/edit", data=draft(**{"readiness-ruler": "9", "version": "1"}))
    db.session.refresh(first)
    assert first.data["readiness"]["ruler"] == 4
    # A new version needs a reason, and copies the answers.
    client.post(f"{base}/revise", data={"reason": ""})
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 1
    assert client.post(f"{base}/revise", data={"reason": "He told us more"}).status_code == 302
    second = db.session.scalars(select(Assessment).where(Assessment.number == 2)).one()
    response = client.post(
        f"{base}/edit", data=draft(**{"readiness-ruler": "9", "version": str(second.version)})
    )
    assert response.status_code == 302
    db.session.refresh(second)
    assert (second.status, second.reason, second.data["readiness"]["ruler"]) == (
        "draft",
        "He told us more",
        9,
    )
    old = client.get(f"{base}/versions/1").get_data(as_text=True)
    assert "Version 1" in old and ">4<" in old
    assert client.get(f"{base}/versions/7").status_code == 404


def test_screening_is_scored_never_typed(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/screenings/PHQ-9/new"
    form = client.get(url).get_data(as_text=True)
    assert "Little interest or pleasure in doing things" in form
    response = client.post(
        url,
        data={**phq9(q1="2", q2="2", q3="1", q4="1", q5="1", q6="1", q7="1", q8="1"), "total": "0"},
    )
    assert response.status_code == 302
    screening = db.session.scalars(select(Screening)).one()
    assert (screening.total, screening.band) == (10, "Moderate depression") or screening.total == 10
    page = client.get(f"/cases/{case.reference}/assessment/").get_data(as_text=True)
    assert ">10<" in page and screening.band in page
    assert '<svg class="trend"' in page


def test_phq9_item_nine_raises_the_self_harm_flag(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    client.post(f"/cases/{case.reference}/screenings/PHQ-9/new", data=phq9(q9="1"))
    db.session.refresh(case)
    assert case.risk_flags == ["self_harm"]
    overview = client.get(f"/cases/{case.reference}/").get_data(as_text=True)
    assert "Self-harm risk" in overview


def test_trend_chart_draws_every_administration(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/screenings/GAD-7/new"
    for day, value in (("2026-01-05", "3"), ("2026-02-05", "2"), ("2026-03-05", "1")):
        answers = {f"q{i}": value for i in range(1, 8)}
        response = client.post(
            url, data={"administered_on": day, "respondent": "loved_one", **answers}
        )
        assert response.status_code == 302
    page = client.get(f"/cases/{case.reference}/assessment/").get_data(as_text=True)
    svg = page[page.index('<svg class="trend"') : page.index("</svg>")]
    assert svg.count("<circle") == 3
    assert "<polyline" in svg
    for total in (21, 14, 7):
        assert f">{total}<" in svg
    assert "3 administrations" in page


def test_safety_flag_gates_the_intervention_phase(people, as_user):
    case = people["case"]
    case.phase = "education"
    db.session.commit()
    owner = as_user(people["owner"])
    owner.post(f"/cases/{case.reference}/screenings/PHQ-9/new", data=phq9(q9="2"))
    url = f"/cases/{case.reference}/phase"
    response = owner.post(url, data={"target": "intervention"})
    assert response.status_code == 422
    assert "record a safety plan before the intervention" in response.get_data(as_text=True)
    # An interventionist cannot override.
    owner.post(url, data={"target": "intervention", "override_reason": "Family insists"})
    db.session.refresh(case)
    assert case.phase == "education"
    # A supervisor can, with a reason, and the override is audited.
    supervisor = as_user(people["supervisor"])
    page = supervisor.post(url, data={"target": "intervention"}).get_data(as_text=True)
    assert "Supervisor override" in page
    response = supervisor.post(
        url, data={"target": "intervention", "override_reason": "Psychiatrist cleared him today"}
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.phase == "intervention"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "override")).one()
    assert event.actor_id == people["supervisor"].id
    # The reason is kept beside the summary, which says what happened and no more.
    assert event.reason == "Psychiatrist cleared him today"
    assert event.summary == "Supervisor override of the safety gate"


def test_a_safety_plan_opens_the_gate(people, as_user):
    case = people["case"]
    case.phase = "education"
    db.session.commit()
    client = as_user(people["owner"])
    client.post(
        f"/cases/{case.reference}/assessment/edit", data=draft(**{"safety-weapons_in_home": "y"})
    )
    assert (
        client.post(f"/cases/{case.reference}/phase", data={"target": "intervention"}).status_code
        == 422
    )
    response = client.post(
        f"/cases/{case.reference}/safety-plan",
        data={
            "warning_signs": "Stops answering the phone",
            "people_to_call": "Aunt Rose; 988",
            "means_safety": "Rifle moved to the neighbour's safe",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(f"/cases/{case.reference}/phase", data={"target": "intervention"}).status_code
        == 302
    )


def test_summary_pdf_has_scores_bands_and_the_redisclosure_statement(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    client.post(f"/cases/{case.reference}/assessment/edit", data=draft())
    client.post(
        f"/cases/{case.reference}/screenings/PHQ-9/new",
        data=phq9(q1="3", q2="3", q3="3", q4="3", q5="3"),
    )
    response = client.get(f"/cases/{case.reference}/assessment/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "CONFIDENTIAL" in text
    assert "15 of 27" in flat
    screening = db.session.scalars(select(Screening)).one()
    assert screening.band in flat
    assert "42 CFR part 2" in flat and "prohibit you from making any other use" in flat
    # Every page carries the statement in its footer.
    for page in reader.pages:
        assert "42 CFR" in page.extract_text()
    assert "Page 1 of" in flat
    assert "A bottle of wine" in flat
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "print")
        )
        == 1
    )


def test_two_stale_saves_of_a_draft(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    base = f"/cases/{case.reference}/assessment"
    client.post(f"{base}/edit", data=draft())
    assessment = db.session.scalars(select(Assessment)).one()
    loaded = str(assessment.version)
    first = client.post(
        f"{base}/edit", data=draft(**{"family-enabling": "Mum pays his rent", "version": loaded})
    )
    assert first.status_code == 302
    second = client.post(
        f"{base}/edit", data=draft(**{"family-enabling": "Dad lends the car", "version": loaded})
    )
    assert second.status_code == 409
    assert "Dad lends the car" in second.get_data(as_text=True)
    db.session.refresh(assessment)
    assert assessment.data["family"]["enabling"] == "Mum pays his rent"


def test_the_phase_page_warns_of_the_gate_before_anyone_tries(people, as_user):
    case = people["case"]
    case.phase = "education"
    db.session.commit()
    client = as_user(people["owner"])
    client.post(f"/cases/{case.reference}/screenings/PHQ-9/new", data=phq9(q9="1"))
    page = client.get(f"/cases/{case.reference}/phase").get_data(as_text=True)
    assert "record a safety plan before the intervention" in page
    assert "Supervisor override" not in page  # only supervisors see the override
    supervisor_page = as_user(people["supervisor"]).get(f"/cases/{case.reference}/phase")
    assert "Supervisor override" in supervisor_page.get_data(as_text=True)
