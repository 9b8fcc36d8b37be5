"""Consent decides what a family member sees of the loved one's information.

Every portal route is tried with no consent, with the loved one's consent in
effect, after it is revoked and after it expires (the matrix is built from
the app's url_map, so a new page cannot escape it): case-specific material
shows only while the consent is in effect, each showing is in the accounting
under that consent and carries the 42 CFR Part 2 notice, and the member's own
letter, bottom line, check-in and consents stay theirs whatever the consent."""

from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import select

from casework.aftercare import service as aftercare
from casework.audit.service import acting_as
from casework.consent.disclosures import accounting
from casework.consent.models import Consent, Disclosure
from casework.domain.consent import Scope
from casework.extensions import db
from casework.intervention import service as iv
from casework.timeutil import local_today, utcnow
from tests.portal.test_intervention_portal import PLACEMENT, member_data
from tests.portal.test_portal_check_in import form as check_in_form

STATES = ("none", "consent", "revoked", "expired")
SESSION_TITLE = "Family evening at the practice"
SESSION_PLACE = "12 Harbor Road, Suite 3"
PACKET_TITLE = "The Webb family booklet"
DAY_PLACE = "The Webb home, 8 Elm Court"
FACILITY = PLACEMENT["facility"]
MILESTONE = "30 days in recovery"
OWN_LETTER = "Fran writes: I remember the blue canoe at the lake, and I want you back."
OWN_BOTTOM = "Fran bottom line: I will not answer the phone after midnight."
NOTICE = "42 CFR part 2"  # in the statement itself (casework.practice_text)


def text_of(response) -> str:
    if response.mimetype == "application/pdf":
        raw = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    else:
        raw = response.get_data(as_text=True)
        raw = raw.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
        raw = raw.replace("\\n", " ").replace("\\,", ",").replace("\\;", ";")
        raw = raw.replace("\r\n ", "")
    return " ".join(raw.split())


@pytest.fixture
def world(family, factory, assign, add_session, make_packet):
    """Fran's family, after the intervention: a session ahead, a shared packet,
    the plan with its day and facility, Fran's own letter and bottom line,
    support 40 days in (a milestone reached, a follow-up due), her reading,
    and a consent about her own information waiting for her signature.
    `consent(state)` gives the loved one's consent sharing everything with
    her, as it stands in that state."""
    case, owner, fran = family["case"], family["owner"], family["fran_contact"]
    case.loved_one_name, case.phase = "Marcus Webb", "aftercare"
    db.session.commit()
    (reading,) = assign(fran, "how-recovery-works")
    session = add_session(case, [fran], days=5, title=SESSION_TITLE, place=SESSION_PLACE)
    day = add_session(
        case, [fran], days=-45, kind="intervention", title="The meeting", place=DAY_PLACE
    )
    packet = make_packet(case, "how-recovery-works", title=PACKET_TITLE)
    with acting_as(owner):
        plan = iv.ensure_plan(case)
        plan.session_id = day.id
        member = iv.save_member(case, None, member_data(fran, "speaker", 1, None))
        iv.save_letter(case, member, OWN_LETTER, owner)
        iv.set_bottom_line(case, member, OWN_BOTTOM)
        placement = iv.save_placement(case, None, dict(PLACEMENT))
        iv.choose_placement(case, placement)
        aftercare.start_pathway(
            case, "entered_treatment", local_today() - timedelta(days=40), "Admitted", owner
        )
        aftercare.record_check_in(
            case,
            aftercare.CheckInData(
                held_on=local_today() - timedelta(days=12),
                due_on=None,
                method="phone",
                reached=["loved_one"],
                loved_one_status="in_treatment",
                days_since_use=31,
                returned_to_use=False,
                return_detail=None,
                medication=None,
                meetings=None,
                work_and_housing=None,
                new_safety_concern=None,
                narrative="Thirty-one days.",
            ),
            owner,
        )
    db.session.commit()
    own = factory.give_consent(
        case,
        [],
        [Scope.RECORD],
        subject=fran,
        signed=False,
        recipient_class="My own counsellor",
        purpose="To let my counsellor know how the family is doing",
    )

    def consent(state: str):
        if state == "none":
            return None
        given = factory.give_consent(case, [fran], expires_on=local_today() + timedelta(days=90))
        if state == "revoked":
            given.revoked_at = utcnow()
            given.revoked_by_user_id = owner.id
        elif state == "expired":
            given.expires_on = local_today() - timedelta(days=1)
        db.session.commit()
        return given

    return {
        **family,
        "reading": reading,
        "session": session,
        "day": day,
        "packet": packet,
        "own_consent": own,
        "consent": consent,
    }


