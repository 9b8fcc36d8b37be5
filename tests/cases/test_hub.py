"""The case as a hub: sections plug in, the next step comes from facts,
safety comes first."""

import ast
import pathlib
from datetime import time, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from casework.audit.models import Action, AuditEvent
from casework.cases import sections
from casework.domain.nextsteps import Step, Urgency
from casework.extensions import db
from casework.notes import service as notes_service
from casework.timeutil import local_to_utc, local_today, to_local, utcnow

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "casework"
AREAS = ("scheduling", "assessment", "education", "portal")


def imported_modules(path: pathlib.Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def area_imports(paths, areas=AREAS) -> list[str]:
    return sorted(
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in paths
        for module in imported_modules(path)
        if any(module == f"casework.{a}" or module.startswith(f"casework.{a}.") for a in areas)
    )


def test_the_hub_imports_no_phase_area():
    assert area_imports((PACKAGE / "cases").glob("*.py")) == []


def test_shared_base_modules_import_no_area_nor_the_hub():
    base = [
        *(PACKAGE / "auth").glob("*.py"),
        *(PACKAGE / "audit").glob("*.py"),
        PACKAGE / "templating.py",
        PACKAGE / "errors.py",
        PACKAGE / "transaction.py",
    ]
    assert area_imports(base, AREAS + ("cases",)) == []


def test_the_case_header_and_caseload_templates_name_no_area(app):
    root = pathlib.Path(app.template_folder)
    for name in ("cases/_header.html", "cases/caseload.html", "cases/overview.html"):
        text = (root / name).read_text()
        for area in AREAS:
            assert f"'{area}." not in text and f'"{area}.' not in text, (name, area)


# ---- adding an area is a package plus one registration line -----------------


@pytest.fixture
def app_with_extra_area(make_app_with):
    """The recipe in docs/architecture.md, followed by a test area."""
    from flask import Blueprint

    from casework.cases.access import load_case

    app: Flask = make_app_with()
    bp = Blueprint("extra", __name__)

    @bp.get("/cases/<ref>/extra/")
    def page(ref):
        case = load_case(ref)
        from flask import render_template_string

        return render_template_string(
            '{% include "cases/_header.html" %}<p>Extra page</p>', case=case
        )

    app.register_blueprint(bp)
    sections.register(
        app,
        sections.Section(
            name="extra",
            tab=sections.Tab("Extra", "extra.page", order=15, blueprint="extra"),
            facts=lambda ids: {i: "ready" for i in ids},
            steps=lambda case, fact: [Step(f"Extra step ({fact})", Urgency.OVERDUE)],
            gate=lambda case, transition: ["The extra area says not yet."],
        ),
    )
    return app


def test_a_registered_section_shows_its_tab_step_and_gate(app_with_extra_area, people):
    from tests.conftest import login

    case = people["case"]
    with app_with_extra_area.app_context():
        client = app_with_extra_area.test_client()
        login(client, people["owner"])
        overview = client.get(f"/cases/{case.reference}/").get_data(as_text=True)
        tabs = overview[overview.index('class="tabs"') :]
        assert tabs.index(">Sessions<") < tabs.index(">Extra<") < tabs.index(">Assessment<")
        assert "Extra step (ready)" in overview
        page = client.get(f"/cases/{case.reference}/extra/").get_data(as_text=True)
        assert 'aria-current="page">Extra<' in page
        caseload = client.get("/cases/").get_data(as_text=True)
        assert "Extra step (ready)" in caseload
        response = client.post(f"/cases/{case.reference}/phase", data={"target": "assessment"})
        assert response.status_code == 422
        assert "The extra area says not yet." in response.get_data(as_text=True)


# ---- the next step reflects what is done ------------------------------------


def row_of(page: str, case) -> str:
    start = page.index(f">{case.reference}<")
    return page[start : page.index("</tr>", start)]


def noted(case, session, author):
    """The held session's note, written and signed (as a practice keeps them)."""
    note = notes_service.start_session_note(case, session, author)
    notes_service.sign(case, note, author)
    db.session.commit()


def test_a_held_first_call_and_a_booked_assessment_name_the_assessment(
    people, as_user, add_session, factory
):
    case = people["case"]
    # The family on the portal is covered by a consent: no gap to arrange first.
    factory.give_consent(case, [people["family"]])
    held = add_session(
        case,
        local_to_utc(local_today() - timedelta(days=3), time(10, 0)),
        kind="first_call",
        title="First call",
        status="held",
    )
    noted(case, held, people["owner"])
    booked = add_session(
        case,
        local_to_utc(local_today() + timedelta(days=2), time(11, 0)),
        kind="assessment_interview",
        title="Assessment interview",
    )
    expected = f"Assessment interview on {to_local(booked.starts_at):%a %-d %b}"
    client = as_user(people["owner"])
    row = row_of(client.get("/cases/").get_data(as_text=True), case)
    assert expected in row
    assert "Hold the first call" not in row
    overview = client.get(f"/cases/{case.reference}/").get_data(as_text=True)
    step = overview[overview.index("<dt>Next step</dt>") :]
    assert expected in step[: step.index("</dd>")]


def test_nothing_held_and_nothing_booked_asks_for_the_first_call(people, as_user):
    row = row_of(as_user(people["owner"]).get("/cases/").get_data(as_text=True), people["case"])
    assert "Schedule the next session: the first call" in row


def test_a_held_first_call_with_nothing_booked_asks_for_the_assessment(
    people, as_user, add_session
):
    case = people["case"]
    held = add_session(
        case,
        local_to_utc(local_today() - timedelta(days=1), time(10, 0)),
        kind="first_call",
        status="held",
    )
    noted(case, held, people["owner"])
    row = row_of(as_user(people["owner"]).get("/cases/").get_data(as_text=True), case)
    assert "Schedule the next session: the assessment interview" in row


def test_a_session_today_says_today(people, as_user, add_session):
    case = people["case"]
    soon = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    if to_local(soon).date() != local_today():
        pytest.skip("too close to midnight in the practice's zone for a session today")
    add_session(case, soon, kind="first_call", title="First call")
    row = row_of(as_user(people["owner"]).get("/cases/").get_data(as_text=True), case)
    assert f"First call today at {to_local(soon):%-I:%M %p}" in row


# ---- safety first ------------------------------------------------------------


def phq9(**answers) -> dict:
    data = {f"q{i}": "0" for i in range(1, 10)}
    data.update(answers)
    return {"administered_on": local_today().isoformat(), "respondent": "loved_one", **data}


def safety_panel(page: str) -> str:
    if 'id="safety-first-h"' not in page:
        return ""
    start = page.index('id="safety-first-h"')
    return page[start : page.index("</section>", start)]


def test_a_positive_phq9_item_nine_puts_the_case_first_until_a_plan(people, as_user, factory):
    owner = people["owner"]
    case = people["case"]
    # Another case further along, so "first" means something.
    factory.case(owner, loved_one_name="Earlier In Line", urgency="urgent")
    client = as_user(owner)
    assert safety_panel(client.get("/cases/").get_data(as_text=True)) == ""

    response = client.post(f"/cases/{case.reference}/screenings/PHQ-9/new", data=phq9(q9="1"))
    assert response.status_code == 302
    page = client.get("/cases/").get_data(as_text=True)
    panel = safety_panel(page)
    assert case.reference in panel and "Safety first" in panel
    assert "self-harm risk with no safety plan" in panel.lower()
    # Before every other case on the page, and in words, not a tooltip.
    assert page.index(case.reference) < page.index("Earlier In Line")
    assert "Safety first" in row_of(page[page.index("case-group") :], case)
    header = client.get(f"/cases/{case.reference}/sessions/").get_data(as_text=True)
    assert 'role="alert"' in header and "Make a safety plan" in header

    response = client.post(
        f"/cases/{case.reference}/safety-plan",
        data={"warning_signs": "Stops answering texts", "people_to_call": "988; his sister"},
    )
    assert response.status_code == 302
    assert safety_panel(client.get("/cases/").get_data(as_text=True)) == ""


def test_a_documented_review_also_answers_the_alert(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    client.post(f"/cases/{case.reference}/screenings/PHQ-9/new", data=phq9(q9="2"))
    assert case.reference in safety_panel(client.get("/cases/").get_data(as_text=True))

    empty = client.post(f"/cases/{case.reference}/safety-review", data={"note": "  "})
    assert empty.status_code == 422
    assert "Say what was reviewed and decided." in empty.get_data(as_text=True)

    response = client.post(
        f"/cases/{case.reference}/safety-review",
        data={"note": "Spoke with him and his mother; no plan or intent; 988 shared."},
    )
    assert response.status_code == 302
    assert safety_panel(client.get("/cases/").get_data(as_text=True)) == ""
    review = client.get(f"/cases/{case.reference}/safety-review").get_data(as_text=True)
    assert "no plan or intent" in review
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.summary == "Safety review documented")
    ).one()
    assert event.action == Action.CREATE.value and event.case_id == case.id


def test_a_new_positive_screening_after_the_plan_opens_the_alert_again(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    client.post(
        f"/cases/{case.reference}/safety-plan",
        data={"warning_signs": "Stops answering texts", "people_to_call": "988"},
    )
    client.post(f"/cases/{case.reference}/screenings/PHQ-9/new", data=phq9(q9="1"))
    assert case.reference in safety_panel(client.get("/cases/").get_data(as_text=True))


def test_the_safety_alert_is_on_every_supervisor_caseload_too(people, as_user):
    case = people["case"]
    as_user(people["owner"]).post(
        f"/cases/{case.reference}/screenings/PHQ-9/new", data=phq9(q9="1")
    )
    page = as_user(people["supervisor"]).get("/cases/").get_data(as_text=True)
    assert case.reference in safety_panel(page)
    other = as_user(people["other"]).get("/cases/").get_data(as_text=True)
    assert case.reference not in other
