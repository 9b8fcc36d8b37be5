"""Every form, fed missing, oversized, wrong-typed and script-laden values.

The answer is always a 4xx with the form's own message and what the user
typed still in it; never a 500, never a half-saved record, and never a
script echoed back unescaped.
"""

from dataclasses import dataclass, field

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import FamilyCase
from casework.extensions import Base, db
from tests.conftest import PASSWORD, csrf_token, login

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = str(escape(SCRIPT))
HUGE = "A" * 10_000
REQUIRED = "This field is required."
NOT_A_CHOICE = "Not a valid choice."
NOT_COERCED = "Invalid Choice: could not coerce."


def too_long(limit: int) -> str:
    return f"Field cannot be longer than {limit} characters."


def database_rows(skip=()) -> dict:
    """Every row of every table, in key order: what 'nothing saved' means."""
    db.session.expire_all()
    rows = {}
    for table in Base.metadata.sorted_tables:
        if table.name in skip:
            continue
        query = select(table).order_by(*table.primary_key.columns)
        rows[table.name] = [tuple(r) for r in db.session.execute(query)]
    return rows


@dataclass
class Bad:
    """One bad submission: fields to override, the message the form shows."""

    overrides: dict
    message: str
    status: int | None = None  # when not the form's usual refusal
    kept: list[str] = field(default_factory=list)  # typed values that must come back

    def __post_init__(self):
        if not self.kept:
            self.kept = [
                v
                for k, v in self.overrides.items()
                if isinstance(v, str) and v and k not in NOT_ECHOED
            ]


# Passwords are never echoed; a refused select choice cannot be re-selected.
NOT_ECHOED = {
    "password",
    "confirm",
    "current",
    "urgency",
    "status",
    "role",
    "preferred_method",
    "interventionist_id",
    "co_interventionist_id",
    "target",
    "closing_reason",
    "phase",
    "interventionist",
    "user",
    "action",
    "concerns",
    "version",
    "loaded",
}


def check(response, bad: Bad, refusal: int):
    body = response.get_data(as_text=True)
    expected = bad.status or refusal
    assert response.status_code == expected, (bad.overrides, response.status_code, body[:300])
    assert SCRIPT not in body
    assert str(escape(bad.message)) in body, (bad.overrides, bad.message)
    for value in bad.kept:
        assert str(escape(value)) in body, (bad.overrides, "typed value not kept", value[:40])


def submit(client, method, url, data):
    if method == "GET":
        return client.get(url, query_string=data)
    return client.post(url, data=data)


def run_bad(client, method, url, valid, bads, refusal, skip_tables=()):
    before = database_rows(skip=skip_tables)
    for bad in bads:
        data = {**valid, **bad.overrides}
        data = {k: v for k, v in data.items() if v is not None}
        check(submit(client, method, url, data), bad, refusal)
    assert database_rows(skip=skip_tables) == before, "a refused form saved something"


def with_script(fields, broken: dict, message: str) -> Bad:
    """Script in every text field, one field broken so the form comes back."""
    overrides = {name: SCRIPT for name in fields}
    overrides.update(broken)
    return Bad(overrides, message, kept=[SCRIPT])


# ---- sign-in -------------------------------------------------------------------


def test_login_refuses_bad_input(app, people):
    client = app.test_client()
    owner = people["owner"]
    no_match = "That email and password do not match an active account."
    bads = [
        Bad({"email": ""}, REQUIRED),
        Bad({"password": ""}, REQUIRED, kept=[owner.email]),
        Bad({"email": None, "password": None}, REQUIRED),
        Bad({"email": "x" * 10_000}, too_long(254)),
        Bad({"password": HUGE}, too_long(200), kept=[owner.email]),
        Bad({"email": SCRIPT}, no_match),
        Bad({"email": f"{owner.email}{SCRIPT}", "password": SCRIPT}, no_match),
        Bad({"password": "wrong password"}, no_match, kept=[owner.email]),
    ]
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    run_bad(
        client,
        "POST",
        "/login",
        {"email": owner.email, "password": PASSWORD},
        bads,
        401,
        skip_tables=("audit_events", "users"),
    )
    actions = db.session.scalars(select(AuditEvent.action).offset(before)).all()
    assert set(actions) == {"login_failed"}
    assert client.get("/cases/").status_code == 302  # still signed out


