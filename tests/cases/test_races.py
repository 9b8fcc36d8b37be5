"""Two people acting on the same record at the same moment: the second gets
a 409 with a message saying so, never a 500, and nothing of theirs is half-saved.

Each race is two requests interleaved: the first is held in its own thread
(its own database session) after it has loaded the record and before its
change is written; the second runs to the end meanwhile; then the first goes
on and meets the other's change, at its flush or at the request's commit.
"""

import threading

from sqlalchemy import func, select

from casework.assessment import service as assessment_service
from casework.assessment.models import Assessment
from casework.audit.models import AuditEvent
from casework.cases import service as cases_service
from casework.cases.models import Contact, FamilyCase, PhaseChange
from casework.education import library
from casework.education import service as education_service
from casework.education.models import Assignment
from casework.extensions import db
from casework.scheduling import service as scheduling_service
from casework.scheduling.models import CaseSession
from tests.assessment.test_assessment import draft
from tests.scheduling.conftest import future_day, session_form

SAID = "Someone else changed this"


def interleaved(monkeypatch, module, name, first, second, *, after_call=None):
    """Run `first()` in a thread, held just before it calls `module.name`
    (or just after its `after_call`th call) until `second()` (run here) has
    finished; both responses."""
    original = getattr(module, name)
    reached, go = threading.Event(), threading.Event()
    held = {"calls": 0}

    def hold():
        reached.set()
        assert go.wait(30), "the second request never finished"

    def paused(*args, **kwargs):
        if threading.current_thread() is not held.get("thread"):
            return original(*args, **kwargs)
        held["calls"] += 1
        if after_call is None and held["calls"] == 1:
            hold()
        result = original(*args, **kwargs)
        if held["calls"] == after_call:
            hold()
        return result

    monkeypatch.setattr(module, name, paused)
    results = {}

    def run():
        try:
            results["first"] = first()
        except BaseException as error:  # noqa: BLE001  reported below
            results["error"] = error
        finally:
            reached.set()

    thread = threading.Thread(target=run)
    held["thread"] = thread
    thread.start()
    assert reached.wait(30), "the first request never reached the pause"
    try:
        results["second"] = second()
    finally:
        go.set()
        thread.join(30)
    if "error" in results:
        raise results["error"]
    return results["first"], results["second"]


def assert_conflict(response):
    assert response.status_code == 409, response.get_data(as_text=True)[:2000]
    assert SAID in response.get_data(as_text=True)


def events(action: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def test_two_saves_of_one_contact(people, as_user, monkeypatch):
    case = people["case"]
    contact = case.active_contacts[0]
    url = f"/cases/{case.reference}/contacts/{contact.id}/edit"
    mine, theirs = as_user(people["owner"]), as_user(people["supervisor"])

    version = str(contact.version)

    def save(client, name):
        return lambda: client.post(
            url,
            data={
                "name": name,
                "relationship_to_loved_one": "Sister",
                "phone": "555-0100",
                "preferred_method": "phone",
                "version": version,
            },
        )

    first, second = interleaved(
        monkeypatch, cases_service, "save_contact", save(mine, "Mine"), save(theirs, "Theirs")
    )
    assert second.status_code == 302
    assert_conflict(first)
    assert "Mine" in first.get_data(as_text=True)  # what they typed is still there
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).name == "Theirs"


def test_two_edits_of_one_session(people, as_user, add_session, monkeypatch):
    case = people["case"]
    session = add_session(case)
    url = f"/cases/{case.reference}/sessions/{session.id}/edit"

    def save(client, title):
        data = session_form(
            title=title,
            kind="follow_up",
            date=future_day(3).isoformat(),
            time="10:00",
            duration_minutes="60",
            place_kind="in_person",
            place="",
        )
        data["version"] = str(session.version)
        return lambda: client.post(url, data=data)

    mine, theirs = as_user(people["owner"]), as_user(people["supervisor"])
    first, second = interleaved(
        monkeypatch, scheduling_service, "update", save(mine, "Mine"), save(theirs, "Theirs")
    )
    assert second.status_code == 302
    assert_conflict(first)
    assert "Mine" in first.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CaseSession, session.id).title == "Theirs"


