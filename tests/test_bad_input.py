"""The bad input that gave 500s (issue 12), each answered with a 4xx and a
clear message now, the typed values kept where a form comes back.

Dates in the calendar, session forms and audit filter, and ids in the admin
routes, have tests of their own (tests/scheduling, tests/audit, tests/auth).
"""

import ast
import html
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from casework.aftercare import service as aftercare_service
from casework.assessment.models import Assessment
from casework.cases.models import FamilyCase
from casework.education import service as education_service
from casework.education.models import Packet
from casework.extensions import db
from casework.forms import FieldList, loaded_values, whole_number
from casework.intervention.models import Placement, TeamMember
from casework.notes.models import Note, NoteSupervision
from casework.timeutil import local_today

ROOT = Path(__file__).resolve().parent.parent
# "²" is a digit to str.isdigit() but not to int(); so are these.
NOT_INT_DIGITS = ["²", "1²", "①", "⁹"]


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no {name} field"
    return html.unescape(match[1])


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# ---- a NUL in the address or a field's name ---------------------------------------------


def test_a_nul_in_a_case_reference_is_404_on_every_database(people, as_user):
    client = as_user(people["owner"])
    ref = people["case"].reference
    for path in (
        f"/cases/{ref[:-2]}%00{ref[-2:]}/",
        f"/cases/{ref}%00/edit",
        "/education/%00/",
        "/cases/C-2026-00%0001/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "We could not find that page" in response.get_data(as_text=True)
    # The real page is still there.
    assert client.get(f"/cases/{ref}/").status_code == 200


def test_a_nul_in_a_fields_name_is_400(people, as_user):
    client = as_user(people["owner"])
    case = people["case"]
    before = len(case.contacts)
    response = client.post(
        f"/cases/{case.reference}/contacts/new",
        data={"name": "Dana", "relationship_to_loved_one": "Aunt", "pho\x00ne": "555"},
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert len(db.session.get(FamilyCase, case.id).contacts) == before


# ---- whole numbers in addresses -------------------------------------------------------------


def test_every_id_in_an_address_beyond_its_column_is_404_never_500(app, people, as_user):
    """2**31 is past PostgreSQL's integer, 2**63 past SQLite's: every route
    with a whole number in its path, as each kind of user who may get past
    its guard."""
    clients = {who: as_user(people[who]) for who in ("supervisor", "admin", "family")}
    others = {"ref": people["case"].reference, "outcome": "held", "step": "share"}
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]
    assert len(rules) > 30
    for big in (2**31, 2**63):
        for rule in rules:
            args = {
                name: big if isinstance(converter, IntegerConverter) else others.get(name, "x")
                for name, converter in rule._converters.items()
            }
            with app.test_request_context():
                url = url_for(rule.endpoint, **args)
            method = "GET" if "GET" in rule.methods else "POST"
            got = {
                who: client.open(url, method=method).status_code for who, client in clients.items()
            }
            assert set(got.values()) <= {403, 404}, (url, got)
            assert 404 in got.values(), (url, got)


# ---- the JSON an edit page carries back --------------------------------------------------


@pytest.mark.parametrize(
    "loaded",
    [
        '{"status": "\\udc00", "summary": "\\ud800"}',
        '{"loved_one_name": ["\\udfff"]}',
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
    ],
    ids=["lone surrogates", "a surrogate in a list", "deep list", "deep object"],
)
def test_a_stale_save_with_altered_json_is_409_with_the_typing_kept(people, as_user, loaded):
    case = people["case"]
    url = f"/cases/{case.reference}/edit"
    olivia, sam = as_user(people["owner"]), as_user(people["supervisor"])
    his = sam.get(url).get_data(as_text=True)
    fields = {
        "loved_one_name": case.loved_one_name,
        "concerns": case.concerns,
        "urgency": case.urgency,
        "status": case.status,
        "version": hidden(his, "version"),
    }
    assert olivia.post(url, data={**fields, "summary": "Hers.", "loaded": "{}"}).status_code == 302

    response = sam.post(url, data={**fields, "summary": "Sam's own notes", "loaded": loaded})

    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Someone else saved changes to this case while you were editing." in text_of(body)
    assert "Sam&#39;s own notes</textarea>" in body
    db.session.expire_all()
    assert db.session.get(FamilyCase, case.id).summary == "Hers."


def test_loaded_values_keep_only_what_a_page_writes():
    assert loaded_values('{"a": "x", "b": null, "c": ["p", "q"], "d": 3}') == {
        "a": "x",
        "b": None,
        "c": ["p", "q"],
        "d": 3,
    }
    assert loaded_values('{"a": "x", "b": "\\ud800", "c": {"d": 1}, "e": [["f"]]}') == {"a": "x"}
    assert loaded_values("[" * 100_000) == {}
    assert loaded_values("[1, 2]") == {}
    assert loaded_values("not json") == {}
    assert loaded_values(None) == {}


# ---- Unicode digits and huge numbers where a whole number is typed -----------------------


def test_whole_number_takes_ascii_digits_only():
    assert whole_number("12") == 12
    assert whole_number(" 7 ") == 7
    for bad in [*NOT_INT_DIGITS, "١٢", "-1", "1.5", "", None, "9" * 5000, "1_000"]:
        assert whole_number(bad) is None, bad
    assert whole_number("100", most=99) is None


@pytest.fixture
def modules(people):
    owner = people["owner"]
    made = [
        education_service.write_module(
            owner,
            None,
            slug=f"packet-module-{n}",
            title=f"Packet module {n}",
            summary="For a packet.",
            topics=None,
            body="A short text.",
            sources=None,
        )
        for n in (1, 2)
    ]
    db.session.commit()
    return made


@pytest.mark.parametrize("position", [*NOT_INT_DIGITS, "9" * 5000, "0", "100"])
def test_packet_order_numbers_that_are_not_1_to_99_come_back_with_a_message(
    people, as_user, modules, position
):
    case = people["case"]
    first, second = (m.latest.id for m in modules)

    response = as_user(people["owner"]).post(
        f"/cases/{case.reference}/packets/new",
        data={
            "title": "Our packet",
            "family_name": "Doe",
            "modules": [str(first), str(second)],
            f"pos-{first}": position,
            f"pos-{second}": "1",
        },
    )

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Order numbers are whole numbers from 1 to 99." in body
    assert 'value="Our packet"' in body
    assert db.session.scalar(select(func.count()).select_from(Packet)) == 0


@pytest.mark.parametrize("position", [*NOT_INT_DIGITS, "9" * 5000, str(2**63), "-1"])
def test_a_team_members_reading_order_and_seat_must_be_1_to_50(people, as_user, position):
    case = people["case"]
    response = as_user(people["owner"]).post(
        f"/cases/{case.reference}/intervention/members/new",
        data={
            "contact_id": "0",
            "name": "Uncle Ray",
            "role": "speaker",
            "reading_order": position,
            "seat": position,
        },
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Not a valid integer value" in body or "From 1 to 50." in body
    assert 'value="Uncle Ray"' in body
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) == 0


@pytest.mark.parametrize("row", [*NOT_INT_DIGITS, "9" * 5000, "99999999999999999999"])
def test_field_list_rows_with_odd_numbers_are_left_out(people, as_user, row):
    case = people["case"]
    db.session.add(
        Assessment(
            case_id=case.id,
            number=1,
            created_by_id=case.interventionist_id,
            reason="First assessment",
            data={},
        )
    )
    db.session.commit()
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/assessment/edit"
    page = client.get(url).get_data(as_text=True)

    response = client.post(
        url,
        data={
            "version": hidden(page, "version"),
            "substances-0-substance": "alcohol",
            f"substances-{row}-substance": "cannabis",
            "add_substance": "1",
        },
    )

    # The page again with a row added, the typed row kept, the odd one left out.
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert re.search(r'name="substances-0-substance"[^>]*value="alcohol"', body)
    assert "cannabis" not in body


def test_a_check_in_with_odd_member_rows_comes_back_or_saves(people, as_user):
    case = people["case"]
    aftercare_service.start_pathway(case, "declined", local_today(), "Declined", people["owner"])
    db.session.commit()
    client = as_user(people["owner"])
    base = {
        "held_on": local_today().isoformat(),
        "method": "phone",
        "loved_one_status": "unknown",
        "narrative": "Spoke with his sister.",
    }
    for row in ("²", "9" * 5000):
        response = client.post(
            f"/cases/{case.reference}/aftercare/check-ins/new",
            data={**base, f"members-{row}-contact_id": "1", f"members-{row}-wellbeing": "Fine"},
        )
        assert response.status_code in (302, 422), row


def test_every_form_uses_the_field_list_that_reads_ascii_row_numbers():
    """WTForms' own FieldList passes "²" to int(): every form uses ours."""
    for path in (ROOT / "casework").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "wtforms":
                names = {alias.name for alias in node.names}
                assert (
                    "FieldList" not in names
                    or path.name == "forms.py"
                    and (path.parent.name == "casework")
                ), f"{path}: import FieldList from casework.forms"
    assert FieldList.__module__ == "casework.forms"


@pytest.mark.parametrize("person", [*NOT_INT_DIGITS, str(2**63), str(2**31), "9" * 5000])
def test_supervision_settings_for_an_odd_person_id_are_404(people, as_user, person):
    response = as_user(people["supervisor"]).post(
        "/notes/settings", data={"form": "supervision", "person": person, "mode": "review"}
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(NoteSupervision)) == 0


def test_a_stale_reassignment_with_odd_ids_in_the_page_is_409(people, as_user, factory):
    case = people["case"]
    url = f"/cases/{case.reference}/reassign"
    sam = as_user(people["supervisor"])
    page = sam.get(url).get_data(as_text=True)
    case.urgency = "urgent"  # someone else's change a moment ago
    db.session.commit()

    response = sam.post(
        url,
        data={
            "interventionist_id": str(people["other"].id),
            "co_interventionist_id": "0",
            "reason": "Caseload balance",
            "version": hidden(page, "version"),
            "loaded_lead": "9" * 5000,
            "loaded_co": "²",
        },
    )

    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(FamilyCase, case.id).interventionist_id == people["owner"].id


# ---- dates beyond what a time zone can turn -----------------------------------------------

ODD_YEARS = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"]
YEARS_MESSAGE = "Give a date between 1900 and 2100."


@pytest.mark.parametrize("day", ODD_YEARS)
def test_a_note_dated_year_1_or_9999_comes_back_with_a_message(people, as_user, day):
    case = people["case"]
    response = as_user(people["owner"]).post(
        f"/cases/{case.reference}/notes/new?kind=phone",
        data={
            "kind": "phone",
            "date": day,
            "time": "14:30",
            "duration_minutes": "20",
            "contacts": [str(case.active_contacts[0].id)],
            "staff": [str(people["owner"].id)],
            "body": "Called about the weekend.",
            "save": "1",
        },
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert YEARS_MESSAGE in body
    assert "Called about the weekend." in body
    assert db.session.scalar(select(func.count()).select_from(Note)) == 0


@pytest.mark.parametrize("day", ODD_YEARS)
def test_a_placement_with_a_bed_held_until_year_9999_comes_back(people, as_user, day):
    case = people["case"]
    response = as_user(people["owner"]).post(
        f"/cases/{case.reference}/intervention/placements/new",
        data={
            "facility": "Harbor House",
            "level": "residential",
            "financial_relationship": "none",
            "bed_date": day,
            "bed_time": "10:00",
        },
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert YEARS_MESSAGE in body and 'value="Harbor House"' in body
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 0


def test_dates_from_1900_to_2100_are_taken(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    for day in (date(1900, 1, 1), local_today() - timedelta(days=1)):
        response = client.post(
            f"/cases/{case.reference}/notes/new?kind=phone",
            data={
                "kind": "phone",
                "date": day.isoformat(),
                "time": "14:30",
                "duration_minutes": "20",
                "contacts": [str(case.active_contacts[0].id)],
                "staff": [str(people["owner"].id)],
                "body": "Called.",
                "save": "1",
            },
        )
        assert response.status_code == 302, day
