"""Assessment, screening, safety-plan and revise forms never answer 500,
keep what was typed, escape it, and save nothing bad."""

import re

import pytest
from sqlalchemy import func, select

from casework.assessment.models import Assessment, SafetyPlan, Screening
from casework.domain.instruments import INSTRUMENTS
from casework.extensions import db
from casework.timeutil import utcnow

LONG = "x" * 10_000
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
KEPT = "Lives with his wife and two teenagers"  # typed beside the bad value


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def body(response) -> str:
    return response.get_data(as_text=True)


def add_assessment(case, status="draft", number=1, **data) -> Assessment:
    assessment = Assessment(
        case_id=case.id,
        number=number,
        status=status,
        created_by_id=case.interventionist_id,
        data=data or {"readiness": {"stage": "contemplation", "ruler": 4}},
        completed_by_id=case.interventionist_id if status == "completed" else None,
        completed_at=utcnow() if status == "completed" else None,
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


# ---- the assessment form --------------------------------------------------


def assessment_form(**overrides) -> dict:
    data = {
        "interviewed-loved_one": "y",
        "interviewed-family": "Laura (wife)",
        "substances-0-substance": "Alcohol",
        "substances-0-frequency": "Daily",
        "substances-0-age_first_use": "16",
        "prior_treatment-0-level": "outpatient",
        "prior_treatment-0-outcome": "left_early",
        "medical-heavy_recent_use": ["alcohol"],
        "family-household": KEPT,
        "readiness-stage": "contemplation",
        "readiness-ruler": "4",
        "preferences-mat_openness": "unsure",
        "version": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# (field, bad value, whether the value itself comes back in the page)
BAD_ASSESSMENT = [
    ("readiness-ruler", "ten", True),
    ("readiness-ruler", "11", True),
    ("readiness-ruler", "-1", True),
    ("readiness-ruler", "4.5", True),
    ("readiness-ruler", "99999999999999999999", True),
    ("substances-0-age_first_use", "sixteen", True),
    ("substances-0-age_first_use", "200", True),
    ("readiness-stage", "zen", False),
    ("prior_treatment-0-level", "spa", False),
    ("prior_treatment-0-outcome", "great", False),
    ("preferences-mat_openness", "maybe", False),
    ("medical-heavy_recent_use", ["caffeine"], False),
    ("substances-0-substance", LONG, True),
    ("interviewed-family", LONG, True),
    ("mental_health-diagnoses", LONG, True),
    ("safety-notes", LONG, True),
    ("preferences-member_number", LONG, True),
]


@pytest.mark.parametrize(
    ("name", "value", "echoed"),
    BAD_ASSESSMENT,
    ids=[f"{n}={str(v)[:12]}" for n, v, _ in BAD_ASSESSMENT],
)
def test_bad_assessment_values_get_the_form_again(people, as_user, name, value, echoed):
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/assessment/edit"
    response = client.post(url, data=assessment_form(**{name: value}))
    assert response.status_code == 422
    page = body(response)
    assert 'class="error"' in page and "Please correct the marked fields" in page
    assert KEPT in page  # the rest of what was typed is still there
    if echoed:
        assert value in page
    assert count(Assessment) == 0


def test_bad_values_leave_an_existing_draft_as_it_was(people, as_user):
    case = people["case"]
    draft = add_assessment(case)
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/assessment/edit"
    for name, value, _ in BAD_ASSESSMENT:
        response = client.post(
            url, data=assessment_form(**{name: value, "version": str(draft.version)})
        )
        assert response.status_code == 422, name
    db.session.refresh(draft)
    assert draft.data == {"readiness": {"stage": "contemplation", "ruler": 4}}
    assert draft.version == 1 and count(Assessment) == 1


@pytest.mark.parametrize("version", [None, "", "abc", "0", "-1", "99999999999999999999"])
def test_a_missing_or_wrong_version_is_a_conflict_not_a_save(people, as_user, version):
    case = people["case"]
    draft = add_assessment(case)
    client = as_user(people["owner"])
    response = client.post(
        f"/cases/{case.reference}/assessment/edit", data=assessment_form(version=version)
    )
    assert response.status_code == 409
    page = body(response)
    assert "Someone else saved this assessment" in page
    assert KEPT in page
    db.session.refresh(draft)
    assert draft.data == {"readiness": {"stage": "contemplation", "ruler": 4}}


def test_script_in_the_assessment_comes_back_escaped(people, as_user):
    client = as_user(people["owner"])
    case = people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    # Sent back with an error: escaped in the form.
    response = client.post(
        url,
        data=assessment_form(
            **{"readiness-ruler": "ten", "family-enabling": SCRIPT, "substances-0-route": SCRIPT}
        ),
    )
    assert response.status_code == 422
    page = body(response)
    assert SCRIPT not in page and page.count(ESCAPED) == 2
    assert count(Assessment) == 0
    # Saved: escaped on the assessment page, in the form and on the version page.
    response = client.post(
        url, data=assessment_form(**{"family-enabling": SCRIPT, "substances-0-route": SCRIPT})
    )
    assert response.status_code == 302
    for address in (
        f"/cases/{case.reference}/assessment/",
        url,
        f"/cases/{case.reference}/assessment/versions/1",
    ):
        page = body(client.get(address))
        assert SCRIPT not in page and ESCAPED in page, address


@pytest.mark.parametrize(
    ("button", "row"), [("add_substance", "substance"), ("add_treatment", "where")]
)
def test_adding_a_row_past_the_limit_is_refused_not_500(people, as_user, button, row):
    client = as_user(people["owner"])
    rows = "substances" if button == "add_substance" else "prior_treatment"
    data = {f"{rows}-{i}-{row}": f"Row {i}" for i in range(20)}
    data[button] = "1"
    response = client.post(f"/cases/{people['case'].reference}/assessment/edit", data=data)
    assert response.status_code == 422
    page = body(response)
    assert "at most 20 rows" in page
    assert "Row 0" in page and "Row 19" in page  # the rows typed so far stay
    assert count(Assessment) == 0


def test_the_assessment_of_a_case_i_cannot_see_is_404(people, as_user):
    client = as_user(people["other"])
    response = client.post(
        f"/cases/{people['case'].reference}/assessment/edit", data=assessment_form()
    )
    assert response.status_code == 404
    assert count(Assessment) == 0


# ---- screenings -----------------------------------------------------------

CODES = list(INSTRUMENTS)


def screening_form(code: str, **overrides) -> dict:
    """Every item answered with its second option (a value that is checked back)."""
    data = {"administered_on": "2026-03-02", "respondent": "loved_one", "sex": ""}
    data.update({item.key: str(item.options[1].value) for item in INSTRUMENTS[code].items})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def checked(page: str, name: str) -> list[str]:
    """Values of the radio inputs named `name` that are checked."""
    inputs = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if " checked" in i]


BAD_SCREENING = [
    ("q1", None),  # missing answer
    ("q1", ""),
    ("q1", "7"),
    ("q1", "x"),
    ("q1", "-1"),
    ("q1", LONG),
    ("administered_on", None),
    ("administered_on", ""),
    ("administered_on", "not-a-date"),
    ("administered_on", "2026-02-30"),
    ("administered_on", "03/02/2026"),
    ("administered_on", LONG),
    ("respondent", None),
    ("respondent", "999999"),
    ("respondent", "abc"),
    ("respondent", LONG),
    ("sex", "zen"),
]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(
    ("name", "value"), BAD_SCREENING, ids=[f"{n}={str(v)[:12]}" for n, v in BAD_SCREENING]
)
def test_bad_screening_values_get_the_form_again(people, as_user, code, name, value):
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/screenings/{code}/new"
    response = client.post(url, data=screening_form(code, **{name: value}))
    assert response.status_code == 422
    page = body(response)
    assert "Please correct the marked fields" in page
    if name != "sex" or INSTRUMENTS[code].sex_bands:  # the sex field shows for AUDIT-C only
        assert 'class="error"' in page
    # The answers given are still chosen.
    second = str(INSTRUMENTS[code].items[1].options[1].value)
    assert checked(page, "q2") == [second]
    if name != "administered_on":
        assert 'value="2026-03-02"' in page
    elif value:
        assert f'value="{value}"' in page
    assert count(Screening) == 0


@pytest.mark.parametrize("code", CODES)
def test_every_instrument_needs_every_answer(people, as_user, code):
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/screenings/{code}/new"
    keys = [item.key for item in INSTRUMENTS[code].items]
    response = client.post(url, data=screening_form(code, **dict.fromkeys(keys)))
    assert response.status_code == 422
    assert body(response).count("Choose an answer.") == len(keys)
    assert count(Screening) == 0


def test_script_in_a_screening_date_comes_back_escaped(people, as_user):
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/screenings/PHQ-9/new"
    response = client.post(url, data=screening_form("PHQ-9", administered_on=SCRIPT, sex=SCRIPT))
    assert response.status_code == 422
    page = body(response)
    assert SCRIPT not in page and ESCAPED in page
    assert count(Screening) == 0


def test_a_contact_of_another_case_cannot_answer_a_screening(people, as_user, factory):
    stranger = factory.case(people["other"], loved_one_name="Somebody Else").contacts[0]
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/screenings/AUDIT-C/new"
    response = client.post(url, data=screening_form("AUDIT-C", respondent=str(stranger.id)))
    assert response.status_code == 422
    page = body(response)
    assert "Not a valid choice" in page and stranger.name not in page
    assert count(Screening) == 0


def test_an_archived_contact_cannot_answer_a_screening(people, as_user):
    case = people["case"]
    gone = case.contacts[1]
    gone.archived_at = utcnow()
    db.session.commit()
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/screenings/GAD-7/new"
    response = client.post(url, data=screening_form("GAD-7", respondent=str(gone.id)))
    assert response.status_code == 422
    assert count(Screening) == 0
    # while a current contact may
    response = client.post(url, data=screening_form("GAD-7", respondent=str(case.contacts[0].id)))
    assert response.status_code == 302
    assert db.session.scalars(select(Screening)).one().contact_id == case.contacts[0].id


@pytest.mark.parametrize("code", ["XYZ", "phq-9", "PHQ-10", "AUDIT-", "%3Cscript%3E", LONG[:300]])
def test_unknown_instrument_is_404(people, as_user, code):
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/screenings/{code}/new"
    assert client.get(url).status_code == 404
    assert client.post(url, data=screening_form("PHQ-9")).status_code == 404
    assert count(Screening) == 0


@pytest.mark.parametrize("code", CODES)
def test_a_screening_for_a_case_i_cannot_see_is_404(people, as_user, code):
    client = as_user(people["other"])
    case = people["case"]
    response = client.post(
        f"/cases/{case.reference}/screenings/{code}/new", data=screening_form(code)
    )
    assert response.status_code == 404
    assert case.loved_one_name not in body(response)
    assert count(Screening) == 0
    db.session.refresh(case)
    assert not case.risk_flags


# ---- the safety plan ------------------------------------------------------


def plan_form(**overrides) -> dict:
    data = {
        "warning_signs": "Stops answering the phone; talks about being a burden",
        "coping_steps": "Walks with the dog; calls his brother",
        "people_to_call": "Laura (wife); 988 (call or text); 911",
        "means_safety": "Medicines locked away",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


BAD_PLAN = [
    ("warning_signs", None),
    ("warning_signs", ""),
    ("warning_signs", "   "),
    ("people_to_call", None),
    ("people_to_call", ""),
    ("warning_signs", LONG),
    ("coping_steps", LONG),
    ("people_to_call", LONG),
    ("means_safety", LONG),
]


@pytest.mark.parametrize(
    ("name", "value"), BAD_PLAN, ids=[f"{n}={str(v)[:12]!r}" for n, v in BAD_PLAN]
)
def test_bad_safety_plans_get_the_form_again(people, as_user, name, value):
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/safety-plan"
    data = plan_form(**{name: value})
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = body(response)
    assert 'class="error"' in page and "Please correct the marked fields" in page
    for field, typed in data.items():
        if typed.strip():
            assert typed in page, field
    assert count(SafetyPlan) == 0


def test_script_in_a_safety_plan_is_escaped(people, as_user):
    client = as_user(people["owner"])
    case = people["case"]
    url = f"/cases/{case.reference}/safety-plan"
    response = client.post(url, data=plan_form(warning_signs="", coping_steps=SCRIPT))
    assert response.status_code == 422
    page = body(response)
    assert SCRIPT not in page and ESCAPED in page
    assert count(SafetyPlan) == 0
    assert client.post(url, data=plan_form(coping_steps=SCRIPT)).status_code == 302
    for address in (f"/cases/{case.reference}/assessment/", url):
        page = body(client.get(address))
        assert SCRIPT not in page and ESCAPED in page, address


def test_a_bad_plan_keeps_the_plan_in_force(people, as_user):
    client = as_user(people["owner"])
    url = f"/cases/{people['case'].reference}/safety-plan"
    assert client.post(url, data=plan_form()).status_code == 302
    assert client.post(url, data=plan_form(people_to_call="")).status_code == 422
    assert count(SafetyPlan) == 1
    plan = db.session.scalars(select(SafetyPlan)).one()
    assert plan.people_to_call.startswith("Laura (wife)")


def test_a_safety_plan_for_a_case_i_cannot_see_is_404(people, as_user):
    client = as_user(people["other"])
    response = client.post(f"/cases/{people['case'].reference}/safety-plan", data=plan_form())
    assert response.status_code == 404
    assert count(SafetyPlan) == 0


# ---- starting a new version -----------------------------------------------

BAD_REASONS = [None, "", "   ", LONG, "y" * 501]


@pytest.mark.parametrize("reason", BAD_REASONS, ids=["missing", "empty", "blank", "10000", "501"])
def test_a_bad_reason_gets_the_form_again(people, as_user, reason):
    case = people["case"]
    add_assessment(case, status="completed")
    client = as_user(people["owner"])
    data = {} if reason is None else {"reason": reason}
    response = client.post(f"/cases/{case.reference}/assessment/revise", data=data)
    assert response.status_code == 422
    page = body(response)
    assert 'class="error"' in page and "Start a new version" in page
    if reason and reason.strip():
        assert f'value="{reason}"' in page
    assert count(Assessment) == 1


def test_script_in_a_reason_is_escaped(people, as_user):
    case = people["case"]
    add_assessment(case, status="completed")
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/assessment/revise"
    response = client.post(url, data={"reason": SCRIPT + LONG})
    assert response.status_code == 422
    page = body(response)
    assert SCRIPT not in page and ESCAPED in page
    assert count(Assessment) == 1
    assert client.post(url, data={"reason": SCRIPT}).status_code == 302
    assert count(Assessment) == 2
    page = body(client.get(f"/cases/{case.reference}/assessment/"))
    assert SCRIPT not in page and ESCAPED in page


def test_revising_a_draft_starts_nothing(people, as_user):
    case = people["case"]
    add_assessment(case)
    client = as_user(people["owner"])
    response = client.post(
        f"/cases/{case.reference}/assessment/revise",
        data={"reason": "New facts"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Only a completed assessment starts a new version" in body(response)
    assert count(Assessment) == 1


def test_completing_without_an_assessment_is_400(people, as_user):
    client = as_user(people["owner"])
    response = client.post(f"/cases/{people['case'].reference}/assessment/complete")
    assert response.status_code == 400
    assert count(Assessment) == 0