# ---- cases -------------------------------------------------------------------

CASE_TEXT = ["loved_one_name", "preferred_name", "pronouns", "referral_source", "summary"]


def case_field_bads(valid_name="Kept Loved One"):
    return [
        Bad({"loved_one_name": ""}, REQUIRED),
        Bad({"loved_one_name": HUGE}, too_long(120)),
        Bad({"preferred_name": HUGE}, too_long(80)),
        Bad({"pronouns": HUGE}, too_long(40)),
        Bad({"referral_source": HUGE}, too_long(200)),
        Bad({"summary": HUGE}, too_long(5000)),
        Bad({"concerns": None}, REQUIRED, kept=[valid_name]),
        Bad({"concerns": ["alcohol", "heroin"]}, "'heroin' is not a valid choice for this field."),
        Bad({"urgency": "whenever"}, NOT_A_CHOICE, kept=[valid_name]),
        Bad({"date_of_birth": "last spring"}, "Not a valid date value."),
        Bad({"date_of_birth": "2999-01-01"}, "The date of birth cannot be in the future."),
        Bad({"date_of_birth": "1850-06-01"}, "Check the year of birth."),
        Bad({"age": "forty"}, "Not a valid integer value."),
        Bad({"age": "9" * 5000}, "Not a valid integer value."),
        Bad({"age": "121"}, "Number must be between 0 and 120."),
        Bad({"age": "-1"}, "Number must be between 0 and 120."),
        with_script(CASE_TEXT, {"age": "x"}, "Not a valid integer value."),
    ]


def test_intake_refuses_bad_input(people, as_user):
    owner, other = people["owner"], people["other"]
    valid = {
        "contact_name": "Laura Kept",
        "contact_relationship": "Wife",
        "contact_phone": "555-0100",
        "loved_one_name": "Kept Loved One",
        "concerns": ["alcohol"],
        "urgency": "routine",
        "interventionist_id": str(owner.id),
    }
    bads = [
        *case_field_bads(),
        Bad({"contact_name": ""}, REQUIRED, kept=["Kept Loved One"]),
        Bad({"contact_name": HUGE}, too_long(120)),
        Bad({"contact_relationship": ""}, REQUIRED, kept=["Laura Kept"]),
        Bad({"contact_relationship": HUGE}, too_long(60)),
        Bad({"contact_phone": HUGE}, too_long(40)),
        Bad({"contact_email": "not-an-email"}, "Invalid email address."),
        Bad({"contact_email": "x" * 300 + "@example.org"}, too_long(254)),
        Bad({"interventionist_id": "abc"}, NOT_COERCED, kept=["Laura Kept"]),
        # an interventionist opens cases for themselves only
        Bad({"interventionist_id": str(other.id)}, NOT_A_CHOICE, kept=["Laura Kept"]),
        Bad({"interventionist_id": str(people["family"].id)}, NOT_A_CHOICE),
        with_script(
            ["contact_name", "contact_relationship", "contact_phone"],
            {"concerns": None},
            REQUIRED,
        ),
    ]
    run_bad(as_user(owner), "POST", "/cases/new", valid, bads, 422)


def test_intake_keeps_script_as_text(people, as_user):
    client = as_user(people["owner"])
    response = client.post(
        "/cases/new",
        data={
            "contact_name": SCRIPT,
            "contact_relationship": "Wife",
            "contact_phone": "555-0100",
            "loved_one_name": SCRIPT,
            "summary": SCRIPT,
            "concerns": ["alcohol"],
            "urgency": "routine",
            "interventionist_id": str(people["owner"].id),
        },
    )
    assert response.status_code == 302
    case = db.session.scalar(select(FamilyCase).where(FamilyCase.loved_one_name == SCRIPT))
    assert case is not None and case.summary == SCRIPT  # stored as typed
    for url in (f"/cases/{case.reference}/", f"/cases/{case.reference}/edit", "/cases/"):
        body = client.get(url).get_data(as_text=True)
        assert SCRIPT not in body, url
        assert ESCAPED_SCRIPT in body, url


