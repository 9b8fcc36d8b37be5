"""Every form in the app, fed generated values: never a 500.

The demo practice is seeded once for the module, with a few records the demo
lacks added (a practice module with a newer version than the one assigned, a
packet not shared yet, a session that has started but is not marked). Each
kind of user (an interventionist, a supervisor, an administrator, each
family account, someone signed out) follows ordinary links from its pages,
and every form on the pages it reaches is read as a browser would send it:
action, method, fields and the values offered. Every POST route in the URL
map must have such a form (or a reason in NO_FORM why no page shows one).

Then for each route hypothesis sends a bounded number of submissions as the
user who was shown the form: every field as a browser would fill it, except
up to three, which are left out, sent twice or replaced by odd text, huge
and negative numbers, Unicode digits, impossible dates and times, NUL
characters, very long strings or altered JSON; field lists also get rows
with crafted row numbers. GET forms (searches and filters) get the same in
their query strings. The answer is always below 500.

`CASEWORK_FUZZ_EXAMPLES=200 pytest tests/test_fuzz_forms.py` digs deeper,
with random rather than fixed examples.
"""

import json
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest
from flask import Flask, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from casework import create_app
from casework.aftercare.models import CheckIn
from casework.assessment.models import Assessment
from casework.audit.service import acting_as
from casework.auth import access_requests
from casework.auth.models import Role, User
from casework.cases import break_glass
from casework.cases.models import Contact, FamilyCase
from casework.education import service as education_service
from casework.extensions import db
from casework.intervention.models import Letter, TeamMember
from casework.notes import service as notes_service
from casework.notes.models import Note
from casework.portal import service as portal_service
from casework.scheduling.models import CaseSession
from casework.timeutil import local_today, utcnow
from tests.conftest import _reset_script, login
from tests.factories import PASSWORD, PASSWORD_HASH, Factory