@dataclass(frozen=True)
class Gated:
    """A route showing the loved one's information of `scope`: `markers` show
    only while a consent covers it; a file is 404 without one."""

    method: str
    url: str
    scope: Scope
    markers: tuple[str, ...]
    file: bool = False
    own: tuple[str, ...] = ()  # the member's own, shown whatever the consent


@dataclass(frozen=True)
class Own:
    """A route with nothing of the loved one's: the same whatever the consent."""

    method: str
    url: str
    status: int
    markers: tuple[str, ...] = ()
    data: object = None


def route(endpoint: str, w) -> Gated | Own:
    """What each portal endpoint is, for Fran; a new endpoint must be added."""
    return {
        "portal.home": Gated(
            "GET",
            "/portal/",
            Scope.SESSIONS,
            (SESSION_TITLE, PACKET_TITLE, MILESTONE),
            own=("Your reading",),
        ),
        "portal.reader": Own(
            "GET", f"/portal/reading/{w['reading'].id}", 200, ("Finished reading?",)
        ),
        "portal.finished": Own("POST", f"/portal/reading/{w['reading'].id}/finished", 302),
        "portal.session_ics": Gated(
            "GET", f"/portal/sessions/{w['session'].id}.ics", Scope.SESSIONS, (SESSION_PLACE,), True
        ),
        "portal.packet_pdf": Gated(
            "GET", f"/portal/packets/{w['packet'].id}.pdf", Scope.PACKETS, (PACKET_TITLE,), True
        ),
        "portal.intervention": Gated(
            "GET",
            "/portal/intervention",
            Scope.INTERVENTION,
            (FACILITY, DAY_PLACE, "Speaker"),
            own=(OWN_LETTER, OWN_BOTTOM, "What you will stop doing"),
        ),
        "portal.intervention_post": Own(
            "POST", "/portal/intervention", 302, data={"bottom-text": "Mine", "bottom-save": "1"}
        ),
        "portal.check_in": Own("GET", "/portal/check-in", 200, ("How have you been",)),
        "portal.check_in_post": Own("POST", "/portal/check-in", 302, data=check_in_form()),
        "portal.consents_page": Own("GET", "/portal/consents", 200, ("Consents you have given",)),
        "portal.consent": Own(
            "GET", f"/portal/consents/{w['own_consent'].id}", 200, ("My own counsellor",)
        ),
        "portal.consent_post": Own(
            "POST",
            f"/portal/consents/{w['own_consent'].id}",
            302,
            data={
                "sign-signed_name": "Fran Family",
                "sign-agree": "y",
                "sign-version": str(w["own_consent"].version),
            },
        ),
        "portal.consent_pdf": Own(
            "GET", f"/portal/consents/{w['own_consent'].id}.pdf", 200, ("My own counsellor",)
        ),
        # The member's own correspondence with the practice: no consent is asked.
        "portal.messages": Own("GET", "/portal/messages", 200, ("Write a message",)),
        "portal.messages_post": Own(
            "POST", "/portal/messages", 302, data={"body": "Fran asks: can we meet on Monday?"}
        ),
    }[endpoint]


def portal_endpoints(app) -> set[str]:
    return {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("portal.")}


def test_every_portal_route_is_in_the_matrix(app):
    """A new portal page fails here until the matrix says what it shows."""
    unknown = []
    for endpoint in sorted(portal_endpoints(app)):
        try:
            route(endpoint, {"reading": None, "session": None, "packet": None, "own_consent": None})
        except KeyError:
            unknown.append(endpoint)
        except (TypeError, AttributeError):  # known: it reached for a record
            pass
    assert unknown == []


