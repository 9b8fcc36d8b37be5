"""The demo practice: `flask --app casework seed-demo --password PW [--cases N]`."""

import math
import re
import shutil
import tomllib
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from casework.assessment.models import Assessment, SafetyPlan, Screening
from casework.audit.models import AuditEvent
from casework.audit.service import acting_as, record
from casework.auth.models import User
from casework.cases.models import Contact, FamilyCase, PhaseChange
from casework.demo import specs
from casework.domain.phases import OPEN_PHASES, Phase
from casework.education.models import Assignment, Packet
from casework.extensions import Base, db
from casework.scheduling.models import CaseSession
from casework.timeutil import frozen_clock, local_today, utcnow
from tests.conftest import login, make_app

ROOT = Path(__file__).resolve().parents[1]
PW = "demo-password-1"
# Every account README.md names, with its role and where it lands.
ACCOUNTS = {
    "admin@example.org": ("admin", "/cases/"),
    "supervisor@example.org": ("supervisor", "/cases/"),
    "interventionist@example.org": ("interventionist", "/cases/"),
    "interventionist2@example.org": ("interventionist", "/cases/"),
    "family@example.org": ("family", "/portal/"),
    "family2@example.org": ("family", "/portal/"),
    "family3@example.org": ("family", "/portal/"),
}
LEADS = ("interventionist@example.org", "interventionist2@example.org")


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def table_counts() -> dict[str, int]:
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in Base.metadata.sorted_tables
    }


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def case_named(name: str) -> FamilyCase:
    return db.session.scalar(select(FamilyCase).where(FamilyCase.loved_one_name == name))


def events_of(case) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
        )
    )


@pytest.fixture(scope="module")
def seeded_template(db_kind, database_template, tmp_path_factory):
    """On SQLite, the practice is seeded once and copied for each test."""
    if db_kind != "sqlite":
        return None
    path = tmp_path_factory.mktemp("demo") / "seeded.sqlite3"
    shutil.copy(database_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PW])
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert f"Demo practice: {len(specs.cases())} cases." in result.output
    return path


@pytest.fixture
def seeded(app, db_kind, request, seed_demo):
    if db_kind == "sqlite":
        template = request.getfixturevalue("seeded_template")
        db.session.remove()
        db.engine.dispose()
        shutil.copy(template, db.engine.url.database)
    else:
        seed_demo(PW)
    db.session.expire_all()


# ---- the accounts ---------------------------------------------------------------------


def test_every_account_the_readme_names_signs_in(app, seeded):
    readme = (ROOT / "README.md").read_text()
    for email, (role, landing) in ACCOUNTS.items():
        assert email.split("@")[0] + "@" in readme, email
        account = user(email)
        assert account is not None, email
        assert account.role == role and account.active, email
        assert account.password_hash.startswith("$argon2id$")
        response = login(app.test_client(), email, PW)
        assert response.status_code == 302, email
        assert response.headers["Location"] == landing, email


def test_each_family_account_belongs_to_a_case_and_sees_its_portal(app, seeded):
    for email in ("family@example.org", "family2@example.org", "family3@example.org"):
        contact = db.session.scalar(select(Contact).where(Contact.user_id == user(email).id))
        assert contact is not None, email
        client = app.test_client()
        login(client, email, PW)
        page = client.get("/portal/").get_data(as_text=True)
        assert contact.case.interventionist.name in page, email
        assert contact.case.loved_one_name.split()[0] in page or contact.name in page


# ---- the cases ------------------------------------------------------------------------


def test_both_interventionists_have_cases_in_every_phase(app, seeded):
    assert count(FamilyCase) == len(specs.cases())
    for email in LEADS:
        phases = set(
            db.session.scalars(
                select(FamilyCase.phase).where(FamilyCase.interventionist_id == user(email).id)
            )
        )
        assert phases == {p.value for p in Phase}, email
    for case in db.session.scalars(select(FamilyCase)):
        assert case.contacts, case.reference
        if case.phase == "closed":
            assert case.status == "closed" and case.closing_reason and case.closed_from_phase


