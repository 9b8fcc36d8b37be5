"""The supervisor's practice page: each list shows what a supervisor should
act on, across every interventionist, and nothing else; supervisors only;
one audit event naming the cases shown; a fixed number of statements."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from casework.aftercare import service as aftercare
from casework.audit.models import AuditEvent
from casework.auth.models import Role
from casework.domain.phases import Phase
from casework.extensions import db
from casework.notes import service as notes
from casework.practice.queries import week_days
from casework.timeutil import local_to_utc, local_today, utcnow
from tests.conftest import count_queries

URL = "/practice/"


def section(html: str, heading_id: str) -> str:
    """The HTML of the page's section under the heading with this id."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.get_data(as_text=True).replace("&#39;", "'")


def in_phase(factory, lead, phase: Phase, days: float, **fields):
    return factory.case(
        lead, phase=phase.value, phase_entered_at=utcnow() - timedelta(days=days), **fields
    )


def test_a_case_far_past_its_phase_median_has_stalled(people, factory, as_user):
    owner, other = people["owner"], people["other"]
    for days in (4, 5, 6, 7):
        in_phase(factory, owner, Phase.ASSESSMENT, days)
    inside = in_phase(factory, other, Phase.ASSESSMENT, 9, loved_one_name="Ina Inside")
    stuck = in_phase(factory, other, Phase.ASSESSMENT, 40, loved_one_name="Stan Stuck")
    # Long in education too, but so is every education case: that is its median.
    for days in (60, 62, 64):
        in_phase(factory, owner, Phase.EDUCATION, days)
    stalled = section(page(as_user(people["supervisor"])), "stalled-h")
    assert stuck.reference in stalled and "Stan Stuck" in stalled
    assert "40" in stalled and "Assessment" in stalled
    assert inside.reference not in stalled
    assert "Education" not in stalled
    # The family is named with its primary contact, and linked to the case.
    assert f'href="/cases/{stuck.reference}/"' in stalled
    assert stuck.primary_contact.name in stalled


def test_an_open_flag_without_a_plan_shows_until_a_plan_is_saved(people, as_user):
    from tests.assessment.test_assessment import draft

    case = people["case"]
    owner = as_user(people["owner"])
    supervisor = as_user(people["supervisor"])
    assert case.reference not in section(page(supervisor), "safety-h")
    owner.post(
        f"/cases/{case.reference}/assessment/edit", data=draft(**{"safety-weapons_in_home": "y"})
    )
    safety = section(page(supervisor), "safety-h")
    assert case.reference in safety and case.loved_one_name in safety
    assert "with no safety plan" in safety and "Olivia Owner" in safety
    response = owner.post(
        f"/cases/{case.reference}/safety-plan",
        data={
            "warning_signs": "Stops answering the phone",
            "people_to_call": "Aunt Rose; 988",
            "means_safety": "Rifle moved to the neighbour's safe",
        },
    )
    assert response.status_code == 302
    safety = section(page(supervisor), "safety-h")
    assert case.reference not in safety
    assert "Every open safety flag has a plan." in safety


def test_notes_awaiting_co_signature(people, factory, as_user):
    owner, case = people["owner"], people["case"]
    signed_alone = factory.case(people["other"], loved_one_name="Sol Signed")
    notes.set_supervision(owner, "cosign")
    for c, author in ((case, owner), (signed_alone, people["other"])):
        note = notes.start_contact_note(
            c,
            "phone",
            notes.NoteData(utcnow() - timedelta(hours=2), 15, None, [], [], "Spoke briefly."),
            author,
        )
        notes.sign(c, note, author)
    db.session.commit()
    cosign = section(page(as_user(people["supervisor"])), "cosign-h")
    assert case.reference in cosign and "Olivia Owner" in cosign
    assert case.primary_contact.name in cosign
    assert signed_alone.reference not in cosign  # signed and final: nothing to co-sign


def test_co_signature_shows_the_longest_waiting_and_links_to_the_rest(people, as_user):
    owner, case = people["owner"], people["case"]
    notes.set_supervision(owner, "cosign")
    for hours in range(12, 0, -1):
        note = notes.start_contact_note(
            case,
            "phone",
            notes.NoteData(utcnow() - timedelta(hours=hours), 15, None, [], [], "Spoke."),
            owner,
        )
        notes.sign(case, note, owner)
    db.session.commit()
    html = page(as_user(people["supervisor"]))
    cosign = section(html, "cosign-h")
    assert cosign.count("<tr>") == 1 + 10
    assert "waiting longest of 12" in cosign and 'href="/notes/queue"' in cosign
    assert 'To co-sign <span class="count">12</span>' in html


def test_overdue_follow_ups_across_the_practice(people, factory, as_user):
    late = factory.case(people["other"], phase=Phase.AFTERCARE.value, loved_one_name="Lee Late")
    fresh = factory.case(people["owner"], phase=Phase.AFTERCARE.value, loved_one_name="Fay Fresh")
    aftercare.start_pathway(
        late, "entered_treatment", local_today() - timedelta(days=5), "Admitted", people["other"]
    )
    aftercare.start_pathway(fresh, "entered_treatment", local_today(), "Admitted", people["owner"])
    db.session.commit()
    overdue = section(page(as_user(people["supervisor"])), "overdue-h")
    assert late.reference in overdue and "Lee Late" in overdue and "Oscar Other" in overdue
    assert fresh.reference not in overdue  # its first follow-up is tomorrow