ENDPOINTS = [
    "portal.home",
    "portal.reader",
    "portal.finished",
    "portal.session_ics",
    "portal.packet_pdf",
    "portal.intervention",
    "portal.intervention_post",
    "portal.check_in",
    "portal.check_in_post",
    "portal.consents_page",
    "portal.consent",
    "portal.consent_post",
    "portal.consent_pdf",
    "portal.messages",
    "portal.messages_post",
]


def test_the_matrix_tries_every_portal_route(app):
    assert set(ENDPOINTS) == portal_endpoints(app)


def disclosures_of(case_id) -> list[Disclosure]:
    db.session.expire_all()
    return list(db.session.scalars(select(Disclosure).where(Disclosure.case_id == case_id)))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_portal_route_shows_the_loved_ones_information_only_under_consent(
    world, as_user, endpoint, state
):
    given = world["consent"](state)
    spec = route(endpoint, world)
    client = as_user(world["fran"])
    response = client.open(spec.url, method=spec.method, data=getattr(spec, "data", None))
    shown = disclosures_of(world["case"].id)

    if isinstance(spec, Own):
        assert response.status_code == spec.status, response.get_data(as_text=True)[:300]
        text = text_of(response)
        for marker in spec.markers:
            assert marker in text, marker
        for secret in (SESSION_PLACE, PACKET_TITLE, FACILITY, DAY_PLACE, MILESTONE):
            assert secret not in text, secret
        assert shown == []  # nothing of the loved one's was disclosed
        return

    if state != "consent":
        if spec.file:
            assert response.status_code == 404
        else:
            assert response.status_code == 200
            text = text_of(response)
            for marker in spec.markers:
                assert marker not in text, marker
            for marker in spec.own:
                assert marker in text, marker
            assert "Marcus" in text and "permission" in text  # says kindly why
            assert "Marcus Webb" not in text
            assert NOTICE not in text  # nothing disclosed, so no notice either
        assert shown == []
        return

    assert response.status_code == 200
    text = text_of(response)
    for marker in (*spec.markers, *spec.own):
        assert marker in text, marker
    assert NOTICE in text  # the notice travels with what is disclosed
    assert shown, "the disclosure is in the accounting"
    assert {d.consent_id for d in shown} == {given.id}
    assert {d.recipient_contact_id for d in shown} == {world["fran_contact"].id}
    assert spec.scope.value in {d.scope for d in shown}


def test_the_home_says_kindly_what_waits_for_permission_and_reveals_none_of_it(world, as_user):
    text = text_of(as_user(world["fran"]).get("/portal/"))
    assert "Waiting for Marcus’s permission" in text
    assert "Your interventionist will ask Marcus for permission to share:" in text
    for words in (
        "the dates, times and places of your sessions",
        "the printed packets prepared for your family",
        "the plan for the intervention",
        "how support is going after the intervention",
    ):
        assert words in text, words
    for secret in (SESSION_TITLE, PACKET_TITLE, MILESTONE, f"/sessions/{world['session'].id}"):
        assert secret not in text
    # Her own reading, her part (her letter) and the check-in are still there.
    assert "Your reading" in text and 'href="/portal/intervention"' in text.replace(" ", "")
    assert "Tell us how you are" in text

    world["consent"]("consent")
    covered = text_of(as_user(world["fran"]).get("/portal/"))
    assert "Waiting for Marcus" not in covered and SESSION_TITLE in covered


def test_a_consent_covering_only_some_kinds_shows_only_those(world, factory, as_user):
    only = factory.give_consent(world["case"], [world["fran_contact"]], [Scope.PACKETS])
    client = as_user(world["fran"])
    text = text_of(client.get("/portal/"))
    assert PACKET_TITLE in text and SESSION_TITLE not in text and MILESTONE not in text
    assert "the dates, times and places of your sessions" in text
    assert "the printed packets prepared for your family" not in text
    assert client.get(f"/portal/packets/{world['packet'].id}.pdf").status_code == 200
    assert client.get(f"/portal/sessions/{world['session'].id}.ics").status_code == 404
    assert FACILITY not in text_of(client.get("/portal/intervention"))
    assert {d.consent_id for d in disclosures_of(world["case"].id)} == {only.id}


