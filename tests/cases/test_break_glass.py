"""Break-glass access: an interventionist opens a case outside their reach in
an emergency, with a reason, for one hour; a banner says so on the case's
pages, the grant is audited as its own action, and a supervisor reviews it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth.models import Role
from casework.cases import break_glass
from casework.cases.access import can_see, visible_cases
from casework.cases.break_glass import BreakGlassGrant
from casework.cases.models import FamilyCase
from casework.extensions import db
from casework.timeutil import frozen_clock, utcnow
from tests.cases.test_access_matrix import (  # noqa: F401  case_records is a fixture
    EXPECTED,
    JSON_ENDPOINTS,
    PDF_ENDPOINTS,
    case_records,
    method_for,
    outcome,
    rule_for,
    url_and_method,
)
from tests.conftest import login

REASON = "Family called: he is missing and his lead is on a flight"


def break_in(client, ref, reason=REASON):
    return client.post("/break-glass/", data={"reference": ref, "reason": reason})


def grants():
    db.session.expire_all()
    return list(db.session.scalars(select(BreakGlassGrant)))


def end_the_hour(grant):
    """Move the grant back past its hour (the clock in the app keeps running)."""
    grant.granted_at -= timedelta(minutes=61)
    grant.expires_at -= timedelta(minutes=61)
    db.session.commit()


def visible_refs(user) -> set[str]:
    return set(db.session.scalars(select(FamilyCase.reference).where(visible_cases(user))))


def test_a_case_out_of_reach_offers_emergency_access_from_its_404(people, as_user):
    case = people["case"]
    other = as_user(people["other"])

    refused = other.get(f"/cases/{case.reference}/")

    assert refused.status_code == 404
    page = refused.get_data(as_text=True)
    assert f"/break-glass/?ref={case.reference}" in page
    assert case.loved_one_name not in page
    form = other.get(f"/break-glass/?ref={case.reference}").get_data(as_text=True)
    assert f'value="{case.reference}"' in form
    # A search that finds nothing offers it too.
    empty = other.get(f"/cases/?q={case.reference}").get_data(as_text=True)
    assert f"/break-glass/?ref={case.reference}" in empty


def test_an_interventionist_opens_a_case_for_one_hour_with_a_reason(people, as_user):
    case, other = people["case"], people["other"]
    client = as_user(other)

    response = break_in(client, case.reference.lower())

    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.reference}/"
    (grant,) = grants()
    assert (grant.user_id, grant.case_id, grant.reason) == (other.id, case.id, REASON)
    assert grant.expires_at - grant.granted_at == timedelta(hours=1)
    page = client.get(f"/cases/{case.reference}/").get_data(as_text=True)
    assert case.loved_one_name in page
    assert "Emergency access." in page and "60 more minutes" in page
    # The one access rule says so everywhere: the helper and the query filter.
    assert can_see(other, case)
    assert case.reference in visible_refs(other)
    # Audited as its own action, the reason kept apart from the summary.
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "break_glass")).one()
    assert (event.actor_id, event.case_id, event.reason) == (other.id, case.id, REASON)
    assert REASON not in event.summary
    # The case's own interventionist sees it on the timeline, with the reason.
    timeline = as_user(people["owner"]).get(f"/cases/{case.reference}/").get_data(as_text=True)
    assert "Emergency access opened for one hour" in timeline and REASON in timeline
    assert "Emergency access." not in timeline  # no banner: it is their case


def test_the_grant_ends_after_the_hour(people, as_user):
    case, other = people["case"], people["other"]
    client = as_user(other)
    break_in(client, case.reference)
    (grant,) = grants()
    with frozen_clock(grant.granted_at + timedelta(minutes=59, seconds=30)):
        assert grant.running and grant.minutes_left == 1
        assert break_glass.active_grant(other, case) is not None
    with frozen_clock(grant.expires_at):
        assert not grant.running
        assert break_glass.active_grant(other, case) is None
        assert case.reference not in visible_refs(other)

    end_the_hour(grant)

    assert client.get(f"/cases/{case.reference}/").status_code == 404
    assert not can_see(other, case)
    assert case.reference not in visible_refs(other)
    # Asking again is a new grant, with its own reason.
    break_in(client, case.reference, "Still missing; the police asked for his doctor's name")
    assert len(grants()) == 2
    assert client.get(f"/cases/{case.reference}/").status_code == 200


def test_a_grant_opens_that_case_for_that_person_only(people, factory, as_user):
    case, other = people["case"], people["other"]
    elsewhere = factory.case(people["owner"], loved_one_name="Elsewhere Case")
    break_in(as_user(other), case.reference)
    assert visible_refs(other) == {case.reference}
    assert as_user(other).get(f"/cases/{elsewhere.reference}/").status_code == 404
    third = factory.user(Role.INTERVENTIONIST, name="Third Person")
    assert as_user(third).get(f"/cases/{case.reference}/").status_code == 404


def test_a_missing_reference_or_reason_is_refused_with_its_message(people, as_user):
    client = as_user(people["other"])

    unknown = break_in(client, "C-1999-9999")
    no_reason = break_in(client, people["case"].reference, reason="")
    too_short = break_in(client, people["case"].reference, reason="urgent")

    assert unknown.status_code == 422
    assert "No case has that reference." in unknown.get_data(as_text=True)
    assert REASON in unknown.get_data(as_text=True)  # what was typed is kept
    assert no_reason.status_code == 422
    assert "Say why you need this case now." in no_reason.get_data(as_text=True)
    assert too_short.status_code == 422
    assert grants() == []


def test_ones_own_case_needs_no_grant(people, as_user):
    response = break_in(as_user(people["owner"]), people["case"].reference)
    assert response.status_code == 302
    assert grants() == []


@pytest.mark.parametrize("who", ["supervisor", "admin", "family"])
def test_only_interventionists_break_the_glass(people, as_user, who):
    response = break_in(as_user(people[who]), people["case"].reference)
    assert response.status_code == 403
    assert grants() == []


def test_an_account_waiting_for_clinical_access_cannot_break_the_glass(people, factory, app):
    waiting = factory.user(Role.INTERVENTIONIST, clinical_pending=True)
    client = app.test_client()
    login(client, waiting)
    assert break_in(client, people["case"].reference).status_code == 403


def test_a_supervisor_reviews_each_grant(people, as_user):
    case = people["case"]
    break_in(as_user(people["other"]), case.reference)
    supervisor = as_user(people["supervisor"])

    page = supervisor.get("/review/access").get_data(as_text=True)

    assert case.reference in page and REASON in page and people["other"].name in page
    assert "min left" in page
    (grant,) = grants()
    response = supervisor.post(f"/review/access/grants/{grant.id}/reviewed")
    assert response.status_code == 302
    (grant,) = grants()
    assert grant.reviewed_by_id == people["supervisor"].id and grant.reviewed_at is not None
    review = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "review", AuditEvent.object_type == "BreakGlassGrant"
        )
    ).one()
    assert review.actor_id == people["supervisor"].id and review.case_id == case.id
    after = supervisor.get("/review/access").get_data(as_text=True)
    assert "Nothing to review." in after and "Reviewed lately" in after
    # Reviewing twice changes nothing.
    supervisor.post(f"/review/access/grants/{grant.id}/reviewed")
    assert grants()[0].reviewed_at == grant.reviewed_at


# ---- the access matrix, for an interventionist with a running grant -----------------

CASE_PAGES = [
    endpoint
    for endpoint, expected in EXPECTED.items()
    if expected["owner"] == 200 and expected["other"] == 404
]


@pytest.mark.parametrize("endpoint", CASE_PAGES)
def test_a_grant_opens_every_case_page_for_its_hour(
    app,
    people,
    case_records,  # noqa: F811  the access matrix's fixture, imported above
    endpoint,
):
    """Each case page the case's own interventionist opens (200), the other
    interventionist opens with a running grant, banner and all; after the hour, 404."""
    case = case_records
    client = app.test_client()
    assert login(client, people["other"]).status_code == 302
    url, method = url_and_method(app, endpoint, case)
    assert method == method_for(rule_for(app, endpoint))
    assert outcome(client.open(url, method=method)) == 404
    assert break_in(client, case.reference).status_code == 302

    response = client.open(url, method=method)

    assert outcome(response) == 200, f"{method} {url}"
    if endpoint not in PDF_ENDPOINTS | JSON_ENDPOINTS and response.mimetype == "text/html":
        assert "Emergency access." in response.get_data(as_text=True)
    end_the_hour(grants()[0])
    assert outcome(client.open(url, method=method)) == 404
    assert utcnow() > grants()[0].expires_at
