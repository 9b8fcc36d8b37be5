"""Calendar feeds hold their token hashed, audit every fetch, stop with the
account, and follow case access (a reassigned case leaves the old feed)."""

import hashlib
import re

from icalendar import Calendar
from sqlalchemy import select, text

from casework.audit.models import AuditEvent
from casework.extensions import db
from casework.scheduling.models import CalendarFeed


def _make_feed(client) -> tuple[str, str]:
    """A new address from the settings page: (its path, its token)."""
    response = client.post("/calendar/feed", data={"action": "replace"})
    assert response.status_code == 200
    found = re.search(r'value="http://localhost(/calendar/feed/([^"/]+)\.ics)"', response.text)
    assert found, "the new address is not on the page"
    return found.group(1), found.group(2)


def _uids(body: bytes) -> set[str]:
    return {str(e["UID"]) for e in Calendar.from_ical(body).walk("VEVENT")}


def _reassign(client, case, lead, co=None):
    db.session.refresh(case)
    return client.post(
        f"/cases/{case.reference}/reassign",
        data={
            "interventionist_id": str(lead.id),
            "co_interventionist_id": str(co.id if co else 0),
            "reason": "Caseload balance",
            "version": str(case.version),
        },
    )


def test_only_a_hash_of_the_token_is_stored_and_the_address_is_shown_once(people, as_user, app):
    client = as_user(people["owner"])
    path, token = _make_feed(client)
    stored = db.session.execute(text("SELECT * FROM calendar_feeds")).mappings().one()
    assert token not in {str(v) for v in stored.values()}
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert app.test_client().get(path).status_code == 200

    page = client.get("/calendar/feed").get_data(as_text=True)
    assert token not in page
    assert "You have a calendar address" in page and "make a new one" in page


def test_every_fetch_is_one_audit_event_by_the_owner_with_nothing_clinical(
    people, as_user, add_session, app
):
    case = people["case"]
    add_session(case, kind="intervention", title="The intervention")
    path, _ = _make_feed(as_user(people["owner"]))
    before = db.session.scalar(select(db.func.max(AuditEvent.id)))
    anonymous = app.test_client()
    for _ in range(3):
        assert anonymous.get(path).status_code == 200
    fetches = db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
    assert [e.action for e in fetches] == ["feed_fetch"] * 3
    feed = db.session.scalar(select(CalendarFeed))
    for event in fetches:
        assert event.actor_id == people["owner"].id
        assert (event.object_type, event.object_id) == ("CalendarFeed", str(feed.id))
        assert event.case_id is None
        assert event.summary == "Calendar feed fetched"
    assert anonymous.get("/calendar/feed/not-a-token.ics").status_code == 404
    assert db.session.scalar(select(db.func.count()).where(AuditEvent.id > before)) == 3


def test_deactivating_the_owner_stops_the_feed_for_good(people, as_user, add_session, app):
    add_session(people["case"])
    path, _ = _make_feed(as_user(people["owner"]))
    anonymous = app.test_client()
    assert anonymous.get(path).status_code == 200
    admin = as_user(people["admin"])
    owner_id = people["owner"].id
    assert admin.post(f"/admin/users/{owner_id}/active", data={"active": "0"}).status_code == 302
    assert anonymous.get(path).status_code == 404
    # Switched on again, the old address stays stopped: they make a new one.
    assert admin.post(f"/admin/users/{owner_id}/active", data={"active": "1"}).status_code == 302
    assert anonymous.get(path).status_code == 404
    assert db.session.scalar(select(CalendarFeed)).revoked_at is not None


def test_a_deactivated_owners_live_feed_answers_404(people, as_user, add_session, app):
    """Even a feed left live (deactivated before feeds were revoked with the account)."""
    add_session(people["case"])
    path, _ = _make_feed(as_user(people["owner"]))
    people["owner"].active = False
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_a_reassigned_case_leaves_the_old_feed_calendar_and_week_ahead(
    people, as_user, add_session, app
):
    case, owner, other = people["case"], people["owner"], people["other"]
    coming = add_session(case, title="Booked follow-up")
    held = add_session(case, status="held", title="Held follow-up")
    owner_client, other_client = as_user(owner), as_user(other)
    owner_feed, _ = _make_feed(owner_client)
    other_feed, _ = _make_feed(other_client)
    anonymous = app.test_client()
    assert _uids(anonymous.get(owner_feed).data) == {coming.uid, held.uid}
    assert "Booked follow-up" in owner_client.get("/calendar/").text
    assert "Booked follow-up" in owner_client.get("/cases/").text

    assert _reassign(as_user(people["supervisor"]), case, other).status_code == 302

    assert _uids(anonymous.get(owner_feed).data) == set()
    assert "Booked follow-up" not in owner_client.get("/calendar/").text
    assert "Booked follow-up" not in owner_client.get("/cases/").text
    # The session still to hold is the new lead's now; the held one keeps its lead.
    db.session.expire_all()
    assert (coming.lead_id, held.lead_id) == (other.id, owner.id)
    assert _uids(anonymous.get(other_feed).data) == {coming.uid}
    assert "Booked follow-up" in other_client.get("/calendar/").text
    assert "Booked follow-up" in other_client.get("/cases/").text
    assert "moved to Oscar Other on reassignment" in other_client.get(
        f"/cases/{case.reference}/"
    ).text


def test_a_lead_kept_on_as_co_interventionist_keeps_their_sessions(
    people, as_user, add_session
):
    case, owner, other = people["case"], people["owner"], people["other"]
    coming = add_session(case, title="Booked follow-up")
    assert _reassign(as_user(people["supervisor"]), case, other, co=owner).status_code == 302
    db.session.expire_all()
    assert coming.lead_id == owner.id
    assert "Booked follow-up" in as_user(owner).get("/calendar/").text