def test_each_phase_has_the_records_it_would_have(app, seeded):
    """Sessions held and booked, assessments, screenings, a safety plan, reading
    finished and overdue, a shared packet, portal invitations taken up."""
    now = utcnow()
    for email in LEADS:
        lead = user(email)
        sessions = db.session.scalars(select(CaseSession).where(CaseSession.lead_id == lead.id))
        by_status = Counter(s.status for s in sessions)
        assert by_status["held"] >= 10 and by_status["scheduled"] >= 5, email
    held = db.session.scalars(select(CaseSession).where(CaseSession.status == "held")).all()
    assert all(s.starts_at < now for s in held)
    assert all(
        s.starts_at > now
        for s in db.session.scalars(select(CaseSession).where(CaseSession.status == "scheduled"))
    )
    # Every case past assessment has a locked assessment; those in it a draft.
    for case in db.session.scalars(select(FamilyCase)):
        versions = db.session.scalars(
            select(Assessment).where(Assessment.case_id == case.id).order_by(Assessment.number)
        ).all()
        if case.phase in ("education", "intervention", "aftercare"):
            assert versions and versions[0].status == "completed", case.loved_one_name
        if case.phase == "assessment":
            assert versions and versions[-1].status == "draft", case.loved_one_name
    assert count(Assessment, Assessment.number == 2) >= 1  # a revised assessment
    assert count(Screening) >= 30
    assert count(SafetyPlan) >= 3
    # Every case that entered the intervention phase passed the safety gate.
    for case in db.session.scalars(
        select(FamilyCase).where(FamilyCase.phase.in_(("intervention", "aftercare")))
    ):
        assert "safety_plan_needed" not in (case.risk_flags or [])
    # Reading: some finished, one at least overdue, a shared packet.
    assert count(Assignment, Assignment.finished_at.is_not(None)) >= 20
    overdue = count(Assignment, Assignment.finished_at.is_(None), Assignment.due_on < local_today())
    assert overdue >= 1
    assert count(Packet, Packet.shared_at.is_not(None)) >= 1


def test_demo_cases_open_for_their_interventionist(app, seeded):
    client = app.test_client()
    login(client, "interventionist@example.org", PW)
    caseload = client.get("/cases/?status=all").get_data(as_text=True)
    me = user("interventionist@example.org")
    mine = db.session.scalars(
        select(FamilyCase).where(
            (FamilyCase.interventionist_id == me.id) | (FamilyCase.co_interventionist_id == me.id)
        )
    ).all()
    assert mine
    for case in mine:
        assert case.reference in caseload
    overview = client.get(f"/cases/{mine[0].reference}/").get_data(as_text=True)
    assert "Case opened at intake" in overview


def links_under(page: str, prefix: str) -> set[str]:
    """Links on the page under `prefix`, leaving out PDFs (printing is tested elsewhere)."""
    found = {h.split("#")[0] for h in re.findall(r'href="([^"]+)"', page)}
    return {h for h in found if h.startswith(prefix) and not h.endswith(".pdf") and h != prefix}


def test_every_demo_case_page_opens_for_its_interventionist(app, seeded):
    """The demo's records render everywhere a case's links lead, in every phase."""
    for email in LEADS:
        client = app.test_client()
        login(client, email, PW)
        seen_phases = set()
        for case in db.session.scalars(
            select(FamilyCase).where(FamilyCase.interventionist_id == user(email).id)
        ):
            prefix = f"/cases/{case.reference}/"
            response = client.get(prefix)
            assert response.status_code == 200, prefix
            if case.phase in seen_phases:
                continue
            seen_phases.add(case.phase)
            for link in links_under(response.get_data(as_text=True), prefix):
                assert client.get(link).status_code == 200, link


def test_every_portal_page_opens_for_the_demo_families(app, seeded):
    for email in ("family@example.org", "family2@example.org", "family3@example.org"):
        client = app.test_client()
        login(client, email, PW)
        home = client.get("/portal/")
        assert home.status_code == 200
        links = links_under(home.get_data(as_text=True), "/portal/")
        assert links, email
        for link in links:
            assert client.get(link).status_code == 200, (email, link)


# ---- the history: written by the services, back in time, in people's names ------------