EXAMPLES = int(os.environ.get("CASEWORK_FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize="CASEWORK_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=list(HealthCheck),
)

# POST routes no page of the demo shows a form for, and why.
NO_FORM = {
    "auth.session_renew": "posted by the page's script (static/js/session.js), no form",
}

# Forms that change the account that sends them are tried as an account of
# their own, so that the other routes' users can still sign in.
OWN_ACCOUNT = {"auth.change_password", "auth.new_recovery_codes"}

# Routes that take away what other routes' forms act on (a member, a
# contact, a module, the session itself) are tried last.
TAKES_AWAY = re.compile(
    r"remove|archive|cancel|logout|active|revoke|ended|reset|decline|complete|choose|phase|reassign"
)


# ---- the demo, seeded once ------------------------------------------------------------


@dataclass
class Viewer:
    """Someone who signs in and follows links: where from, and where to."""

    name: str
    email: str | None  # None: signed out
    start: list[str]
    within: tuple[str, ...]  # the paths whose links are followed
    # Stops after the password, on the page sign-in goes on to (the code, or
    # setting up the authenticator app), which is then its start page.
    halfway: bool = False
    settings: dict = field(default_factory=dict)  # the app's, while this viewer acts


@contextmanager
def settings_of(app: Flask, viewer: Viewer):
    before = {name: app.config[name] for name in viewer.settings}
    app.config.update(viewer.settings)
    try:
        yield
    finally:
        app.config.update(before)


@dataclass
class Field:
    kind: str  # an input's type, "select", "select-multiple", "textarea" or "submit"
    offered: list[str] = field(default_factory=list)  # every value the page offers
    default: list[str] = field(default_factory=list)  # what is sent as the page stands


@dataclass
class FormSeen:
    viewer: Viewer
    page: str
    method: str
    action: str
    fields: dict[str, Field]


@pytest.fixture(scope="module")
def demo(shared_app, db_kind, database_template, shared_sqlite_path, reset_engine):
    """The demo practice in the run's database, for this module's tests, with
    light password hashes so that signing in per route stays quick."""
    if db_kind == "postgresql":
        with reset_engine.begin() as conn:
            conn.exec_driver_sql(_reset_script())
    else:
        shutil.copy(database_template, shared_sqlite_path)
    config = dict(shared_app.config)
    with shared_app.app_context():
        result = shared_app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])
        assert result.exit_code == 0, result.output
        db.session.execute(update(User).values(password_hash=PASSWORD_HASH))
        yield {"app": shared_app, **add_what_the_demo_lacks()}
        db.session.remove()
        db.engine.dispose()
    shared_app.config.clear()
    shared_app.config.update(config)


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def add_what_the_demo_lacks() -> dict:
    """Accounts for the forms that act on accounts or sign in, an invitation,
    and the records some forms need that the demo has none of."""
    accounts = {}
    for name in ("target", "own-account", "code", "set-up", "promoted"):
        account = User(
            email=f"fuzz-{name}@example.org",
            name=f"Fuzz {name.title()}",
            role=Role.INTERVENTIONIST,
            password_hash=PASSWORD_HASH,
        )
        if name != "set-up":  # the others have an authenticator app
            account.totp_secret = pyotp.random_base32()
            account.totp_enrolled_at = utcnow()
        db.session.add(account)
        accounts[name] = account
    lead = user("interventionist@example.org")
    case = db.session.scalar(
        select(FamilyCase)
        .where(FamilyCase.interventionist_id == lead.id, FamilyCase.phase == "education")
        .order_by(FamilyCase.reference)
        .limit(1)
    )
    with acting_as(lead):
        no_account = db.session.scalar(
            select(Contact)
            .where(Contact.user_id.is_(None), Contact.email.is_not(None))
            .order_by(Contact.id)
            .limit(1)
        )
        token = portal_service.invite(no_account.case, lead, no_account)
        fields = {"title": "Fuzzed", "summary": "A practice module.", "topics": None}
        module = education_service.write_module(
            lead, None, slug="fuzzed", body="First.", sources=None, **fields
        )
        education_service.assign(
            case, lead, [module], case.active_contacts[:1], due_on=None, note=None
        )
        education_service.write_module(
            lead, module, slug="fuzzed", body="Second.", sources=None, **fields
        )
        education_service.create_packet(
            case,
            lead,
            title="Not shared yet",
            family_name="Fuzz",
            cover_letter=None,
            versions=[module.latest],
            include_schedule=False,
            include_contacts=False,
        )
        started = CaseSession(
            case_id=case.id,
            lead_id=lead.id,
            kind="follow_up",
            title="Started an hour ago",
            starts_at=utcnow() - timedelta(hours=1),
            duration_minutes=30,
        )
        db.session.add(started)
        # Their signed notes wait for a supervisor's review.
        notes_service.set_supervision(lead, "review")
    # A raised role waiting for a supervisor; emergency access to review.
    admin = user("admin@example.org")
    db.session.flush()
    access_requests.change_role(accounts["promoted"], Role.SUPERVISOR, False, by=admin)
    other = user("interventionist2@example.org")
    with acting_as(other):
        break_glass.grant(other, case, "Their interventionist is away and the family called.")
    db.session.commit()
    # A family member's own consent, waiting for their signature.
    member = user("family@example.org")
    own_case = db.session.scalar(
        select(FamilyCase).join(Contact).where(Contact.user_id == member.id)
    )
    waiting = Factory().give_consent(own_case, subject=member, signed=False)
    return {
        "token": token,
        "target": accounts["target"].id,
        "accounts": {name: account.email for name, account in accounts.items()},
        "case": case.reference,
        "supervisor_pages": [f"/cases/{own_case.reference}/consents/{waiting.id}"],
        "pages": [
            f"/cases/{case.reference}/",
            f"/cases/{case.reference}/sessions/{started.id}",
            "/education/fuzzed/edit",
        ],
    }


