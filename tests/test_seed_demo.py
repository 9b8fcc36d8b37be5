"""The demo practice: `flask --app casework seed-demo --password PW [--cases N]`."""

import pytest
from sqlalchemy import func, select

from casework.auth.models import User
from casework.cases.models import Contact, FamilyCase
from casework.domain.phases import Phase
from casework.extensions import Base, db
from tests.conftest import login

PW = "demo-password-1"
ACCOUNTS = {
    "admin@example.org": ("admin", "/cases/"),
    "supervisor@example.org": ("supervisor", "/cases/"),
    "interventionist@example.org": ("interventionist", "/cases/"),
    "interventionist2@example.org": ("interventionist", "/cases/"),
    "family@example.org": ("family", "/portal/"),
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def table_counts() -> dict[str, int]:
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in Base.metadata.sorted_tables
    }


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-demo", "--password", PW])
    assert result.exit_code == 0, result.output
    assert "Demo practice:" in result.output
    db.session.expire_all()
    return result


def test_seed_demo_creates_the_named_accounts(app, seeded):
    for email, (role, landing) in ACCOUNTS.items():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        assert user.role == role and user.active
        assert user.password_hash.startswith("$argon2id$")
        response = login(app.test_client(), email, PW)
        assert response.status_code == 302, email
        assert response.headers["Location"] == landing


def test_seed_demo_gives_both_interventionists_cases_in_every_phase(app, seeded):
    assert count(FamilyCase) >= 24
    for email in ("interventionist@example.org", "interventionist2@example.org"):
        user = db.session.scalar(select(User).where(User.email == email))
        phases = set(
            db.session.scalars(
                select(FamilyCase.phase).where(FamilyCase.interventionist_id == user.id)
            )
        )
        assert phases == {p.value for p in Phase}, email
    for case in db.session.scalars(select(FamilyCase)):
        assert case.contacts, case.reference
        if case.phase == "closed":
            assert case.status == "closed" and case.closing_reason and case.closed_from_phase


def test_the_family_account_belongs_to_a_case(app, seeded):
    family = db.session.scalar(select(User).where(User.email == "family@example.org"))
    contact = db.session.scalar(select(Contact).where(Contact.user_id == family.id))
    assert contact is not None
    client = app.test_client()
    login(client, "family@example.org", PW)
    page = client.get("/portal/").get_data(as_text=True)
    assert contact.case.interventionist.name in page


def test_demo_cases_open_for_their_interventionist(app, seeded):
    client = app.test_client()
    login(client, "interventionist@example.org", PW)
    caseload = client.get("/cases/?status=all").get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "interventionist@example.org"))
    mine = db.session.scalars(
        select(FamilyCase).where(
            (FamilyCase.interventionist_id == user.id)
            | (FamilyCase.co_interventionist_id == user.id)
        )
    ).all()
    assert mine
    for case in mine:
        assert case.reference in caseload
    overview = client.get(f"/cases/{mine[0].reference}/").get_data(as_text=True)
    assert "Case opened at intake" in overview


def test_seeding_again_adds_nothing(runner, seeded):
    before = table_counts()
    again = runner.invoke(args=["seed-demo", "--password", "another-password"])
    assert again.exit_code == 0, again.output
    assert "already present" in again.output
    assert table_counts() == before
    # and the first password still signs in
    user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert login(runner.app.test_client(), user, PW).status_code == 302


def test_seed_if_empty_leaves_a_database_with_accounts_alone(runner, factory):
    factory.user()
    result = runner.invoke(args=["seed-demo", "--password", PW, "--if-empty"])
    assert result.exit_code == 0
    assert count(FamilyCase) == 0
    assert count(User) == 1


def test_bulk_cases_are_added_on_request(app, runner, seeded, factory):
    cases, contacts = count(FamilyCase), count(Contact)

    result = runner.invoke(args=["seed-demo", "--password", PW, "--cases", "500"])

    assert result.exit_code == 0, result.output
    assert "Added 500 synthetic cases" in result.output
    db.session.expire_all()
    assert count(FamilyCase) == cases + 500
    assert count(Contact) == contacts + 500
    references = db.session.scalars(select(FamilyCase.reference)).all()
    assert len(set(references)) == len(references)
    # The app goes on creating cases normally afterwards (ids, references).
    owner = db.session.scalar(select(User).where(User.email == "interventionist@example.org"))
    later = factory.case(owner)
    assert later.reference not in references
    client = app.test_client()
    login(client, owner, PW)
    assert client.get("/cases/").status_code == 200
