"""The intervention in the demo practice, as a user of it notices: families
getting ready for the day at different stages, and families past the day with
an outcome of each kind and the follow-up pathway it starts."""

import html
import re
from collections import Counter

import pytest
from sqlalchemy import select

from casework.auth.models import User
from casework.cases.models import Contact, FamilyCase, PhaseChange
from casework.domain.intervention import OUTCOMES, PATHWAY_FOR_OUTCOME
from casework.extensions import db
from casework.intervention import service
from casework.intervention.models import InterventionPlan, Letter, Placement
from casework.notes.models import Note
from casework.timeutil import utcnow
from tests.conftest import login

# One seeded practice, copied for each test on SQLite (see tests/test_seed_demo.py).
from tests.test_seed_demo import PW, seeded, seeded_template  # noqa: F401

GETTING_READY = ("Ethan Novak", "Grace Thornton", "Margaret Doyle", "Isaac Goldberg")


def case_named(name: str) -> FamilyCase:
    return db.session.scalar(select(FamilyCase).where(FamilyCase.loved_one_name == name))


def supervisor(app):
    client = app.test_client()
    assert login(client, "supervisor@example.org", PW).status_code == 302
    return client


def tab(client, case: FamilyCase) -> str:
    response = client.get(f"/cases/{case.reference}/intervention/")
    assert response.status_code == 200, case.loved_one_name
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(text).split())


@pytest.mark.usefixtures("seeded")
def test_the_families_getting_ready_are_at_different_stages(app):
    client = supervisor(app)
    now = utcnow()
    for name in GETTING_READY:
        case = case_named(name)
        assert case.phase == "intervention", name
        plan = service.plan_for(case)
        # The day is booked ahead and set as the plan's session.
        assert plan.session.kind == "intervention" and plan.session.status == "scheduled", name
        assert plan.session.starts_at > now, name
        # The team: contacts and at least one person who is not a contact.
        team = service.team(case)
        assert any(m.contact_id for m in team) and any(m.contact_id is None for m in team), name
        assert any(m.staff_notes for m in team), name
        tab(client, case)

    # Nearly ready: the one thing left is a rehearsal item.
    novak = case_named("Ethan Novak")
    blockers = service.readiness_of(novak).blockers
    assert [(b.key, b.detail) for b in blockers] == [("rehearsal", "1 of 7 items to go")]
    assert "1 of 9 still to do" in tab(client, novak)

    # Blocked on insurance: the placement is chosen, its insurance not verified.
    thornton = case_named("Grace Thornton")
    first = service.readiness_of(thornton).first_blocker
    assert first.key == "insurance"
    chosen = service.chosen_placement(thornton)
    assert chosen is not None and not chosen.insurance_verified
    assert "Insurance verified (not ready) — Verify the insurance" in tab(client, thornton)
    caseload = html.unescape(client.get("/cases/?q=Thornton").get_data(as_text=True))
    assert "Before the intervention: insurance verified" in caseload

    # Invitational (ARISE), escalated from level 1 to level 2, with the reason.
    doyle = case_named("Margaret Doyle")
    plan = service.plan_for(doyle)
    assert (plan.approach, plan.arise_level) == ("arise", 2)
    escalations = [(e.from_level, e.to_level) for e in plan.escalations]
    assert escalations == [(None, 1), (1, 2)]
    page = tab(client, doyle)
    assert "level 1 → 2" in page and plan.escalations[1].reason in page

    # The day is tomorrow and the bed is held only until that evening.
    goldberg = case_named("Isaac Goldberg")
    warnings = service.readiness_of(goldberg).warnings
    assert [w.detail for w in warnings] == ["The hold ends within 48 hours"]
    assert "The hold ends within 48 hours" in tab(client, goldberg)

    # Across the demo: letters in every state, a referral agreement disclosed.
    statuses = Counter(db.session.scalars(select(Letter.status)))
    assert {"draft", "shared", "returned", "final"} <= set(statuses)
    referral = db.session.scalars(
        select(Placement).where(Placement.financial_relationship == "referral_agreement")
    ).all()
    assert referral and all(p.financial_text for p in referral)


@pytest.mark.usefixtures("seeded")
def test_families_past_the_day_have_an_outcome_of_each_kind(app):
    client = supervisor(app)
    plans = db.session.scalars(
        select(InterventionPlan).where(InterventionPlan.outcome.is_not(None))
    ).all()
    assert sorted(p.outcome for p in plans) == sorted(OUTCOMES)
    for plan in plans:
        case = db.session.get(FamilyCase, plan.case_id)
        reached = case.closed_from_phase if case.phase == "closed" else case.phase
        assert reached == "aftercare", case.loved_one_name
        assert plan.pathway == PATHWAY_FOR_OUTCOME[plan.outcome]
        # Recorded on the day, after it began: no reason for an early outcome.
        assert plan.outcome_at >= plan.session.starts_at and not plan.outcome_early_reason
        assert plan.session.kind == "intervention" and plan.session.status == "held"
        # The note of the day tells it, signed by the lead.
        note = db.session.get(Note, plan.outcome_note_id)
        assert note.session_id == plan.session_id
        assert note.status != "draft" and note.author_id == case.interventionist_id
        # The outcome moved the case to support, once.
        moves = db.session.scalars(
            select(PhaseChange).where(
                PhaseChange.case_id == case.id, PhaseChange.to_phase == "aftercare"
            )
        ).all()
        assert len(moves) == 1 and moves[0].reason == OUTCOMES[plan.outcome]
        assert moves[0].changed_at >= plan.session.starts_at
        page = tab(client, case)
        assert OUTCOMES[plan.outcome] in page
        assert f"Follow-up pathway: {plan.pathway.replace('_', ' ')}" in page
    admitted = next(p for p in plans if p.outcome == "accepted_admitted")
    assert admitted.admitted_at and admitted.outcome_placement_id


@pytest.mark.usefixtures("seeded")
def test_the_demo_family_accounts_keep_their_place(app):
    """family@example.org's family is still in education: no plan yet. The
    family3 account's family is getting ready: she speaks, with a final letter."""
    family = db.session.scalar(select(User).where(User.email == "family@example.org"))
    contact = db.session.scalar(select(Contact).where(Contact.user_id == family.id))
    assert contact.case.phase == "education"
    assert service.plan_for(contact.case) is None
    family3 = db.session.scalar(select(User).where(User.email == "family3@example.org"))
    contact = db.session.scalar(select(Contact).where(Contact.user_id == family3.id))
    member = service.member_of_contact(contact.case, contact.id)
    assert member.role == "speaker" and member.letter.status == "final"
    assert service.bottom_line_of(member).text