def test_this_weeks_sessions_from_every_interventionist(people, factory, add_session, as_user):
    owner, other = people["owner"], people["other"]
    mine, theirs = people["case"], factory.case(other, loved_one_name="Tess Theirs")
    monday, sunday = week_days()
    add_session(mine, local_to_utc(monday, time(9, 0)), status="held", title="First call")
    add_session(theirs, local_to_utc(sunday, time(17, 0)), title="Follow-up")
    add_session(theirs, local_to_utc(sunday + timedelta(days=1), time(9, 0)), kind="rehearsal")
    add_session(mine, local_to_utc(monday, time(11, 0)), status="cancelled", kind="rehearsal")
    week = section(page(as_user(people["supervisor"])), "week-h")
    assert mine.reference in week and theirs.reference in week
    assert owner.name in week and other.name in week
    assert "Held" in week
    assert "Rehearsal" not in week  # next Monday's, and the cancelled one


def test_caseload_size_and_phase_mix_per_interventionist(people, factory, as_user):
    owner, other = people["owner"], people["other"]
    factory.case(owner, phase=Phase.ASSESSMENT.value)
    factory.case(owner, phase=Phase.ASSESSMENT.value)
    factory.case(other, phase=Phase.AFTERCARE.value)
    factory.case(other, phase=Phase.CLOSED.value, status="closed")
    factory.user(Role.INTERVENTIONIST, name="Nina New")
    loads = section(page(as_user(people["supervisor"])), "caseloads-h")

    def cells(name):
        row = loads[loads.index(name) : loads.index("</tr>", loads.index(name))]
        return [c.split(">", 1)[1] for c in row.split("<td")[1:7]]

    # Open cases, then scheduling, assessment, education, intervention, aftercare.
    assert [c.split("<")[0] for c in cells("Olivia Owner")] == ["3", "1", "2", "0", "0", "0"]
    assert [c.split("<")[0] for c in cells("Oscar Other")] == ["1", "0", "0", "0", "0", "1"]
    assert [c.split("<")[0] for c in cells("Nina New")] == ["0", "0", "0", "0", "0", "0"]
    assert "<rect" in loads  # the mix drawn as a bar, without script


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 403), ("admin", 403), ("family", 403), ("supervisor", 200)],
)
def test_supervisors_only(people, as_user, who, status):
    assert as_user(people[who]).get(URL).status_code == status


def test_an_administrator_with_supervisor_access_sees_it(factory, as_user):
    admin = factory.user(Role.ADMIN, also_supervisor=True)
    assert as_user(admin).get(URL).status_code == 200


def test_the_navigation_links_it_for_supervisors_only(people, as_user):
    assert 'href="/practice/"' in as_user(people["supervisor"]).get("/cases/").get_data(True)
    assert 'href="/practice/"' not in as_user(people["owner"]).get("/cases/").get_data(True)


def test_one_audit_event_names_the_cases_shown(people, factory, add_session, as_user):
    case = people["case"]
    stuck = in_phase(factory, people["other"], Phase.INTERVENTION, 90)
    for days in (1, 2, 3):
        in_phase(factory, people["other"], Phase.INTERVENTION, days)
    monday, _ = week_days()
    add_session(case, local_to_utc(monday, time(9, 0)))
    supervisor = as_user(people["supervisor"])
    before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    page(supervisor)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[before:]
    assert len(events) == 1
    (event,) = events
    assert event.action == "list" and event.object_id == "practice.index"
    assert event.actor_id == people["supervisor"].id
    assert set(event.cases_shown) == {case.reference, stuck.reference}
    assert case.loved_one_name not in (event.summary or "")


def _busy_practice(factory, add_session, people, n: int) -> None:
    """n cases of each kind the page lists, for two interventionists."""
    monday, _ = week_days()
    for i in range(n):
        lead = people["owner"] if i % 2 else people["other"]
        stalled = in_phase(factory, lead, Phase.ASSESSMENT, 100 + i)
        for days in (1, 2, 3):
            in_phase(factory, lead, Phase.ASSESSMENT, days)
        stalled.risk_flags, stalled.safety_alert = ["self_harm"], True
        add_session(stalled, local_to_utc(monday, time(9, i)))
        follow = factory.case(lead, phase=Phase.AFTERCARE.value)
        aftercare.start_pathway(
            follow, "entered_treatment", local_today() - timedelta(days=5), "Admitted", lead
        )
        notes.set_supervision(lead, "cosign")
        note = notes.start_contact_note(
            follow,
            "phone",
            notes.NoteData(utcnow() - timedelta(hours=2), 15, None, [], [], "Spoke."),
            lead,
        )
        notes.sign(follow, note, lead)
    db.session.commit()


def test_the_statements_do_not_grow_with_the_practice(app, people, factory, add_session, as_user):
    supervisor = as_user(people["supervisor"])
    engine = db.engine

    def statements() -> tuple[int, str]:
        with count_queries(engine) as seen:
            html = page(supervisor)
        return len(seen), html

    _busy_practice(factory, add_session, people, 2)
    small, html = statements()
    assert html.count("Spoke") == 0 and section(html, "cosign-h").count("<tr>") == 3
    _busy_practice(factory, add_session, people, 6)
    large, html = statements()
    assert section(html, "cosign-h").count("<tr>") == 9  # the header and eight notes
    assert section(html, "stalled-h").count("<tr>") == 9
    assert small == large, (small, large)