def test_another_member_of_the_family_is_not_covered_by_a_consent_naming_fran(
    world, factory, as_user
):
    world["consent"]("consent")
    sam = as_user(world["sam"])
    iv_member = None
    with acting_as(world["owner"]):
        iv_member = iv.save_member(
            world["case"], None, member_data(world["sam_contact"], "speaker", 2, None)
        )
    db.session.commit()
    assert iv_member is not None
    world["session"].contacts.append(world["sam_contact"])
    db.session.commit()
    text = text_of(sam.get("/portal/"))
    assert SESSION_TITLE not in text and PACKET_TITLE not in text and MILESTONE not in text
    assert FACILITY not in text_of(sam.get("/portal/intervention"))
    assert sam.get(f"/portal/sessions/{world['session'].id}.ics").status_code == 404
    assert sam.get(f"/portal/packets/{world['packet'].id}.pdf").status_code == 404


def test_revoking_hides_everything_at_once_and_the_accounting_keeps_what_was_shown(world, as_user):
    given = world["consent"]("consent")
    client = as_user(world["fran"])
    packet_url = f"/portal/packets/{world['packet'].id}.pdf"
    assert SESSION_TITLE in text_of(client.get("/portal/"))
    assert client.get(packet_url).status_code == 200
    assert FACILITY in text_of(client.get("/portal/intervention"))

    # Staff record the loved one's revocation (on the staff side's service).
    given = db.session.get(Consent, given.id)
    given.revoked_at = utcnow()
    given.revoked_by_user_id = world["owner"].id
    db.session.commit()

    # The very next request, with the same signed-in session: nothing shows.
    assert SESSION_TITLE not in text_of(client.get("/portal/"))
    assert client.get(packet_url).status_code == 404
    assert client.get(f"/portal/sessions/{world['session'].id}.ics").status_code == 404
    intervention = text_of(client.get("/portal/intervention"))
    assert FACILITY not in intervention and OWN_LETTER in intervention

    rows = accounting(world["case"].id)
    assert [(r.what, r.channel, r.consent_id) for r in rows] == [
        ("Upcoming sessions", "portal_page", given.id),
        ("Packets shared with the family (titles)", "portal_page", given.id),
        ("Recovery milestone", "portal_page", given.id),
        (f"Packet “{PACKET_TITLE}” (PDF)", "portal_pdf", given.id),
        ("Upcoming sessions, in the packet's schedule", "portal_pdf", given.id),
        (
            "Their part in the intervention: role, reading order, the day",
            "portal_page",
            given.id,
        ),
    ]
    assert {r.recipient for r in rows} == {world["fran_contact"].name}


def test_a_consent_ending_on_its_event_hides_it_at_once(world, as_user):
    given = world["consent"]("consent")
    client = as_user(world["fran"])
    assert MILESTONE in text_of(client.get("/portal/"))
    given = db.session.get(Consent, given.id)
    given.event_occurred_on = local_today()  # e.g. the case closed today
    db.session.commit()
    assert MILESTONE not in text_of(client.get("/portal/"))


def test_the_notice_travels_with_each_disclosing_file(world, as_user):
    world["consent"]("consent")
    client = as_user(world["fran"])
    packet = text_of(client.get(f"/portal/packets/{world['packet'].id}.pdf"))
    assert NOTICE in packet and SESSION_TITLE in packet  # its schedule, under consent
    ics = client.get(f"/portal/sessions/{world['session'].id}.ics")
    event = next(iter(Calendar.from_ical(ics.data).walk("VEVENT")))
    description = " ".join(str(event["description"]).split())
    assert "42 CFR Part 2 notice:" in description and NOTICE in description
    assert world["case"].reference in description  # what it said before stays


def test_a_packet_printed_without_consent_for_sessions_lists_none(world, factory, as_user):
    factory.give_consent(world["case"], [world["fran_contact"]], [Scope.PACKETS])
    text = text_of(as_user(world["fran"]).get(f"/portal/packets/{world['packet'].id}.pdf"))
    assert PACKET_TITLE in text and SESSION_TITLE not in text and SESSION_PLACE not in text
    assert [d.scope for d in disclosures_of(world["case"].id)] == ["packets"]
