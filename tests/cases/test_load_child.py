"""`load_child`: a case's records are reached only through that case, and an
id no record can have (0, negative, past the column's integer range) is a
404, never a database error. Tried through every real case-child URL, on
SQLite and on PostgreSQL (`--db postgresql`), where `integer` is 32-bit."""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from casework.aftercare import service as aftercare_service
from casework.aftercare.models import CheckIn
from casework.assessment.models import Assessment
from casework.cases.access import fits_column, load_child
from casework.cases.models import Contact
from casework.consent import kinds as consent_kinds
from casework.consent import service as consent_service
from casework.consent.models import Consent
from casework.education import service as education_service
from casework.education.models import Assignment, Packet
from casework.extensions import db
from casework.intervention import service as intervention_service
from casework.intervention.models import Placement, TeamMember
from casework.notes import service as notes_service
from casework.notes.models import Note
from casework.scheduling.models import CaseSession
from casework.timeutil import local_today, utcnow

# The argument of each case-child route that names the child, and where the
# value for it comes from (see `records`).
CHILD_ROUTES = {
    "cases.edit_contact": "contact_id",
    "cases.archive_contact": "contact_id",
    "scheduling.detail": "session_id",
    "scheduling.edit": "session_id",
    "scheduling.cancel": "session_id",
    "scheduling.mark": "session_id",
    "scheduling.session_ics": "session_id",
    "scheduling.handout": "session_id",
    "assessment.version": "number",
    "education.move_to_latest": "assignment_id",
    "education.invite": "contact_id",
    "education.packet_pdf": "packet_id",
    "education.share_packet": "packet_id",
    "notes.for_session": "session_id",
    "notes.edit": "note_id",
    "notes.show": "note_id",
    "notes.add_addendum": "note_id",
    "notes.cosign": "note_id",
    "notes.return_note": "note_id",
    "notes.review": "note_id",
    "notes.print_one": "note_id",
    "intervention.member": "member_id",
    "intervention.remove_member": "member_id",
    "intervention.save_letter": "member_id",
    "intervention.letter_step": "member_id",
    "intervention.return_letter": "member_id",
    "intervention.reopen_letter": "member_id",
    "intervention.save_bottom_line": "member_id",
    "intervention.save_commitments": "member_id",
    "intervention.letter_sheet": "member_id",
    "intervention.placement": "placement_id",
    "intervention.choose_placement": "placement_id",
    "aftercare.check_in": "check_in_id",
    "aftercare.review": "check_in_id",
    "consent.detail": "consent_id",
    "consent.print_form": "consent_id",
    "consent.record_signed": "consent_id",
    "consent.revoke": "consent_id",
    "consent.record_event": "consent_id",
    "messages.thread": "contact_id",
    "messages.reply": "contact_id",
}
OUT_OF_RANGE = [0, -1, 2**31, 2**63 - 1, 2**63, 2**64]


def child_rules(app):
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if "<ref>" in rule.rule and set(rule.arguments) - {"ref", "outcome", "code", "step"}
    }


def build_records(case, owner, slug, versions=1):
    """A session, `versions` assessment versions, an assignment and a packet."""
    db.session.add(
        CaseSession(
            case_id=case.id,
            lead_id=case.interventionist_id,
            kind="follow_up",
            title="Follow-up",
            starts_at=utcnow() + timedelta(days=1),
            duration_minutes=60,
        )
    )
    for number in range(1, versions + 1):
        db.session.add(
            Assessment(
                case_id=case.id,
                number=number,
                created_by_id=owner.id,
                reason=f"Version {number}",
                status="completed" if number < versions else "draft",
                data={},
            )
        )
    module = education_service.write_module(
        owner,
        None,
        slug=slug,
        title=f"Module {slug}",
        summary="A module.",
        topics=None,
        body="## Hello\n\nA short text.",
        sources=None,
    )
    education_service.assign(
        case, owner, [module], case.active_contacts[:1], due_on=None, note=None
    )
    education_service.create_packet(
        case,
        owner,
        title="A packet",
        family_name="Doe",
        cover_letter=None,
        versions=[module.latest],
        include_schedule=False,
        include_contacts=True,
    )
    note = notes_service.start_contact_note(
        case,
        "phone",
        notes_service.NoteData(utcnow(), 10, None, case.active_contacts[:1], [owner], "A call."),
        owner,
    )
    notes_service.sign(case, note, owner)
    intervention_service.save_member(
        case,
        None,
        intervention_service.MemberData(
            None, "A friend", "Friend", "speaker", 1, 1, True, True, None
        ),
    )
    intervention_service.save_placement(
        case,
        None,
        {"facility": "A place", "level": "residential", "financial_relationship": "none"},
    )
    aftercare_service.start_pathway(case, "declined", local_today(), "Declined", owner)
    aftercare_service.record_check_in(
        case,
        aftercare_service.CheckInData(
            local_today(),
            None,
            "phone",
            ["loved_one"],
            "unknown",
            None,
            False,
            None,
            None,
            None,
            None,
            None,
            "A call.",
        ),
        owner,
    )
    consent_service.create(
        case,
        consent_service.draft_from_kind(
            consent_kinds.find("family_involvement"), case.active_contacts[:1]
        ),
        owner,
    )
    db.session.commit()