def edit_form_data(case) -> dict:
    return {
        "loved_one_name": case.loved_one_name,
        "concerns": list(case.concerns),
        "urgency": case.urgency,
        "status": case.status,
        "version": str(case.version),
        "loaded": "",
    }


def test_case_edit_refuses_bad_input(people, as_user):
    case = people["case"]
    valid = {**edit_form_data(case), "loved_one_name": "Kept Loved One"}
    bads = [
        *case_field_bads(),
        Bad({"status": "closed"}, NOT_A_CHOICE, kept=["Kept Loved One"]),
        Bad({"status": "deleted"}, NOT_A_CHOICE),
        # a version the case never had, or none at all: someone else's save
        Bad({"version": "abc"}, "Someone else saved changes", status=409, kept=["Kept Loved One"]),
        Bad({"version": None}, "Someone else saved changes", status=409, kept=["Kept Loved One"]),
        Bad(
            {"version": "0", "loaded": "{not json"},
            "Someone else saved changes",
            status=409,
            kept=["Kept Loved One"],
        ),
        Bad(
            {"version": "0", "loaded": "[1, 2, 3]"},
            "Someone else saved changes",
            status=409,
            kept=["Kept Loved One"],
        ),
        Bad(
            {"version": "0", "loaded": '{"loved_one_name": "' + SCRIPT + '"}'},
            "Someone else saved changes",
            status=409,
            kept=["Kept Loved One"],
        ),
    ]
    run_bad(as_user(people["owner"]), "POST", f"/cases/{case.reference}/edit", valid, bads, 422)


# ---- contacts ------------------------------------------------------------------

CONTACT_TEXT = ["name", "relationship_to_loved_one", "phone", "notes"]


def contact_bads():
    return [
        Bad({"name": ""}, REQUIRED, kept=["Brother"]),
        Bad({"name": HUGE}, too_long(120)),
        Bad({"relationship_to_loved_one": ""}, REQUIRED, kept=["Tom Kept"]),
        Bad({"relationship_to_loved_one": HUGE}, too_long(60)),
        Bad({"phone": HUGE}, too_long(40)),
        Bad({"email": "tom at home"}, "Invalid email address.", kept=["tom at home", "Tom Kept"]),
        Bad({"notes": HUGE}, too_long(2000)),
        Bad({"preferred_method": "pigeon"}, NOT_A_CHOICE, kept=["Tom Kept"]),
        Bad({"preferred_method": "email"}, "Add an email address to reach them by email."),
        Bad({"phone": ""}, "Add a phone number to reach them by phone or text."),
        with_script(CONTACT_TEXT, {"email": "nope"}, "Invalid email address."),
    ]


def contact_valid() -> dict:
    return {
        "name": "Tom Kept",
        "relationship_to_loved_one": "Brother",
        "phone": "555-0199",
        "preferred_method": "phone",
    }


def test_new_contact_refuses_bad_input(people, as_user):
    ref = people["case"].reference
    bads = contact_bads()
    run_bad(
        as_user(people["owner"]), "POST", f"/cases/{ref}/contacts/new", contact_valid(), bads, 422
    )


def test_contact_edit_refuses_bad_input(people, as_user):
    case = people["case"]
    contact = case.contacts[0]
    url = f"/cases/{case.reference}/contacts/{contact.id}/edit"
    valid = {**contact_valid(), "version": str(contact.version)}
    bads = [
        *contact_bads(),
        Bad({"version": "abc"}, "Someone else changed this contact", status=409),
        Bad({"version": str(contact.version + 5)}, "Someone else changed this contact", 409),
    ]
    run_bad(as_user(people["owner"]), "POST", url, valid, bads, 422)