def test_a_demo_case_history_is_back_dated_and_names_who_did_it(app, seeded):
    case = case_named("Jamal Washington")
    lead, family = case.interventionist, user("family@example.org")
    events = events_of(case)
    intake = events[0]
    assert intake.summary == "Case opened at intake"
    assert intake.actor_id == lead.id
    assert intake.occurred_at == case.created_at
    assert intake.occurred_at < utcnow() - timedelta(days=60)
    moves = [e for e in events if e.action == "phase_change"]
    assert [e.summary for e in moves] == [
        "Moved from Scheduling to Assessment",
        "Moved from Assessment to Family education",
    ]
    assert {e.actor_id for e in moves} == {lead.id}
    changes = db.session.scalars(
        select(PhaseChange).where(PhaseChange.case_id == case.id).order_by(PhaseChange.id)
    ).all()
    assert [c.changed_at for c in changes] == [e.occurred_at for e in moves]
    assert case.phase_entered_at == changes[-1].changed_at
    # The family member acted in their own name: the invitation and the reading.
    theirs = [e for e in events if e.actor_id == family.id]
    assert any("accepted the portal invitation" in e.summary for e in theirs)
    assert any(" finished " in e.summary for e in theirs)
    # The supervisor added the co-interventionist.
    assert any(
        e.action == "reassign" and e.actor_id == user("supervisor@example.org").id for e in events
    )
    # Everything has an actor, and happened in the order it was written down.
    assert all(e.actor_id is not None for e in events)
    when = [e.occurred_at for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert when == sorted(when)
    assert when[0] < utcnow() - timedelta(days=300)  # the practice's first accounts


def test_phase_changes_agree_with_every_demo_case(app, seeded):
    for case in db.session.scalars(select(FamilyCase)):
        assert_walk(case, lead_id=case.interventionist_id)


def assert_walk(case: FamilyCase, lead_id: int | None = None) -> None:
    """The case's phase changes walk forward from scheduling to where it is."""
    changes = db.session.scalars(
        select(PhaseChange).where(PhaseChange.case_id == case.id).order_by(PhaseChange.id)
    ).all()
    reached = Phase(case.closed_from_phase) if case.phase == "closed" else Phase(case.phase)
    expected = [p.value for p in OPEN_PHASES[: OPEN_PHASES.index(reached) + 1]]
    if case.phase == "closed":
        expected.append("closed")
    assert ["scheduling", *[c.to_phase for c in changes]] == expected, case.reference
    assert all(a.to_phase == b.from_phase for a, b in zip(changes, changes[1:], strict=False))
    if case.phase == "closed":
        assert changes[-1].kind == "close"
        assert changes[-1].closing_reason == case.closing_reason
        assert changes[-1].from_phase == case.closed_from_phase
    times = [case.created_at, *(c.changed_at for c in changes)]
    assert times == sorted(times), case.reference
    if changes:
        assert case.phase_entered_at == changes[-1].changed_at, case.reference
    if lead_id is not None:
        assert {c.changed_by_id for c in changes} <= {lead_id}


def test_no_audit_row_of_the_named_practice_is_written_by_hand():
    """The named practice is built through the services: casework/demo/ never
    makes an AuditEvent, and only the synthetic bulk history touches the table."""
    folder = ROOT / "casework" / "demo"
    sources = {path.name: path.read_text() for path in folder.glob("*.py")}
    assert {"builders.py", "practice.py", "synthetic.py"} <= set(sources)
    for name, source in sources.items():
        assert not re.search(r"AuditEvent\s*\(", source), name
        assert ".occurred_at =" not in source and "actor_id =" not in source, name
        if name != "synthetic.py":
            assert "AuditEvent" not in source and "audit_events" not in source, name


# ---- the clock and the acting user ----------------------------------------------------


def test_a_frozen_clock_dates_what_is_written(app):
    moment = datetime(2021, 3, 4, 15, 30)
    with frozen_clock(moment):
        assert utcnow() == moment
        with frozen_clock(moment + timedelta(days=1)):
            assert utcnow() == moment + timedelta(days=1)
        assert utcnow() == moment
        assert local_today().isoformat() == "2021-03-04"
    assert utcnow() > moment + timedelta(days=365)


def test_events_outside_a_request_name_the_acting_user(app, factory):
    someone, signed_in = factory.user(), factory.user()
    with acting_as(someone):
        assert record("view", summary="outside a request").actor_id == someone.id
        with app.test_request_context():
            login_user(signed_in)
            assert record("view", summary="in a request").actor_id == signed_in.id
    assert record("view", summary="nobody").actor_id is None
    db.session.rollback()


# ---- seeding again, --if-empty -------------------------------------------------------


def test_seeding_again_adds_nothing(runner, seeded):
    before = table_counts()
    again = runner.invoke(args=["seed-demo", "--password", "another-password"])
    assert again.exit_code == 0, again.output
    assert "already present" in again.output
    db.session.expire_all()
    assert table_counts() == before
    # and the first password still signs in
    assert login(runner.app.test_client(), "admin@example.org", PW).status_code == 302


def test_seed_if_empty_leaves_a_database_with_accounts_alone(runner, factory):
    factory.user()
    result = runner.invoke(args=["seed-demo", "--password", PW, "--if-empty"])
    assert result.exit_code == 0
    assert count(FamilyCase) == 0
    assert count(User) == 1


# ---- --cases N: a practice's history in bulk ------------------------------------------


def test_bulk_cases_make_a_practice_history(app, runner, seeded, factory):
    n = 1000
    named = {e: count(FamilyCase, FamilyCase.interventionist_id == user(e).id) for e in LEADS}
    cases, contacts, accounts = count(FamilyCase), count(Contact), count(User)

    result = runner.invoke(args=["seed-demo", "--password", PW, "--cases", str(n)])

    assert result.exit_code == 0, result.output
    assert f"Added {n} synthetic cases" in result.output
    db.session.expire_all()
    assert count(FamilyCase) == cases + n
    assert count(Contact) == contacts + n  # a primary contact each
    # The demo's own people keep their caseloads.
    assert {e: count(FamilyCase, FamilyCase.interventionist_id == user(e).id) for e in LEADS} == (
        named
    )
    synthetic_staff = db.session.scalars(
        select(User).where(User.email.like("synthetic.interventionist.%"))
    ).all()
    assert len(synthetic_staff) == count(User) - accounts >= max(10, math.ceil(n / 500))
    assert all(s.name.startswith("Synthetic Interventionist ") for s in synthetic_staff)
    staff_ids = {s.id for s in synthetic_staff}
    made = db.session.scalars(
        select(FamilyCase).where(FamilyCase.interventionist_id.in_(staff_ids))
    ).all()
    assert len(made) == n
    closed = [c for c in made if c.status == "closed"]
    assert 0.95 <= len(closed) / n <= 0.99
    assert all(c.phase == "closed" and c.closing_reason and c.closed_from_phase for c in closed)
    assert len({c.closed_from_phase for c in closed}) == len(OPEN_PHASES)
    still_open = [c for c in made if c.status != "closed"]
    assert {c.phase for c in still_open} <= {p.value for p in OPEN_PHASES}
    assert len({c.interventionist_id for c in made}) >= max(10, math.ceil(n / 500))
    assert len({c.interventionist_id for c in still_open}) >= 10
    # Cases opened over the years, their history consistent and in the log.
    assert min(c.created_at for c in made) < utcnow() - timedelta(days=3 * 365)
    for case in made[::25]:
        assert_walk(case, lead_id=case.interventionist_id)
        logged = events_of(case)
        assert logged[0].summary == "Case opened at intake"
        assert len(logged) == 1 + count(PhaseChange, PhaseChange.case_id == case.id)
    references = db.session.scalars(select(FamilyCase.reference)).all()
    assert len(set(references)) == len(references)
    # The app goes on creating cases normally afterwards (ids, references).
    later = factory.case(user("interventionist@example.org"))
    assert later.reference not in references
    client = app.test_client()
    assert login(client, synthetic_staff[0].email, PW).status_code == 302
    page = client.get("/cases/").get_data(as_text=True)
    mine = [c for c in still_open if c.interventionist_id == synthetic_staff[0].id]
    assert mine and all(c.reference in page for c in mine)


# ---- packaging ------------------------------------------------------------------------


def test_the_data_files_ship_with_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_data = config["tool"]["setuptools"]["package-data"]
    for package, patterns in {
        "casework.demo": ["data/*.toml"],
        "casework.education": ["library/*.md"],
    }.items():
        assert package_data[package] == patterns
        folder = ROOT / Path(*package.split("."))
        assert any(folder.glob(patterns[0])), package