def ids_of(case) -> dict:
    return {
        "contact_id": case.active_contacts[0].id,
        "session_id": db.session.scalar(
            select(CaseSession.id).where(CaseSession.case_id == case.id)
        ),
        "number": db.session.scalar(
            select(Assessment.number)
            .where(Assessment.case_id == case.id)
            .order_by(Assessment.number.desc())
        ),
        "assignment_id": db.session.scalar(
            select(Assignment.id).where(Assignment.case_id == case.id)
        ),
        "packet_id": db.session.scalar(select(Packet.id).where(Packet.case_id == case.id)),
        "note_id": db.session.scalar(select(Note.id).where(Note.case_id == case.id)),
        "member_id": db.session.scalar(select(TeamMember.id).where(TeamMember.case_id == case.id)),
        "placement_id": db.session.scalar(select(Placement.id).where(Placement.case_id == case.id)),
        "check_in_id": db.session.scalar(select(CheckIn.id).where(CheckIn.case_id == case.id)),
        "consent_id": db.session.scalar(select(Consent.id).where(Consent.case_id == case.id)),
    }


@pytest.fixture
def records(people, factory):
    """My case, and another case with one of each child too. The other case has
    two assessment versions, so its number 2 is a number my case lacks."""
    mine, owner = people["case"], people["owner"]
    other = factory.case(people["other"], loved_one_name="Someone Else")
    build_records(mine, owner, "mine")
    build_records(other, people["other"], "theirs", versions=2)
    return {"mine": mine, "mine_ids": ids_of(mine), "other_ids": ids_of(other)}


def test_every_case_child_route_is_listed(app):
    assert set(child_rules(app)) == set(CHILD_ROUTES), (
        "A case-child route is new or gone: list it in CHILD_ROUTES "
        "(and load its record with load_child)."
    )


@pytest.mark.parametrize("endpoint", sorted(CHILD_ROUTES))
def test_only_my_own_child_in_range_is_reached(app, people, records, as_user, endpoint):
    # A supervisor sees both cases, so nothing but the child's own case refuses.
    client = as_user(people["supervisor"])
    rule = child_rules(app)[endpoint]
    method = "GET" if "GET" in rule.methods else "POST"
    name = CHILD_ROUTES[endpoint]
    mine = records["mine"]

    def url(value):
        args = {"ref": mine.reference, **records["mine_ids"], "outcome": "held", "step": "share"}
        args[name] = value
        with app.test_request_context():
            return url_for(endpoint, **{k: args[k] for k in rule.arguments})

    theirs = records["other_ids"][name]
    assert theirs != records["mine_ids"][name]
    response = client.open(url(theirs), method=method)
    assert response.status_code == 404, f"{endpoint}: another case's {name}"
    assert "Someone Else" not in response.get_data(as_text=True)

    for value in OUT_OF_RANGE:
        response = client.open(url(value), method=method)
        assert response.status_code == 404, f"{endpoint}: {name}={value}"
        assert "We could not find that page" in response.get_data(as_text=True)

    # And the case's own record is reached (last: a POST may change it).
    response = client.open(url(records["mine_ids"][name]), method=method)
    assert response.status_code != 404, f"{endpoint}: my own {name}"
    assert response.status_code < 500


def test_the_exact_urls_of_the_issue(app, people, records, as_user):
    client = as_user(people["owner"])
    ref = records["mine"].reference
    for tail in ("sessions/9223372036854775808", "sessions/18446744073709551616", "sessions/0"):
        assert client.get(f"/cases/{ref}/{tail}").status_code == 404, tail
    assert client.get(f"/cases/{ref}/assessment/versions/9223372036854775808").status_code == 404
    assert client.get(f"/cases/{ref}/packets/9223372036854775808.pdf").status_code == 404


def test_an_archived_contact_is_not_loaded_where_the_filter_says(app, people, records, as_user):
    mine = records["mine"]
    contact = mine.active_contacts[1]
    client = as_user(people["owner"])
    assert client.get(f"/cases/{mine.reference}/contacts/{contact.id}/edit").status_code == 200
    contact.archived_at = utcnow()
    db.session.commit()
    assert client.get(f"/cases/{mine.reference}/contacts/{contact.id}/edit").status_code == 404
    assert client.post(f"/cases/{mine.reference}/contacts/{contact.id}/invite").status_code == 404


def test_load_child_directly(app, people, records):
    mine, ids = records["mine"], records["mine_ids"]
    with app.test_request_context():
        assert load_child(mine, Packet, ids["packet_id"]).case_id == mine.id
        assert load_child(mine, Assessment, number=1).number == 1
        contact = load_child(mine, Contact, ids["contact_id"], archived_at=None)
        assert contact.id == ids["contact_id"]
        for bad in (records["other_ids"]["packet_id"], 0, 2**63):
            with pytest.raises(NotFound):
                load_child(mine, Packet, bad)
        with pytest.raises(TypeError):
            load_child(mine, Packet)


def test_the_range_follows_the_column_and_the_database(app, db_kind):
    widest = 2**63 - 1 if db_kind == "sqlite" else 2**31 - 1
    assert fits_column(CaseSession.id, 1)
    assert fits_column(CaseSession.id, widest)
    assert not fits_column(CaseSession.id, widest + 1)
    assert not fits_column(CaseSession.id, 0)
    assert not fits_column(CaseSession.id, -5)
    assert not fits_column(CaseSession.id, True)
