from datetime import time, timedelta

from casework.timeutil import local_to_utc, local_today
from tests.scheduling.conftest import future_day


def test_caseload_shows_the_week_ahead(people, as_user, add_session):
    case = people["case"]
    add_session(case, local_to_utc(future_day(2), time(14, 0)), title="Rehearsal night")
    add_session(
        case,
        local_to_utc(local_today() + timedelta(days=12), time(9, 0)),
        title="Far-off follow-up",
    )
    page = as_user(people["owner"]).get("/cases/").get_data(as_text=True)
    week = page[page.index("Today and the next 7 days") : page.index("phase-counts")]
    assert "Rehearsal night" in week and case.reference in week
    assert "Far-off follow-up" not in week


def test_a_case_with_nothing_booked_asks_for_the_next_session(
    people, as_user, add_session, factory
):
    booked = people["case"]
    waiting = factory.case(people["owner"], loved_one_name="Waiting Case")
    add_session(booked)
    client = as_user(people["owner"])
    page = client.get("/cases/").get_data(as_text=True)

    def row_of(case):
        start = page.index(f">{case.reference}<")
        return page[start : page.index("</tr>", start)]

    assert "Schedule the next session" in row_of(waiting)
    assert "Schedule the next session" not in row_of(booked)
    overview = client.get(f"/cases/{waiting.reference}/").get_data(as_text=True)
    assert "Schedule the next session" in overview and "None booked" in overview