def states(demo) -> list[str]:
    """Pages where a form shows only in a state the demo has somewhere:
    on any case, whoever's, so the supervisor reads them."""
    pages = []
    lead = user("interventionist@example.org")
    with demo["app"].test_request_context():
        draft = db.session.scalar(
            select(FamilyCase.reference)
            .join(Assessment, Assessment.case_id == FamilyCase.id)
            .where(Assessment.status == "draft")
            .limit(1)
        )
        if draft:
            pages += [
                url_for("assessment.edit", ref=draft),
                url_for("assessment.safety_review", ref=draft),
            ]
        for ref, check_in in db.session.execute(
            select(FamilyCase.reference, CheckIn.id)
            .join(CheckIn, CheckIn.case_id == FamilyCase.id)
            .where(CheckIn.family_reported, CheckIn.reviewed_at.is_(None))
            .limit(1)
        ):
            pages.append(url_for("aftercare.check_in", ref=ref, check_in_id=check_in))
        for ref, member in db.session.execute(
            select(FamilyCase.reference, TeamMember.id)
            .join(TeamMember, TeamMember.case_id == FamilyCase.id)
            .join(Letter, Letter.member_id == TeamMember.id)
            .where(Letter.status == "shared")
            .limit(1)
        ):
            pages.append(url_for("intervention.member", ref=ref, member_id=member))
        for ref, note in db.session.execute(
            select(FamilyCase.reference, Note.id)
            .join(Note, Note.case_id == FamilyCase.id)
            .where(Note.author_id == lead.id, Note.status == "signed", Note.reviewed_at.is_(None))
            .limit(1)
        ):
            pages.append(url_for("notes.show", ref=ref, note_id=note))
        for ref, session in db.session.execute(
            select(FamilyCase.reference, CaseSession.id)
            .join(CaseSession, CaseSession.case_id == FamilyCase.id)
            .where(CaseSession.status == "held")
            .order_by(CaseSession.id.desc())
            .limit(1)
        ):
            pages.append(url_for("notes.for_session", ref=ref, session_id=session))
    return pages


def own_cases(email: str) -> list[str]:
    """One case page per phase among the user's own cases."""
    refs = {}
    for case in db.session.scalars(
        select(FamilyCase)
        .where(FamilyCase.interventionist_id == user(email).id)
        .order_by(FamilyCase.reference)
    ):
        refs.setdefault(case.phase, f"/cases/{case.reference}/")
    return sorted(refs.values())


def family_emails() -> list[str]:
    return list(
        db.session.scalars(
            select(User.email).where(User.role == Role.FAMILY, User.active).order_by(User.email)
        )
    )


def viewers(demo) -> list[Viewer]:
    mine = own_cases("interventionist@example.org")
    staff_pages = (
        "/education/",
        "/calendar/",
        "/account/",
        "/intervention/",
        "/notes/",
        "/break-glass/",
        "/consents/",
    )
    target = f"/admin/users/{demo['target']}"
    accounts = demo["accounts"]
    return [
        Viewer(
            "interventionist",
            "interventionist@example.org",
            [*demo["pages"], "/cases/", "/cases/new", *mine, *staff_pages],
            (f"/cases/{demo['case']}/", *mine, "/cases/new", *staff_pages),
        ),
        Viewer(
            "supervisor",
            "supervisor@example.org",
            [
                *states(demo),
                *demo["supervisor_pages"],
                "/notes/queue",
                "/notes/settings",
                "/intervention/checklist",
                "/review/access",
                "/consents/kinds",
            ],
            ("/cases/", "/notes/", "/intervention/checklist", "/review/", "/consents/"),
        ),
        # The administrator reads the pages of an account no other route uses.
        Viewer("admin", "admin@example.org", ["/admin/users/", target], ("/admin/", target)),
        Viewer(
            "own account",
            accounts["own-account"],
            ["/account/password", "/account/two-factor"],
            ("/account/",),
        ),
        *(Viewer(email, email, ["/portal/"], ("/portal/",)) for email in family_emails()),
        Viewer("signed out", None, ["/login", f"/invite/{demo['token']}"], ()),
        Viewer("asked for a code", accounts["code"], [], (), halfway=True),
        Viewer(
            "asked to set up",
            accounts["set-up"],
            [],
            (),
            halfway=True,
            settings={"TWO_FACTOR_REQUIRED_FOR_STAFF": True},  # as in production
        ),
    ]