def test_contact_archive_refuses_bad_input(people, as_user):
    case = people["case"]
    contact = case.contacts[0]
    url = f"/cases/{case.reference}/contacts/{contact.id}/archive"
    bads = [
        Bad({"reason": ""}, REQUIRED),
        Bad({"reason": "   "}, REQUIRED),
        Bad({"reason": HUGE}, too_long(200)),
        Bad({"reason": SCRIPT + "x" * 200}, too_long(200)),
    ]
    client = as_user(people["owner"])
    run_bad(client, "POST", url, {}, bads, 422)
    # The page that comes back still shows the contact as it is saved.
    body = client.post(url, data={"reason": ""}).get_data(as_text=True)
    assert f'value="{escape(contact.name)}"' in body
    db.session.refresh(contact)
    assert contact.archived_at is None


# ---- phase and reassignment --------------------------------------------------------


def test_phase_change_refuses_bad_input(people, factory, as_user):
    case = factory.case(people["owner"], phase="assessment")
    url = f"/cases/{case.reference}/phase"
    bads = [
        Bad({"target": None}, "That is not a phase."),
        Bad({"target": ""}, "That is not a phase."),
        Bad({"target": "limbo"}, "That is not a phase."),
        Bad({"target": HUGE}, "That is not a phase."),
        Bad({"target": "intervention"}, "A case cannot move from Assessment to Intervention."),
        Bad({"target": "scheduling"}, "Moving a case back needs a reason."),
        Bad({"target": "scheduling", "reason": "   "}, "Moving a case back needs a reason."),
        Bad({"target": "closed"}, "Choose why the case is closing."),
        Bad({"target": "closed", "closing_reason": "bored"}, NOT_A_CHOICE),
        Bad({"target": "closed", "closing_reason": "other"}, "Say why the case is closing."),
        Bad({"target": "scheduling", "reason": HUGE}, too_long(1000)),
        Bad({"target": "limbo", "reason": SCRIPT}, "That is not a phase."),
    ]
    run_bad(as_user(people["owner"]), "POST", url, {"target": "education"}, bads, 422)
    db.session.refresh(case)
    assert case.phase == "assessment"


def test_reassign_refuses_bad_input(people, as_user):
    case = people["case"]
    owner, other = people["owner"], people["other"]
    valid = {
        "interventionist_id": str(other.id),
        "co_interventionist_id": "0",
        "reason": "Kept reason",
    }
    bads = [
        Bad({"reason": ""}, REQUIRED),
        Bad({"reason": HUGE}, too_long(500)),
        Bad({"interventionist_id": "abc"}, NOT_COERCED, kept=["Kept reason"]),
        Bad({"interventionist_id": ""}, NOT_COERCED, kept=["Kept reason"]),
        Bad({"interventionist_id": "999999"}, NOT_A_CHOICE, kept=["Kept reason"]),
        Bad({"interventionist_id": str(people["admin"].id)}, NOT_A_CHOICE),
        Bad({"interventionist_id": str(people["family"].id)}, NOT_A_CHOICE),
        Bad({"co_interventionist_id": "xyz"}, NOT_COERCED),
        Bad({"co_interventionist_id": str(other.id)}, "Choose someone other than the lead"),
        Bad({"reason": SCRIPT, "interventionist_id": "abc"}, NOT_COERCED),
    ]
    run_bad(
        as_user(people["supervisor"]), "POST", f"/cases/{case.reference}/reassign", valid, bads, 422
    )
    db.session.refresh(case)
    assert case.interventionist_id == owner.id


# ---- accounts --------------------------------------------------------------------


def test_new_user_form_refuses_bad_input(people, as_user):
    valid = {
        "email": "new.person@example.org",
        "name": "New Person",
        "role": "interventionist",
        "password": "a long enough password",
    }
    bads = [
        Bad({"email": ""}, REQUIRED, kept=["New Person"]),
        Bad({"email": "not an email"}, "Invalid email address."),
        Bad({"email": "x" * 10_000 + "@example.org"}, too_long(254)),
        Bad({"email": people["owner"].email.upper()}, "An account with that email already exists."),
        Bad({"name": ""}, REQUIRED, kept=["new.person@example.org"]),
        Bad({"name": HUGE}, too_long(120)),
        Bad({"role": "superuser"}, NOT_A_CHOICE, kept=["New Person"]),
        Bad({"role": ""}, NOT_A_CHOICE),
        Bad({"phone": HUGE}, too_long(40)),
        Bad({"password": ""}, REQUIRED, kept=["New Person"]),
        Bad({"password": "short"}, "Use at least 10 characters.", kept=["New Person"]),
        Bad({"password": HUGE}, too_long(200), kept=["New Person"]),
        with_script(["name", "phone"], {"email": "nope"}, "Invalid email address."),
    ]
    run_bad(as_user(people["admin"]), "POST", "/admin/users/new", valid, bads, 422)


