"""Post-intervention support from the staff side: follow-ups on the caseload
and the landing page, check-ins and what they change, and overdue windows
around midnight in the practice's time zone."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from casework.aftercare import section
from casework.aftercare import service as aftercare
from casework.aftercare.models import CheckIn
from casework.domain.phases import Phase
from casework.extensions import db
from casework.notes.models import Note
from casework.timeutil import frozen_clock, local_to_utc, local_today


def page(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


@pytest.fixture
def case(people):
    case = people["case"]
    case.phase = Phase.AFTERCARE.value
    db.session.commit()
    return case


def start(case, owner, days_ago: int, pathway="entered_treatment"):
    aftercare.start_pathway(
        case, pathway, local_today() - timedelta(days=days_ago), "Admitted", owner
    )
    db.session.commit()


def check_in_form(**changes) -> dict:
    data = {
        "held_on": local_today().isoformat(),
        "method": "phone",
        "reached": ["loved_one"],
        "loved_one_status": "in_treatment",
        "days_since_use": "12",
        "narrative": "He sounded steady; the programme is going well.",
        "members-0-contact_id": "",
    }
    data.update(changes)
    return data


def row_of(html: str, case) -> str:
    start_at = html.index(f">{case.reference}<")
    return html[start_at : html.index("</tr>", start_at)]


def test_an_overdue_follow_up_leads_the_case_and_the_week(case, people, as_user):
    start(case, people["owner"], days_ago=5)  # day 1 and day 3 passed; day 1's window too
    owner = as_user(people["owner"])
    landing = page(owner.get("/cases/"))
    assert "Follow-up check-in was due" in row_of(landing, case)
    week = landing[landing.index("Follow-ups this week") :]
    assert case.reference in week and "Overdue" in week
    supervisor = page(as_user(people["supervisor"]).get("/cases/"))
    assert "across the practice" in supervisor and case.reference in supervisor
    other = page(as_user(people["other"]).get("/cases/"))
    assert "Follow-ups this week" not in other  # not their case


def test_a_check_in_counts_as_done_and_starts_a_note(case, people, as_user):
    owner = people["owner"]
    start(case, owner, days_ago=1)  # day 1 is due today
    client = as_user(owner)
    assert "Follow-up check-in due today" in row_of(page(client.get("/cases/")), case)
    response = client.post(f"/cases/{case.reference}/aftercare/check-ins/new", data=check_in_form())
    assert response.status_code == 302 and "/notes/" in response.headers["Location"]
    (done,) = db.session.scalars(select(CheckIn)).all()
    note = db.session.get(Note, done.note_id)
    assert note.status == "draft" and "programme is going well" in note.body
    plan = aftercare.follow_ups(case)
    assert plan[0].kind == "done" and plan[1].due == local_today() + timedelta(days=2)
    tab = page(client.get(f"/cases/{case.reference}/aftercare/"))
    assert "12 days" in tab  # days in recovery, from days since last use
    assert "Next follow-up check-in on" in row_of(page(client.get("/cases/")), case)


def test_a_return_to_use_switches_the_pathway_and_keeps_the_case_open(case, people, as_user):
    owner = people["owner"]
    start(case, owner, days_ago=20)
    client = as_user(owner)
    missing = client.post(
        f"/cases/{case.reference}/aftercare/check-ins/new",
        data=check_in_form(returned_to_use="y"),
    )
    assert missing.status_code == 422 and "Say what happened" in page(missing)
    assert db.session.scalar(select(CheckIn)) is None
    client.post(
        f"/cases/{case.reference}/aftercare/check-ins/new",
        data=check_in_form(returned_to_use="y", return_detail="Drank at a wedding on Saturday."),
    )
    db.session.expire_all()
    current = aftercare.current_pathway(case)
    assert (current.pathway, current.start) == ("returned_to_use", local_today())
    assert [c.pathway for c in aftercare.pathway_history(case)] == [
        "entered_treatment",
        "returned_to_use",
    ]
    refreshed = db.session.get(type(case), case.id)
    assert (refreshed.phase, refreshed.status) == ("aftercare", "active")
    tab = page(client.get(f"/cases/{case.reference}/aftercare/"))
    assert "A return to use is part of recovery" in tab and "naloxone" in tab


def test_a_new_safety_concern_raises_its_flag(case, people, as_user):
    owner = people["owner"]
    start(case, owner, days_ago=3)
    as_user(owner).post(
        f"/cases/{case.reference}/aftercare/check-ins/new",
        data=check_in_form(new_safety_concern="self_harm"),
    )
    db.session.expire_all()
    refreshed = db.session.get(type(case), case.id)
    assert "self_harm" in refreshed.risk_flags and refreshed.safety_alert is True
    landing = page(as_user(owner).get("/cases/"))
    assert "Safety first" in row_of(landing, case)


@pytest.mark.parametrize("bad", [{"held_on": "2999-01-01"}, {"reached": []}, {"method": "pigeon"}])
def test_bad_check_ins_get_the_form_again(case, people, as_user, bad):
    start(case, people["owner"], days_ago=3)
    data = check_in_form(**bad)
    if bad.get("reached") == []:
        del data["reached"]
    response = as_user(people["owner"]).post(
        f"/cases/{case.reference}/aftercare/check-ins/new", data=data
    )
    assert response.status_code == 422
    assert "programme is going well" in page(response)  # what was typed comes back
    assert db.session.scalar(select(CheckIn)) is None


def test_overdue_turns_at_midnight_in_the_practice_time_zone(case, people):
    # Admitted on the 1st: the day-1 follow-up is due on the 2nd, with a day's window.
    admitted = local_today() - timedelta(days=30)
    aftercare.start_pathway(case, "entered_treatment", admitted, "Admitted", people["owner"])
    db.session.commit()
    window_ends = admitted + timedelta(days=2)
    late_evening = local_to_utc(window_ends, time(23, 50))
    just_after = local_to_utc(window_ends + timedelta(days=1), time(0, 10))
    # The practice's midnight is not UTC's: the two moments straddle it.
    assert (just_after - late_evening) == timedelta(minutes=20)
    with frozen_clock(late_evening):
        assert section.facts([case.id])[case.id].state == "due"
    with frozen_clock(just_after):
        assert section.facts([case.id])[case.id].state == "overdue"
    assert isinstance(late_evening, datetime)


def test_the_check_in_form_recalls_each_members_enabling_commitments(case, people, as_user):
    from casework.intervention import service as intervention

    owner = people["owner"]
    start(case, owner, days_ago=3)
    mother = case.active_contacts[0]
    member = intervention.save_member(
        case,
        None,
        intervention.MemberData(mother, "", "", "speaker", 1, 1, True, True, None),
    )
    intervention.set_commitments(
        case, member, ["giving_money", "other"], "No more rides to the bar"
    )
    db.session.commit()
    form = page(as_user(owner).get(f"/cases/{case.reference}/aftercare/check-ins/new"))
    assert "Committed to stop: Giving money, or paying debts; No more rides to the bar." in form


def test_the_portal_celebrates_a_milestone_with_the_family(case, people, as_user, factory):
    owner = people["owner"]
    factory.give_consent(case, [people["family"]])  # the loved one shares how support goes
    start(case, owner, days_ago=40)
    aftercare.record_check_in(
        case,
        aftercare.CheckInData(
            local_today() - timedelta(days=2),
            None,
            "phone",
            ["loved_one"],
            "in_treatment",
            31,
            False,
            None,
            None,
            None,
            None,
            None,
            "Thirty-one days.",
        ),
        owner,
    )
    db.session.commit()
    home = page(as_user(people["family"]).get("/portal/"))
    assert "30 days in recovery" in home and "worth celebrating together" in home