def sign_in(app: Flask, viewer: Viewer):
    """A client signed in as the viewer (halfway: to the page after the
    password, whose path is `client.next_page`)."""
    client = app.test_client()
    if viewer.halfway:
        client.next_page = sign_in_halfway(client, viewer)
    elif viewer.email is not None:
        response = login(client, viewer.email)
        assert response.status_code == 302, (viewer.email, response.status_code)
    return client


def sign_in_halfway(client, viewer: Viewer) -> str:
    response = client.post("/login", data={"email": viewer.email, "password": PASSWORD})
    assert response.status_code == 302, (viewer.email, response.status_code)
    return response.headers["Location"]


# ---- reading pages as a browser would -------------------------------------------------


class PageReader(HTMLParser):
    """The links and forms of one page: each field's kind, the values it
    offers, and what the browser sends for it as the page stands."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: tuple[str, bool] | None = None  # its name, and whether one is selected
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": (a.get("method") or "get").upper(),
                "action": a.get("action") or "",
                "fields": {},
            }
            self.forms.append(self._form)
        elif tag == "option" and self._form is not None and self._select:
            name, chosen = self._select
            spec = self._field(name, "select")
            value = a.get("value") if a.get("value") is not None else ""
            spec.offered.append(value)
            if "selected" in a or (not chosen and spec.kind == "select"):
                if spec.kind == "select":
                    spec.default = [value]
                else:
                    spec.default.append(value)
                self._select = (name, "selected" in a or chosen)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("file", "image", "reset", "button"):
            kind = a.get("type") or "text"
            spec = self._field(a["name"], kind)
            value = a.get("value") or ("on" if kind in ("checkbox", "radio") else "")
            spec.offered.append(value)
            if kind not in ("checkbox", "radio") or "checked" in a:
                spec.default.append(value)
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            self._field(a["name"], "submit").offered.append(a.get("value") or "")
        elif tag == "select":
            self._select = (a["name"], False)
            self._field(a["name"], "select-multiple" if "multiple" in a else "select")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._field(a["name"], "textarea").default.append("")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            spec = self._form["fields"][self._textarea]
            text = spec.default[-1] + data
            spec.default[-1] = text.removeprefix("\r\n").removeprefix("\n")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def _field(self, name, kind) -> "Field":
        return self._form["fields"].setdefault(name, Field(kind))


def endpoint_of(app: Flask, path: str, method: str) -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method=method)
    except HTTPException:
        return None
    return endpoint


SKIPPED_PAGES = re.compile(r"\.(pdf|ics|json|svg)$|^/static/|^/logout")
PAGES_PER_ENDPOINT = 2


def harvest(app: Flask, viewer: Viewer) -> list[FormSeen]:
    """The forms on every page the viewer reaches by links from its start
    pages (at most two pages of each kind)."""
    client = sign_in(app, viewer)
    start = [client.next_page] if viewer.halfway else viewer.start
    queue, seen, per_endpoint, found = list(start), set(), {}, []
    while queue:
        path = queue.pop(0)
        if path in seen or SKIPPED_PAGES.search(path.split("?")[0]):
            continue
        endpoint = endpoint_of(app, urlsplit(path).path, "GET")
        if endpoint is None or per_endpoint.get(endpoint, 0) >= PAGES_PER_ENDPOINT:
            continue
        seen.add(path)
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        response = client.get(path)
        assert response.status_code < 500, (viewer.name, path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        reader = PageReader()
        reader.feed(response.get_data(as_text=True))
        for form in reader.forms:
            action = urljoin(path, form["action"]) if form["action"] else path
            found.append(FormSeen(viewer, path, form["method"], action, form["fields"]))
        for href in reader.links:
            link = urljoin(path, href.split("#")[0])
            if not urlsplit(link).netloc and link.startswith(viewer.within):
                queue.append(link)
    return found


@pytest.fixture(scope="module")
def forms(demo) -> dict[tuple[str, str], FormSeen]:
    """{(endpoint, method): the first form seen that is sent there}."""
    app = demo["app"]
    by_target: dict[tuple[str, str], FormSeen] = {}
    for viewer in viewers(demo):
        with settings_of(app, viewer):
            seen = harvest(app, viewer)
        for form in seen:
            endpoint = endpoint_of(app, urlsplit(form.action).path, form.method)
            if endpoint is None:
                continue
            if (endpoint in OWN_ACCOUNT) != (viewer.name == "own account"):
                continue
            by_target.setdefault((endpoint, form.method), form)
    return by_target


def post_endpoints() -> list[str]:
    """Every POST route, those that take things away last."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    return sorted(found, key=lambda endpoint: (bool(TAKES_AWAY.search(endpoint)), endpoint))


