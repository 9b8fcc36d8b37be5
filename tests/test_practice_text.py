"""One source for the pieces every area shares: the crisis lines and the
42 CFR Part 2 re-disclosure statement (casework.practice_text), and the
form bits (casework.forms). A second copy coming back fails here."""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from casework import practice_text
from casework.cases.models import Contact
from casework.education import service as education
from casework.education.packet import packet_context
from casework.extensions import db
from casework.practice_text import CrisisLine
from casework.printing import render_html
from casework.printing.delivery import practice_details
from casework.scheduling.handout import handout_context
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "casework"
HOME = PACKAGE / "practice_text.py"


def code_and_templates():
    """Every Python file of the app and every template (not the Markdown
    library, whose modules talk about these lines in their own words)."""
    yield from (p for p in PACKAGE.rglob("*.py") if p != HOME)
    yield from (ROOT / "templates").rglob("*.html")


# Text only the one definition may hold.
ONLY_IN_PRACTICE_TEXT = [
    "Suicide and Crisis Lifeline",
    "1-800-222-1222",
    "18002221222",
    '"tel:9',  # a crisis number as a link (other tel: links are people's phones)
    "These rules prohibit you from",
    "redisclose the record",
]


@pytest.mark.parametrize("text", ONLY_IN_PRACTICE_TEXT)
def test_the_crisis_lines_and_the_statement_are_written_down_once(text):
    assert text in HOME.read_text()
    copies = [str(p.relative_to(ROOT)) for p in code_and_templates() if text in p.read_text()]
    assert copies == [], f"a copy of {text!r}: use casework.practice_text"


def test_templating_registers_the_very_objects(app):
    globals_ = current_app.jinja_env.globals
    assert globals_["crisis_lines"] is practice_text.CRISIS_LINES
    assert globals_["redisclosure_statement"] is practice_text.REDISCLOSURE_STATEMENT


def _empty_form_classes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            getattr(base, "id", getattr(base, "attr", None)) == "FlaskForm" for base in node.bases
        ):
            body = [
                n
                for n in node.body
                if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
                and not isinstance(n, ast.Pass)
            ]
            if not body:
                yield node.name


def test_one_strip_filter_and_one_empty_confirm_form():
    strips, empty_forms = [], []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(getattr(t, "id", None) == "STRIP" for t in targets):
                    strips.append(where)
        empty_forms += [f"{where}:{name}" for name in _empty_form_classes(tree)]
    assert strips == ["casework/forms.py"]
    assert empty_forms == ["casework/forms.py:ConfirmForm"]
    source = "\n".join(p.read_text() for p in PACKAGE.rglob("*.py"))
    assert not re.search(r"lambda v: v\.strip\(\) if", source)  # STRIP written out again


# ---- every family-facing output takes the lines from the one global ---------------


SENTINEL_LINE = CrisisLine("Sentinel Helpline", "555-0199", "Call the sentinel line", "tel:5550199")
SENTINEL_STATEMENT = "Sentinel re-disclosure statement."


@pytest.fixture
def shared_with_family(people, factory):
    """A session Fran attends and a packet shared with her family, which the
    loved one's consent lets her see."""
    case, owner = people["case"], people["owner"]
    fran_contact = db.session.scalar(select(Contact).where(Contact.user_id == people["family"].id))
    session = CaseSession(
        case_id=case.id,
        lead_id=owner.id,
        kind="family_education",
        title="Family evening",
        starts_at=utcnow() + timedelta(days=2),
        duration_minutes=60,
    )
    session.contacts.append(fran_contact)
    db.session.add(session)
    module = education.write_module(
        owner,
        None,
        slug="sentinel-module",
        title="A module",
        summary="A module.",
        topics=None,
        body="Some text.",
        sources=None,
    )
    education.assign(case, owner, [module], [fran_contact], due_on=None, note=None)
    packet = education.create_packet(
        case,
        owner,
        title="A packet",
        family_name="Doe",
        cover_letter=None,
        versions=[module.latest],
        include_schedule=True,
        include_contacts=True,
    )
    education.share_packet(case, packet)
    db.session.commit()
    factory.give_consent(case, [fran_contact])
    return {"session": session, "packet": packet, "module": module, "case": case}


def test_pages_and_print_show_the_lines_and_statement_of_the_one_global(
    app, people, as_user, shared_with_family, monkeypatch
):
    monkeypatch.setitem(app.jinja_env.globals, "crisis_lines", (SENTINEL_LINE,))
    monkeypatch.setitem(app.jinja_env.globals, "redisclosure_statement", SENTINEL_STATEMENT)
    case, packet = shared_with_family["case"], shared_with_family["packet"]

    outputs = {
        "footer of every page (sign-in)": app.test_client().get("/login").get_data(as_text=True),
        "portal home": as_user(people["family"]).get("/portal/").get_data(as_text=True),
        "session handout": render_html(
            "session_handout.html",
            handout_context(shared_with_family["session"], practice_details()),
        ),
        "packet": render_html(
            "packet.html",
            packet_context(
                packet,
                [shared_with_family["module"].latest],
                case=case,
                sessions=[shared_with_family["session"]],
                practice=practice_details(),
            ),
        ),
    }
    for where, html in outputs.items():
        assert "Call the sentinel line" in html, where
        for real in practice_text.CRISIS_LINES:
            assert real.how not in html, f"{where}: a crisis line not from the global"
    for where in ("portal home", "packet"):
        assert SENTINEL_STATEMENT in outputs[where], where
        assert "42 CFR part 2)" not in outputs[where], f"{where}: a statement not from the global"


def test_the_real_lines_reach_the_family(people, as_user, shared_with_family):
    html = as_user(people["family"]).get("/portal/").get_data(as_text=True)
    for line in practice_text.CRISIS_LINES:
        assert f'href="{line.href}"' in html and line.how in html and line.name in html
