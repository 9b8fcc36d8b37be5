"""A family member's check-in in the portal after the intervention: offered
only while the case's earliest open follow-up is due (on its day, in its
window, overdue; never before), sent as a family-reported check-in with the
member's WHO-5 for staff to review, once per member per follow-up, from the
member's own case only, with CSRF, and bad input sent back with what was typed."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.aftercare import service as aftercare
from casework.aftercare.models import CheckIn, MemberCheckIn
from casework.assessment.models import Screening
from casework.audit.models import AuditEvent
from casework.audit.service import acting_as
from casework.auth.models import Role
from casework.domain import followups
from casework.domain.instruments import INSTRUMENTS
from casework.extensions import db
from casework.notes.models import Note
from casework.portal import check_ins
from casework.timeutil import local_today
from tests.conftest import PASSWORD, csrf_token, login
from tests.portal.conftest import contact_of

PAGE = "/portal/check-in"
CHOOSE = "Please choose the answer closest to how you felt."
PROMPT = "Your interventionist would like to hear how you are"
WELLBEING = "Tired, but sleeping a little better since the family group on Tuesdays."
LOVED_ONE_WORDS = "He sounded calmer on the phone on Sunday and asked about his dog."
NEEDS = "Could someone call me about a Nar-Anon meeting near Millbrook?"
# Raw total 2+3+1+2+0 = 8 (poor wellbeing): neither may reach the audit log.
ANSWERS = {"q1": "2", "q2": "3", "q3": "1", "q4": "2", "q5": "0"}


def form(**changes):
    data = {
        "wellbeing": WELLBEING,
        **ANSWERS,
        "loved_one_status": "in_treatment",
        "loved_one_words": LOVED_ONE_WORDS,
        "needs": NEEDS,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def support(factory):
    """A case in post-intervention support with two members on the portal, and
    another case's member. `start(days_ago)` starts the entered-treatment
    pathway (first follow-up the day after admission) that many days ago."""
    staff = factory.user(Role.INTERVENTIONIST, name="Jordan Reyes")
    case = factory.case(staff, loved_one_name="Marcus Webb", phase="aftercare")
    dana = factory.family_member(case, name="Dana Webb")
    leo = factory.family_member(case, name="Leo Webb")
    other_staff = factory.user(Role.INTERVENTIONIST, name="Other Lead")
    other_case = factory.case(other_staff, loved_one_name="Someone Else", phase="aftercare")
    olive = factory.family_member(other_case, name="Olive Outsider")

    def start(days_ago: int, which=case, by=staff):
        with acting_as(by):
            aftercare.start_pathway(
                which,
                "entered_treatment",
                local_today() - timedelta(days=days_ago),
                "Admitted to Cedar Ridge",
                by,
            )
        db.session.commit()

    return {
        "staff": staff,
        "case": case,
        "dana": dana,
        "leo": leo,
        "other_staff": other_staff,
        "other_case": other_case,
        "olive": olive,
        "start": start,
    }


def rows(model, **where):
    db.session.expire_all()
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def state_today(case):
    follow_up = aftercare.next_open(aftercare.follow_ups(case))
    return followups.state(follow_up, local_today())


# ---- when it is offered ---------------------------------------------------------------


def test_not_offered_before_the_first_follow_up_is_due(support, as_user):
    support["start"](0)  # admitted today: the first follow-up is tomorrow
    assert state_today(support["case"]) == followups.UPCOMING
    client = as_user(support["dana"])

    assert PROMPT not in client.get("/portal/").get_data(as_text=True)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Nothing to send right now" in page.get_data(as_text=True)
    assert 'name="q1"' not in page.get_data(as_text=True)
    assert client.post(PAGE, data=form()).status_code == 404
    assert rows(CheckIn) == 0


def test_not_offered_without_a_pathway_or_outside_support(support, as_user, factory):
    client = as_user(support["dana"])  # in support, but no pathway started yet
    assert PROMPT not in client.get("/portal/").get_data(as_text=True)
    assert client.post(PAGE, data=form()).status_code == 404

    support["start"](1)
    support["case"].phase = "closed"
    support["case"].status = "closed"
    db.session.commit()
    assert PROMPT not in client.get("/portal/").get_data(as_text=True)
    assert client.post(PAGE, data=form()).status_code == 404
    assert rows(CheckIn) == 0


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [
        (1, followups.DUE_TODAY),  # the day-1 follow-up is today
        (2, followups.DUE),  # a day late, inside its one-day window
        (10, followups.OVERDUE),  # past its window
    ],
)
def test_offered_on_the_day_in_the_window_and_overdue(support, as_user, days_ago, expected):
    support["start"](days_ago)
    assert state_today(support["case"]) == expected
    client = as_user(support["dana"])

    home = client.get("/portal/").get_data(as_text=True)
    assert PROMPT in home
    assert f'href="{PAGE}"' in home
    page = client.get(PAGE).get_data(as_text=True)
    # The WHO-5 in the instrument's own words, and the crisis lines on the page.
    for item in INSTRUMENTS["WHO-5"].items:
        assert item.text in page
    assert "At no time" in page and "All of the time" in page
    assert "988" in page and 'href="tel:911"' in page
    # It asks and tells nothing: no score, no pathway, no plan, no clinical words.
    for word in ("WHO-5", "score", "pathway", "Entered treatment", "Admitted to Cedar Ridge"):
        assert word not in page


# ---- sending it ---------------------------------------------------------------------


def test_a_check_in_lands_as_family_reported_with_the_who5_for_staff_to_review(support, as_user):
    support["start"](1)
    case, dana = support["case"], support["dana"]
    contact = contact_of(dana)
    due = aftercare.next_open(aftercare.follow_ups(case)).due
    client = as_user(dana)

    sent = client.post(PAGE, data=form())
    assert sent.status_code == 302 and sent.headers["Location"].endswith(PAGE)
    thanks = client.get(PAGE).get_data(as_text=True)
    assert "Thank you" in thanks and "Jordan Reyes" in thanks
    assert WELLBEING not in thanks  # nothing of it is shown back

    db.session.expire_all()
    (check_in,) = aftercare.waiting_review(case)  # what staff see to review
    assert check_in.family_reported is True
    assert check_in.method == "portal"
    assert check_in.held_on == local_today()
    assert check_in.due_on == due
    assert check_in.reached == [f"contact:{contact.id}"]
    assert check_in.reported_by_contact_id == contact.id
    assert check_in.loved_one_status == "in_treatment"
    assert check_in.loved_one_words == LOVED_ONE_WORDS
    assert check_in.family_needs == NEEDS
    assert check_in.recorded_by_id == dana.id
    assert check_in.note_id is None and rows(Note) == 0  # notes are staff's
    assert [(m.contact_id, m.wellbeing) for m in check_in.members] == [(contact.id, WELLBEING)]
    (screening,) = db.session.scalars(select(Screening).where(Screening.case_id == case.id))
    assert (screening.code, screening.respondent, screening.contact_id) == (
        "WHO-5",
        "family",
        contact.id,
    )
    assert screening.total == 8 and screening.administered_on == local_today()
    assert screening.recorded_by_id == dana.id

    # Not the follow-up done until staff review it; then the plan moves on.
    assert aftercare.next_open(aftercare.follow_ups(case)).due == due
    with acting_as(support["staff"]):
        aftercare.review_family_check_in(case, check_in, support["staff"])
    db.session.commit()
    assert aftercare.waiting_review(case) == []
    assert aftercare.next_open(aftercare.follow_ups(case)).due > due

    # Audited as the member, and no health information in any summary.
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)))
    mine = [e for e in events if e.actor_id == dana.id]
    assert {(e.action, e.object_type) for e in mine} >= {
        ("view", "page"),
        ("create", "CheckIn"),
        ("create", "Screening"),
    }
    for event in mine:  # (staff's own events name dates, which may hold an 8)
        summary = event.summary or ""
        assert not re.search(r"\b8\b|32%|poor|wellbeing \(", summary, re.IGNORECASE), summary
        for typed in (WELLBEING, LOVED_ONE_WORDS, NEEDS, "Tired", "Nar-Anon"):
            assert typed not in summary


def test_each_member_sends_their_own(support, as_user):
    support["start"](1)
    assert as_user(support["dana"]).post(PAGE, data=form()).status_code == 302
    leo = as_user(support["leo"])
    assert PROMPT in leo.get("/portal/").get_data(as_text=True)  # Dana's does not answer for Leo
    assert leo.post(PAGE, data=form(wellbeing="Leo here.")).status_code == 302
    assert rows(CheckIn, family_reported=True) == 2
    assert rows(Screening, code="WHO-5") == 2


def test_the_second_send_for_the_same_follow_up_writes_nothing(support, as_user):
    support["start"](1)
    client = as_user(support["dana"])
    assert client.post(PAGE, data=form()).status_code == 302

    again = client.post(PAGE, data=form(wellbeing="Sent twice?"))
    assert again.status_code == 409
    assert "You have already sent this one" in again.get_data(as_text=True)
    assert rows(CheckIn) == 1 and rows(MemberCheckIn) == 1 and rows(Screening) == 1
    # The page and the home say so kindly, and offer no second form.
    page = client.get(PAGE).get_data(as_text=True)
    assert "You have already sent this one" in page and 'name="q1"' not in page
    home = client.get("/portal/").get_data(as_text=True)
    assert PROMPT not in home and "Thank you for your check-in" in home


def test_two_sends_at_once_make_one_check_in(support, as_user, monkeypatch):
    """A double-click: both sends pass the check before either is written; the
    database's unique index keeps one and the other is told it has arrived."""
    support["start"](1)
    contact = contact_of(support["dana"])
    due = aftercare.next_open(aftercare.follow_ups(support["case"])).due
    answers = check_ins.Answers(
        WELLBEING, {k: int(v) for k, v in ANSWERS.items()}, "unknown", "", ""
    )
    monkeypatch.setattr(check_ins, "_sent", lambda contact, due_on: False)
    check_ins.send_check_in(contact, due, answers, support["dana"])
    db.session.commit()
    with pytest.raises(check_ins.AlreadySent):
        check_ins.send_check_in(contact_of(support["dana"]), due, answers, support["dana"])
    db.session.commit()
    assert rows(CheckIn) == 1 and rows(MemberCheckIn) == 1 and rows(Screening) == 1


