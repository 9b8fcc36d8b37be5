"""Reassigning checks the case's version like every other edit: a stale tab
never silently removes someone from a case."""

import re

from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import FamilyCase
from casework.extensions import db


def _hidden(html: str, name: str) -> str:
    return re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def _loaded(client, case) -> dict:
    html = client.get(f"/cases/{case.reference}/reassign").text
    return {name: _hidden(html, name) for name in ("version", "loaded_lead", "loaded_co")}


def test_a_stale_reassign_form_is_a_409_that_says_who_is_on_the_case_now(people, as_user, factory):
    case, owner, other = people["case"], people["owner"], people["other"]
    carla = factory.user(name="Carla Co")
    first_tab, second_tab = as_user(people["supervisor"]), as_user(people["supervisor"])
    stale = _loaded(second_tab, case)
    url = f"/cases/{case.reference}/reassign"
    added = first_tab.post(
        url,
        data={
            **_loaded(first_tab, case),
            "interventionist_id": str(owner.id),
            "co_interventionist_id": str(carla.id),
            "reason": "Carla joins the case",
        },
    )
    assert added.status_code == 302

    # The stale tab still shows no co-interventionist; saving it would drop Carla.
    response = second_tab.post(
        url,
        data={
            **stale,
            "interventionist_id": str(other.id),
            "co_interventionist_id": "0",
            "reason": "Olivia is on leave",
        },
    )
    assert response.status_code == 409
    page = response.text
    assert "Someone else changed this case since you opened this page" in page
    assert re.search(r"<td>Co-interventionist</td><td>None</td><td>Carla Co</td>", page)
    assert 'value="Olivia is on leave"' in page  # what they typed is kept
    db.session.expire_all()
    found = db.session.get(FamilyCase, case.id)
    assert (found.interventionist_id, found.co_interventionist_id) == (owner.id, carla.id)
    reassigns = select(func.count()).where(AuditEvent.action == "reassign")
    assert db.session.scalar(reassigns) == 1

    # Sent again from the 409 page (now at the case's version), it is saved.
    again = second_tab.post(
        url,
        data={
            "version": _hidden(page, "version"),
            "loaded_lead": _hidden(page, "loaded_lead"),
            "loaded_co": _hidden(page, "loaded_co"),
            "interventionist_id": str(other.id),
            "co_interventionist_id": str(carla.id),
            "reason": "Olivia is on leave",
        },
    )
    assert again.status_code == 302
    db.session.expire_all()
    found = db.session.get(FamilyCase, case.id)
    assert (found.interventionist_id, found.co_interventionist_id) == (other.id, carla.id)


def test_a_reassign_form_without_its_version_saves_nothing(people, as_user):
    case = people["case"]
    response = as_user(people["supervisor"]).post(
        f"/cases/{case.reference}/reassign",
        data={
            "interventionist_id": str(people["other"].id),
            "co_interventionist_id": "0",
            "reason": "No version sent",
        },
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(FamilyCase, case.id).interventionist_id == people["owner"].id


def test_the_reassign_page_carries_the_version(people, as_user):
    html = as_user(people["supervisor"]).get(f"/cases/{people['case'].reference}/reassign").text
    assert _hidden(html, "version") == str(people["case"].version)