def test_two_phase_changes_at_once(people, as_user, monkeypatch):
    case = people["case"]
    url = f"/cases/{case.reference}/phase"
    mine, theirs = as_user(people["owner"]), as_user(people["supervisor"])
    first, second = interleaved(
        monkeypatch,
        cases_service,
        "change_phase",
        lambda: mine.post(url, data={"target": "assessment"}),
        lambda: theirs.post(url, data={"target": "closed", "closing_reason": "declined_services"}),
    )
    assert second.status_code == 302
    assert_conflict(first)
    db.session.expire_all()
    assert db.session.get(FamilyCase, case.id).phase == "closed"
    assert db.session.scalar(select(func.count()).select_from(PhaseChange)) == 1
    assert events("phase_change") == 1


def test_two_reassignments_from_one_loaded_page(people, as_user, factory, monkeypatch):
    """Both supervisors opened the page at the same version; the second to
    save is told who is on the case now, and their choices are kept."""
    case = people["case"]
    third = factory.user(name="Tara Third")
    url = f"/cases/{case.reference}/reassign"
    version, loaded_lead = str(case.version), str(case.interventionist_id)

    def reassign(client, lead, co):
        lead_id, co_id = str(lead.id), str(co.id if co else 0)
        return lambda: client.post(
            url,
            data={
                "interventionist_id": lead_id,
                "co_interventionist_id": co_id,
                "reason": "Balancing caseloads",
                "version": version,
                "loaded_lead": loaded_lead,
                "loaded_co": "0",
            },
        )

    mine = as_user(people["supervisor"])
    theirs = as_user(factory.user("supervisor", name="Sue Second"))
    first, second = interleaved(
        monkeypatch,
        cases_service,
        "reassign",
        reassign(mine, people["other"], None),
        reassign(theirs, people["owner"], third),
    )
    assert second.status_code == 302
    assert first.status_code == 409
    page = first.get_data(as_text=True)
    assert "Someone else changed this case" in page and "Tara Third" in page
    db.session.expire_all()
    found = db.session.get(FamilyCase, case.id)
    assert (found.interventionist_id, found.co_interventionist_id) == (people["owner"].id, third.id)
    assert events("reassign") == 1


def test_two_completions_of_one_assessment(people, as_user, monkeypatch):
    case = people["case"]
    client = as_user(people["owner"])
    assert client.post(f"/cases/{case.reference}/assessment/edit", data=draft()).status_code == 302
    url = f"/cases/{case.reference}/assessment/complete"
    mine, theirs = client, as_user(people["supervisor"])
    first, second = interleaved(
        monkeypatch,
        assessment_service,
        "complete",
        lambda: mine.post(url),
        lambda: theirs.post(url),
    )
    assert second.status_code == 302
    assert_conflict(first)
    db.session.expire_all()
    assessment = db.session.scalars(select(Assessment)).one()
    assert assessment.status == "completed"
    assert assessment.completed_by_id == people["supervisor"].id


def test_two_first_saves_of_an_assessment(people, as_user, monkeypatch):
    """Neither has a version to check yet: both would make version 1."""
    case = people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    mine, theirs = as_user(people["owner"]), as_user(people["supervisor"])
    first, second = interleaved(
        monkeypatch,
        assessment_service,
        "current",
        lambda: mine.post(url, data=draft(**{"family-enabling": "Mine"})),
        lambda: theirs.post(url, data=draft(**{"family-enabling": "Theirs"})),
        after_call=2,  # save_draft's own look for a current version: none yet
    )
    assert second.status_code == 302
    assert first.status_code == 409
    assert "Mine" in first.get_data(as_text=True)
    db.session.expire_all()
    assert [a.data["family"]["enabling"] for a in db.session.scalars(select(Assessment))] == [
        "Theirs"
    ]


def test_the_same_reading_assigned_twice_at_once(people, as_user, monkeypatch):
    case = people["case"]
    library.sync()
    db.session.commit()
    module = education_service.active_modules()[0]
    contact = case.active_contacts[0]
    url = f"/cases/{case.reference}/education/assign"
    data = {"modules": [str(module.id)], "contacts": [str(contact.id)], "note": "Mine"}
    mine, theirs = as_user(people["owner"]), as_user(people["supervisor"])
    first, second = interleaved(
        monkeypatch,
        education_service,
        "assignments_for",
        lambda: mine.post(url, data=data),
        lambda: theirs.post(url, data={**data, "note": "Theirs"}),
        after_call=1,  # assign has seen what the member has: not this module yet
    )
    assert second.status_code == 302
    assert_conflict(first)
    db.session.expire_all()
    assert [a.note for a in db.session.scalars(select(Assignment))] == ["Theirs"]
    # The "made" message queued before the failed commit is not shown later.
    assert "reading assignment" not in mine.get(f"/cases/{case.reference}/education/").text