def test_a_real_double_click_makes_one_check_in(support, make_app_with):
    """Two posts of the same form at the same moment, each on its own connection."""
    support["start"](1)
    app = make_app_with()
    clients = []
    for _ in range(2):
        client = app.test_client()
        assert login(client, support["dana"].email, PASSWORD).status_code == 302
        clients.append(client)
    barrier = threading.Barrier(2)
    codes = []

    def send(client):
        barrier.wait()
        codes.append(client.post(PAGE, data=form()).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(codes) == [302, 409]
    assert rows(CheckIn) == 1 and rows(MemberCheckIn) == 1 and rows(Screening) == 1


# ---- own case only ----------------------------------------------------------------


def test_own_case_only(support, as_user, client):
    support["start"](1)
    # Olive's case has no pathway: nothing is due for her, and her post reaches no other case.
    olive = as_user(support["olive"])
    assert PROMPT not in olive.get("/portal/").get_data(as_text=True)
    assert olive.post(PAGE, data=form()).status_code == 404
    assert rows(CheckIn) == 0

    # Once her own case has a follow-up due, hers lands on her case, never Dana's.
    support["start"](1, support["other_case"], support["other_staff"])
    assert olive.post(PAGE, data=form()).status_code == 302
    (sent,) = db.session.scalars(select(CheckIn))
    assert sent.case_id == support["other_case"].id
    assert sent.reported_by_contact_id == contact_of(support["olive"]).id
    assert aftercare.waiting_review(support["case"]) == []

    # Staff never pass the portal's guard; nobody signed in is sent to sign in.
    staff = as_user(support["staff"])
    assert staff.get(PAGE).status_code == 403
    assert staff.post(PAGE, data=form()).status_code == 403
    assert client.get(PAGE).headers["Location"].startswith("/login")
    assert client.post(PAGE, data=form()).headers["Location"].startswith("/login")
    assert rows(CheckIn) == 1


def test_an_archived_contact_has_no_check_in(support, as_user):
    support["start"](1)
    client = as_user(support["dana"])
    contact = contact_of(support["dana"])
    contact.archived_at = contact.created_at
    db.session.commit()
    assert client.post(PAGE, data=form()).status_code == 404
    assert rows(CheckIn) == 0


# ---- CSRF and bad input -------------------------------------------------------------


def test_csrf_is_enforced(support, make_app_with):
    support["start"](1)
    app = make_app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    signed = client.post(
        "/login",
        data={"email": support["dana"].email, "password": PASSWORD, "csrf_token": csrf_token(page)},
    )
    assert signed.status_code == 302

    assert client.post(PAGE, data=form()).status_code == 400
    assert client.post(PAGE, data=form(csrf_token="forged")).status_code == 400
    assert rows(CheckIn) == 0
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    assert client.post(PAGE, data=form(csrf_token=token)).status_code == 302
    assert rows(CheckIn) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"q1": "7"}, CHOOSE),
        ({"q2": "-1"}, CHOOSE),
        ({"q4": "lots"}, CHOOSE),
        ({"q3": None}, CHOOSE),
        ({"loved_one_status": None}, "Please choose one, or “I&#39;m not sure”."),
        ({"loved_one_status": "on_the_moon"}, "Please choose one, or “I&#39;m not sure”."),
        ({"wellbeing": "x" * 501}, "Please keep this to 500 characters or fewer."),
        ({"needs": "y" * 100_000}, "Please keep this to 2,000 characters or fewer."),
    ],
)
def test_bad_input_comes_back_with_its_message_and_what_was_typed(
    support, as_user, changes, message
):
    support["start"](1)
    client = as_user(support["dana"])
    sent = client.post(PAGE, data=form(**changes))
    assert sent.status_code == 422
    page = sent.get_data(as_text=True)
    assert message in page
    assert "Please look again at the questions marked below." in page
    # What was typed and chosen is still there.
    typed = changes.get("wellbeing", WELLBEING)
    assert typed in page
    assert LOVED_ONE_WORDS in page
    if "needs" not in changes:
        assert NEEDS in page
    assert re.search(r'<input checked id="q2-\d"[^>]*value="3"', page) or "q2" in changes
    assert rows(CheckIn) == 0 and rows(Screening) == 0 and rows(MemberCheckIn) == 0

    # Corrected, it goes through.
    assert client.post(PAGE, data=form()).status_code == 302
    assert rows(CheckIn) == 1