def test_set_password_refuses_bad_input(people, as_user):
    owner = people["owner"]
    valid = {"password": "a brand new password", "confirm": "a brand new password"}
    bads = [
        Bad({"password": ""}, REQUIRED),
        Bad({"confirm": ""}, REQUIRED),
        Bad({"confirm": "something else entirely"}, "The passwords differ."),
        Bad({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        Bad({"password": HUGE, "confirm": HUGE}, too_long(200)),
        Bad({"password": SCRIPT, "confirm": SCRIPT + "!"}, "The passwords differ."),
    ]
    run_bad(as_user(people["admin"]), "POST", f"/admin/users/{owner.id}/password", valid, bads, 422)


def test_change_password_refuses_bad_input(people, as_user):
    valid = {
        "current": PASSWORD,
        "password": "a brand new password",
        "confirm": "a brand new password",
    }
    bads = [
        Bad({"current": ""}, REQUIRED),
        Bad({"current": "not my password"}, "That is not your current password."),
        Bad({"current": HUGE}, too_long(200)),
        Bad({"password": "", "confirm": ""}, REQUIRED),
        Bad({"confirm": "a different new password"}, "The passwords differ."),
        Bad({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        Bad({"password": HUGE, "confirm": HUGE}, too_long(200)),
    ]
    client = as_user(people["owner"])
    # A wrong current password is audited (casework.auth.reauth); nothing else is written.
    run_bad(client, "POST", "/account/password", valid, bads, 422, skip_tables=("audit_events",))
    assert client.get("/cases/").status_code == 200  # still signed in, same password
    # the old password still signs in
    assert login(client.application.test_client(), people["owner"]).status_code == 302


# ---- filters (GET forms) ---------------------------------------------------------


def test_caseload_filters_refuse_bad_input(people, as_user):
    bads = [
        Bad({"q": HUGE}, too_long(120)),
        Bad({"phase": "limbo"}, NOT_A_CHOICE),
        Bad({"status": "deleted"}, NOT_A_CHOICE),
        Bad({"status": HUGE}, NOT_A_CHOICE),
        Bad({"interventionist": "abc"}, NOT_COERCED),
        Bad({"interventionist": "999999"}, NOT_A_CHOICE),
        Bad({"q": SCRIPT, "phase": "limbo"}, NOT_A_CHOICE),
    ]
    run_bad(as_user(people["supervisor"]), "GET", "/cases/", {}, bads, 400)


def test_caseload_search_echoes_script_as_text(people, as_user):
    client = as_user(people["owner"])
    response = client.get("/cases/", query_string={"q": SCRIPT})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert SCRIPT not in body
    assert f'value="{ESCAPED_SCRIPT}"' in body
    assert "No cases match." in body


@pytest.mark.parametrize("page", ["abc", "-3", "0", "999999", "9" * 30, "9" * 5000])
def test_caseload_survives_any_page_number(people, as_user, page):
    response = as_user(people["owner"]).get("/cases/", query_string={"page": page})
    assert response.status_code == 200


def test_audit_filters_refuse_bad_input(people, as_user):
    bads = [
        Bad({"person": "abc"}, "No account is named “abc”."),
        Bad({"person": "999999"}, "No account is named “999999”."),
        Bad({"person": HUGE}, too_long(254)),
        Bad({"case": "C-2026"}, "Enter a case reference like C-2026-0009."),
        Bad({"action": "hack"}, NOT_A_CHOICE),
        Bad({"since": "yesterday"}, "Not a valid date value."),
        Bad({"until": "2026-13-45"}, "Not a valid date value."),
        Bad({"case": HUGE}, too_long(20)),
        Bad({"case": SCRIPT}, too_long(20), kept=[SCRIPT.upper()]),
    ]
    run_bad(as_user(people["admin"]), "GET", "/admin/audit/", {}, bads, 400)


# ---- CSRF ----------------------------------------------------------------------


def csrf_client(app, user):
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def test_a_post_without_csrf_token_is_refused(people, make_app_with):
    app = make_app_with(WTF_CSRF_ENABLED=True)
    case, owner, admin = people["case"], people["owner"], people["admin"]
    contact = case.contacts[0]

    anonymous = app.test_client()
    response = anonymous.post("/login", data={"email": owner.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)

    clients = {
        "supervisor": csrf_client(app, people["supervisor"]),
        "admin": csrf_client(app, admin),
    }
    posts = [
        ("supervisor", "/cases/new", {"loved_one_name": "No Token", "concerns": "alcohol"}),
        ("supervisor", f"/cases/{case.reference}/edit", {"loved_one_name": "No Token"}),
        ("supervisor", f"/cases/{case.reference}/contacts/new", {"name": "No Token"}),
        (
            "supervisor",
            f"/cases/{case.reference}/contacts/{contact.id}/edit",
            {"name": "No Token"},
        ),
        ("supervisor", f"/cases/{case.reference}/contacts/{contact.id}/archive", {"reason": "x"}),
        ("supervisor", f"/cases/{case.reference}/phase", {"target": "assessment"}),
        ("supervisor", f"/cases/{case.reference}/reassign", {"reason": "x"}),
        ("supervisor", "/account/password", {"current": PASSWORD}),
        ("admin", "/admin/users/new", {"email": "x@example.org"}),
        ("admin", f"/admin/users/{owner.id}/password", {"password": "x" * 12}),
        ("admin", f"/admin/users/{owner.id}/active", {"active": "0"}),
        ("supervisor", "/logout", {}),
    ]
    before = database_rows(skip=("audit_events",))
    for who, url, data in posts:
        response = clients[who].post(url, data=data)
        assert response.status_code == 400, url
        assert "did not come from this site" in response.get_data(as_text=True), url
        # a wrong token is no better than none
        response = clients[who].post(url, data={**data, "csrf_token": "forged"})
        assert response.status_code == 400, url
    assert database_rows(skip=("audit_events",)) == before
    # ... and the refused logout left the supervisor signed in.
    assert clients["supervisor"].get("/cases/").status_code == 200


# ---- characters no database column takes ---------------------------------------------


def test_nul_characters_are_refused_everywhere(people, as_user):
    """PostgreSQL cannot store NUL; the answer is a 400, on either database."""
    case, owner = people["case"], people["owner"]
    nul = "Dan\x00iel"
    staff, admin = as_user(owner), as_user(people["admin"])
    anonymous = staff.application.test_client()
    attempts = [
        (anonymous, "POST", "/login", {"email": f"{nul}@example.org", "password": nul}),
        (
            staff,
            "POST",
            "/cases/new",
            {
                "contact_name": nul,
                "contact_relationship": "Wife",
                "contact_phone": "555-0100",
                "loved_one_name": nul,
                "concerns": ["alcohol"],
                "interventionist_id": str(owner.id),
            },
        ),
        (staff, "POST", f"/cases/{case.reference}/contacts/new", {**contact_valid(), "notes": nul}),
        (staff, "POST", f"/cases/{case.reference}/phase", {"target": "closed", "reason": nul}),
        (staff, "GET", "/cases/", {"q": nul}),
        (admin, "GET", "/admin/audit/", {"case": nul}),
        (admin, "POST", "/admin/users/new", {"email": "n@example.org", "name": nul}),
    ]
    before = database_rows()
    for client, method, url, data in attempts:
        response = submit(client, method, url, data)
        assert response.status_code == 400, url
        assert "Something in that request was not right" in response.get_data(as_text=True)
    assert database_rows() == before
    assert staff.get("/cases/", query_string={"q": "Daniel"}).status_code == 200
