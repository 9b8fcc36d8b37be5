"""The schedule form offers the session a case's phase usually needs, and a
video call's web address is a link wherever the session is shown."""

import re

import pytest

from casework.domain.phases import Phase
from casework.domain.sessions import default_kind, video_link
from casework.extensions import db

SELECTED_KIND = re.compile(
    r'<option selected value="([a-z_]+)">|<option value="([a-z_]+)" selected>'
)


def selected_kind(page: str) -> str:
    select = page.split('name="kind"', 1)[1].split("</select>", 1)[0]
    found = SELECTED_KIND.search(select)
    assert found, select
    return found.group(1) or found.group(2)


@pytest.mark.parametrize(
    "phase, kind",
    [
        (Phase.SCHEDULING, "first_call"),
        (Phase.ASSESSMENT, "assessment_interview"),
        (Phase.EDUCATION, "family_education"),
        (Phase.INTERVENTION, "rehearsal"),
        (Phase.AFTERCARE, "follow_up"),
    ],
)
def test_the_schedule_form_starts_from_the_phase(people, as_user, phase, kind):
    case = people["case"]
    case.phase = phase.value
    db.session.commit()
    page = as_user(people["owner"]).get(f"/cases/{case.reference}/sessions/new")
    assert page.status_code == 200
    assert selected_kind(page.get_data(as_text=True)) == kind
    # A link that asks for a kind still gets it.
    asked = as_user(people["owner"]).get(f"/cases/{case.reference}/sessions/new?kind=other")
    assert selected_kind(asked.get_data(as_text=True)) == "other"


def test_only_web_addresses_of_video_calls_become_links():
    assert video_link("video", " https://meet.example.org/abc ") == "https://meet.example.org/abc"
    assert video_link("video", "http://meet.example.org/x") == "http://meet.example.org/x"
    assert video_link("video", "javascript:alert(1)") is None
    assert video_link("video", "Zoom, link to follow") is None
    assert video_link("video", "https://a.example.org/x y") is None
    assert video_link("in_person", "https://maps.example.org/") is None
    assert default_kind("closed") == "other"


def test_a_video_address_is_a_link_for_staff_and_family(people, factory, as_user, add_session):
    case, family = people["case"], people["family"]
    address = "https://meet.example.org/harbor-family"
    session = add_session(case, place_kind="video", place=address)
    contact = next(c for c in case.active_contacts if c.user_id == family.id)
    session.contacts.append(contact)
    factory.give_consent(case, [contact], ["sessions"])
    db.session.commit()
    link = f'<a href="{address}" rel="noopener noreferrer">{address}</a>'

    staff = as_user(people["owner"]).get(f"/cases/{case.reference}/sessions/{session.id}")
    assert link in staff.get_data(as_text=True)

    client = as_user(family)
    assert link in client.get("/portal/").get_data(as_text=True)


def test_a_script_typed_as_a_video_address_stays_text(people, as_user, add_session):
    case = people["case"]
    session = add_session(case, place_kind="video", place='javascript:alert("x")')
    db.session.commit()
    page = as_user(people["owner"]).get(f"/cases/{case.reference}/sessions/{session.id}")
    text = page.get_data(as_text=True)
    assert 'href="javascript' not in text and "javascript:alert(&#34;x&#34;)" in text