POST_ENDPOINTS = post_endpoints()


# ---- what is sent ---------------------------------------------------------------------

# Digits to str.isdigit() but not to int() (most), and digits to both.
UNICODE_DIGITS = ["²", "³⁴", "1²", "①", "⁹", "₂", "²", "¹²", "١٢", "０", "𝟗", "½", "Ⅻ"]
ODD_NUMBERS = [
    str(2**31),
    str(2**31 - 1),
    str(2**63),
    str(2**64),
    str(-(2**63) - 1),
    "-1",
    "0",
    "00",
    "1e309",
    "nan",
    "-inf",
    "0x10",
    " 7 ",
    "+3",
    "1_000",
    "9" * 5000,
]
ODD_DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "10000-01-01",
    "2026-13-01",
    "-001-01-01",
    "31/12/2026",
    "2026-1-1",
    "2026-06-15T10:00",
]
ODD_TIMES = ["24:00", "23:60", "99:99", "-1:00", "00:00:00", "12:00 PM", "0:0"]
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e\u200b\ufeff",
    "🙂" * 300,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n{0}",
    "\r\n\r\n",
    "x" * 70_000,
    "é" * 30_000,
]
ODD_JSON = [
    '"\\ud800"',
    '{"status": "\\udc00"}',
    '{"concerns": ["\\ud83d"], "loved_one_name": "\\udfff"}',
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    "[]",
    "null",
    '{"status": {"nested": [1, {"x": 2}]}}',
    '{"date_of_birth": 1e999}',
]
ODD = st.one_of(
    st.sampled_from(UNICODE_DIGITS),
    st.sampled_from(ODD_NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(ODD_DATES),
    st.sampled_from(ODD_TIMES),
    st.sampled_from(ODD_TEXT),
    st.sampled_from(ODD_JSON),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)
ROW_NAME = re.compile(r"^(?P<list>.+?)-(?P<row>\d+)-(?P<rest>.+)$")
ODD_ROWS = ["²", "١", "99999999999999999999", "9" * 5000, "-1", "", "0x1"]


TYPED = {
    "time": "10:30",
    "number": "3",
    "email": "someone@example.org",
    "password": PASSWORD,
}


def plausible(spec: Field) -> list[list[str]]:
    """What a person might send in the field: first, the page as it stands."""
    offered = [v for v in spec.offered if v]
    if spec.kind == "submit":
        return [[], *([v] for v in spec.offered)]  # another button, or this one
    if spec.kind == "hidden":
        return [spec.default]
    if spec.kind in ("checkbox", "select-multiple"):
        return [spec.default, offered[:1], offered[-2:]]
    if spec.kind in ("radio", "select"):
        return [spec.default, *([v] for v in offered[:6])]
    if any(spec.default):
        return [spec.default]
    if spec.kind == "date":
        return [[local_today().isoformat()], spec.default]
    return [[TYPED.get(spec.kind, "A few plain words.")], spec.default]


NUMBERS = st.one_of(
    st.sampled_from(UNICODE_DIGITS),
    st.sampled_from(ODD_NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
# The odd values most likely to trouble a field of each kind (and then any).
LIKELY = {
    "number": NUMBERS,
    "date": st.sampled_from(ODD_DATES),
    "datetime-local": st.sampled_from(ODD_DATES),
    "time": st.sampled_from(ODD_TIMES),
    "json": st.sampled_from(ODD_JSON),
}


def kind_of(spec: Field) -> str:
    """A field's kind; a hidden field by what it holds (a version, JSON)."""
    if spec.kind == "hidden" and spec.offered:
        held = spec.offered[0]
        if held[:1] in ("{", "["):
            return "json"
        if held.isdigit():
            return "number"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", held):
            return "date"
    return spec.kind


def odd(spec: Field):
    """Left out, an odd value, or several values at once."""
    likely = LIKELY.get(kind_of(spec), ODD)
    one = st.one_of(likely, likely, ODD, *([st.sampled_from(spec.offered)] if spec.offered else []))
    return st.one_of(st.none(), one, one, st.lists(one, min_size=2, max_size=3))


@st.composite
def submission(draw, fields: dict[str, Field]) -> MultiDict:
    """Every field as a person would fill it but up to three, which are odd.
    Hidden fields (a record's version, the JSON of what the page loaded) are
    odd or not each on its own, so that a stale save with altered JSON comes
    up as often as anything."""
    names = sorted(name for name, spec in fields.items() if spec.kind != "hidden")
    chosen = draw(st.sets(st.sampled_from(names), max_size=3)) if names else set()
    chosen |= {
        name
        for name, spec in sorted(fields.items())
        if spec.kind == "hidden" and draw(st.booleans())
    }
    values = {
        name: draw(odd(spec) if name in chosen else st.sampled_from(plausible(spec)))
        for name, spec in sorted(fields.items())
    }
    crafted = sorted(
        {
            f"{m['list']}-{row}-{m['rest']}"
            for name in fields
            if (m := ROW_NAME.match(name))
            for row in ODD_ROWS
        }
    )
    stray = st.sampled_from(crafted) if crafted else st.text(max_size=12)
    for name, value in draw(st.lists(st.tuples(stray, st.one_of(NUMBERS, ODD)), max_size=2)):
        values.setdefault(name, value)
    data = MultiDict()
    for name, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            if one is not None:
                data.add(name, one)
    return data


def sharp(fields: dict[str, Field]) -> list[tuple[str, MultiDict]]:
    """The same few submissions for every form, each the page's own values
    (every box ticked, every empty box typed in) with one kind of odd value
    in every field it suits: what a random draw might miss."""
    full = {}
    for name, spec in fields.items():
        if spec.kind in ("checkbox", "select-multiple"):
            full[name] = [v for v in spec.offered if v]
        elif spec.kind == "submit":
            full[name] = []
        else:
            full[name] = plausible(spec)[0]

    def numeric(spec):
        return kind_of(spec) == "number" or (
            spec.kind == "select" and any(v.isdigit() for v in spec.offered)
        )

    def spoilt(held: str, how) -> str:
        """The page's JSON with every text in it replaced."""
        try:
            value = json.loads(held)
        except ValueError:
            return held
        if isinstance(value, dict):
            value = {k: how(v) if isinstance(v, str) else v for k, v in value.items()}
        return json.dumps(value)

    stale = {
        name: ["0"] for name, spec in fields.items() if spec.kind == "hidden" and numeric(spec)
    }
    json_fields = [name for name, spec in fields.items() if kind_of(spec) == "json"]
    rows = {m["list"]: m["rest"] for name in fields if (m := ROW_NAME.match(name))}
    probes = {
        "Unicode digits": {n: ["²"] for n, spec in fields.items() if numeric(spec)},
        "5,000 digits": {n: ["9" * 5000] for n, spec in fields.items() if numeric(spec)},
        "2**63": {n: [str(2**63)] for n, spec in fields.items() if numeric(spec)},
        "2**31": {n: [str(2**31)] for n, spec in fields.items() if numeric(spec)},
        "negative": {n: ["-1"] for n, spec in fields.items() if numeric(spec)},
        # A record's version and the ids a page loaded with, alone: the rest
        # of the form is valid, so the stale save's own path reads them.
        **{
            f"{label} in hidden fields only": {name: [value] for name in stale}
            for label, value in (("Unicode digits", "²"), ("5,000 digits", "9" * 5000))
        },
        "the first day": {
            **{n: ["0001-01-01"] for n, spec in fields.items() if "date" in kind_of(spec)},
            **{n: ["00:00"] for n, spec in fields.items() if spec.kind == "time"},
        },
        "the last day": {
            **{n: ["9999-12-31"] for n, spec in fields.items() if "date" in kind_of(spec)},
            **{n: ["23:59"] for n, spec in fields.items() if spec.kind == "time"},
        },
        "a lone surrogate in the JSON, saved stale": {
            **stale,
            **{n: [spoilt(fields[n].default[0], lambda _: "\udc00")] for n in json_fields},
        },
        "deeply nested JSON, saved stale": {
            **stale,
            **{n: ["[" * 100_000 + "]" * 100_000] for n in json_fields},
        },
        "odd row numbers": {
            f"{name}-{row}-{rest}": ["x"] for name, rest in rows.items() for row in ODD_ROWS
        },
    }
    found = []
    for label, changes in probes.items():
        if not changes:
            continue
        data = MultiDict()
        for name, values in {**full, **changes}.items():
            for value in values:
                data.add(name, value)
        found.append((label, data))
    return found


def as_it_stands(client, form: FormSeen) -> dict[str, Field]:
    """The form's fields read again from its page: what the routes tried
    before changed (a version, a module's latest version) shows."""
    response = client.get(form.page)
    if response.status_code == 200 and response.mimetype == "text/html":
        reader = PageReader()
        reader.feed(response.get_data(as_text=True))
        for again in reader.forms:
            action = urljoin(form.page, again["action"]) if again["action"] else form.page
            if (action, again["method"]) == (form.action, form.method):
                return again["fields"]
    return form.fields


def fuzz(demo, form: FormSeen):
    app = demo["app"]
    with settings_of(app, form.viewer):
        client = sign_in(app, form.viewer)
        fields = form.fields if form.viewer.halfway else as_it_stands(client, form)
    path = form.action.split("?")[0]

    def send(data, what):
        try:
            if form.method == "GET":
                response = client.get(path, query_string=data)
            else:
                response = client.post(form.action, data=data)
        except Exception:
            db.session.rollback()  # what the failed request left, before the next example
            raise
        assert response.status_code < 500, (form.method, form.action, what, response.status_code)
        if response.status_code == 422 and response.mimetype == "text/html":
            assert "<form" in response.get_data(as_text=True), (form.action, what)  # again
        location = response.headers.get("Location", "").split("?")[0]
        if form.viewer.halfway and location == "/login":
            sign_in_halfway(client, form.viewer)  # too many wrong codes: from the start
        elif form.viewer.email and location == "/login":
            login(client, form.viewer.email)  # signed out (the sign-out button): back in

    @FUZZ
    @given(submission(fields))
    def send_drawn(data):
        send(data, "drawn")

    with settings_of(app, form.viewer):
        for label, data in sharp(fields):
            send(data, label)
        send_drawn()


# ---- tests ----------------------------------------------------------------------------


def test_every_post_route_has_a_form_to_fuzz(forms):
    posted = {endpoint for endpoint, method in forms if method == "POST"}
    missing = set(POST_ENDPOINTS) - posted - set(NO_FORM)
    assert not missing, f"POST routes with no form on any page reached: {sorted(missing)}"
    stale = set(NO_FORM) & posted
    assert not stale, f"shown a form now: take them out of NO_FORM: {sorted(stale)}"


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_no_form_answers_500(demo, forms, endpoint):
    form = forms.get((endpoint, "POST"))
    if form is None:
        pytest.skip(NO_FORM.get(endpoint, "no form reached (the test above says which)"))
    fuzz(demo, form)


def test_no_search_or_filter_answers_500(demo, forms):
    searches = [form for (_, method), form in sorted(forms.items()) if method == "GET"]
    assert len(searches) >= 4, [f.action for f in searches]
    for form in searches:
        fuzz(demo, form)
