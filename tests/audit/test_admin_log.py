"""The administrator's audit log shows who did what to which record and when,
and no summary to an administrator without clinical access; its filter and
the user pages answer bad dates and ids with a 4xx and a message. The pages
that list cases by name (caseload, search, calendar) are audited once a page."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth.models import Role
from casework.extensions import db
from casework.notes import service as notes_service
from casework.timeutil import local_to_utc, local_today
from tests.conftest import count_queries
from tests.notes.conftest import contact_note

SECRET = "Screening recorded with a detail only clinicians may read"


@pytest.fixture
def logged(people):
    event = AuditEvent(
        summary=SECRET,
        actor_id=people["owner"].id,
        case_id=people["case"].id,
        action="create",
        object_type="Screening",
        object_id="41",
        occurred_at=datetime(2024, 5, 6, 12),
    )
    db.session.add(event)
    db.session.commit()
    return event


def test_an_admin_sees_who_did_what_to_which_record_as_a_sentence_but_no_summary(
    people, as_user, logged
):
    page = as_user(people["admin"]).get("/admin/audit/").get_data(as_text=True)
    assert SECRET not in page
    assert ">Detail<" not in page
    owner, ref = people["owner"].name, people["case"].reference
    assert f"{owner} created screening 41 of {ref}" in page
    assert "May 6, 2024" in page


def test_an_admin_with_clinical_access_sees_the_summary(factory, as_user, logged):
    both = factory.user(Role.ADMIN, also_supervisor=True)
    assert SECRET in as_user(both).get("/admin/audit/").get_data(as_text=True)


@pytest.mark.parametrize("field", ["since", "until"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_days_outside_the_log_are_refused_with_a_message(people, as_user, field, day):
    response = as_user(people["admin"]).get("/admin/audit/", query_string={field: day})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter a day between 2000 and 2100." in page
    assert day in page  # the typed value is kept


@pytest.mark.parametrize("day", ["10000-01-01", "2024-02-30", "²⁰²⁴-01-01"])
def test_days_that_are_not_dates_are_refused_with_a_message(people, as_user, day):
    response = as_user(people["admin"]).get("/admin/audit/", query_string={"since": day})
    assert response.status_code == 400
    assert "Not a valid date value." in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [str(2**31), "-1", "²", "Nobody Here", "x" * 200])
def test_a_person_the_log_does_not_know_is_refused(people, as_user, value):
    response = as_user(people["admin"]).get("/admin/audit/", query_string={"person": value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"No account is named “{value}”." in page
    assert f'value="{value}"' in page  # the typed name is kept


@pytest.mark.parametrize("user_id", [2**31, 2**63, 2**64])
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", ""), ("POST", "/password"), ("POST", "/active"), ("POST", "/role")],
)
def test_user_ids_past_the_column_are_not_found(people, as_user, user_id, method, path):
    response = as_user(people["admin"]).open(f"/admin/users/{user_id}{path}", method=method)
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


# ---- list pages ----------------------------------------------------------------------


def list_events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "list").order_by(AuditEvent.id)
        )
    )


def count_events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_the_caseload_and_its_search_are_audited_once_a_page(people, factory, as_user):
    owner = people["owner"]
    second = factory.case(owner, loved_one_name="Zelda Quinn")
    factory.case(people["other"], loved_one_name="Not Hers")
    client = as_user(owner)
    before = count_events()

    assert client.get("/cases/").status_code == 200

    assert count_events() == before + 1
    (event,) = list_events()
    assert event.actor_id == owner.id and event.case_id is None
    assert event.object_id == "cases.caseload"
    assert sorted(event.cases_shown) == sorted([people["case"].reference, second.reference])
    assert "Zelda" not in event.summary

    assert client.get("/cases/?q=zelda").status_code == 200
    assert list_events()[-1].cases_shown == [second.reference]
    assert client.get("/cases/?q=nobody-here").status_code == 200
    assert list_events()[-1].cases_shown == []


def test_the_caseload_event_names_the_cases_its_side_panels_show(
    people, factory, as_user, add_session
):
    """A search narrows the rows, but the week ahead still names another
    family: the page's one event lists that case too."""
    owner = people["owner"]
    second = factory.case(owner, loved_one_name="Zelda Quinn")
    add_session(people["case"])
    client = as_user(owner)

    page = client.get("/cases/?q=zelda").get_data(as_text=True)

    assert people["case"].reference in page  # in the week ahead, not the rows
    assert sorted(list_events()[-1].cases_shown) == sorted(
        [second.reference, people["case"].reference]
    )


def test_the_calendar_is_audited_once_a_page(people, factory, as_user, add_session):
    owner = people["owner"]
    second = factory.case(owner, loved_one_name="Zelda Quinn")
    day = local_today() + timedelta(days=1)
    for case in (people["case"], second):
        add_session(case, local_to_utc(day, time(10)))
        add_session(case, local_to_utc(day, time(14)))
    client = as_user(owner)
    before = count_events()

    assert client.get("/calendar/").status_code == 200

    assert count_events() == before + 1
    (event,) = list_events()
    assert event.object_id == "scheduling.calendar"
    assert sorted(event.cases_shown) == sorted([people["case"].reference, second.reference])


def test_the_admin_log_names_the_cases_a_list_showed(people, as_user):
    as_user(people["owner"]).get("/cases/")
    page = as_user(people["admin"]).get("/admin/audit/?action=list").get_data(as_text=True)
    assert f"{people['owner'].name} viewed the caseload (1 case)" in page
    assert people["case"].reference in page  # under "Which cases"


def test_the_notes_waiting_for_a_supervisor_are_audited_once_a_page(people, as_user):
    case, owner = people["case"], people["owner"]
    notes_service.set_supervision(owner, "cosign")
    notes_service.sign(case, contact_note(case, owner), owner)
    db.session.commit()
    client = as_user(people["supervisor"])
    before = count_events()

    assert client.get("/notes/queue").status_code == 200

    assert count_events() == before + 1
    (event,) = list_events()
    assert event.object_id == "notes.queue" and event.cases_shown == [case.reference]


def test_the_log_page_runs_the_same_queries_for_few_rows_or_many(people, factory, as_user):
    client = as_user(people["admin"])

    def statements() -> int:
        client.get("/admin/audit/")  # warm: the signed-in user and the like
        with count_queries(db.engine) as ran:
            assert client.get("/admin/audit/").status_code == 200
        return len(ran)

    few = statements()
    for n in range(40):
        case = factory.case(people["owner"])
        event = AuditEvent(actor_id=people["owner"].id, case_id=case.id, action="view")
        event.object_type, event.object_id, event.ip = "page", "cases.overview", f"10.0.0.{n}"
        db.session.add(event)
    db.session.commit()
    assert statements() == few
