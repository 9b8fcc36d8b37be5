"""Each audit event reads as one sentence with names, made from its columns by
one pure function; every action, every kind of record and every audited page
the app writes has a phrase of its own (no stand-in), in the demo practice's
whole history too, and no sentence carries clinical content."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from casework.audit import queries
from casework.audit.models import Action, AuditEvent
from casework.audit.sentences import ACTION_LABELS, LISTS, PAGES, RECORDS, Event, sentence
from casework.extensions import db
from tests.audit.test_audit_summaries import CLINICAL_WORDS, clinical_phrases, demo_values

ROOT = Path(__file__).resolve().parents[2] / "casework"


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            Event("view", "Jordan Reyes", object_type="page", object_id="assessment.overview",
                  case="C-2026-0009"),
            "Jordan Reyes opened the assessment of C-2026-0009",
        ),
        (Event("login", "Sam Supervisor", object_type="User", object_id="3"),
         "Sam Supervisor signed in"),
        (Event("export", "Olivia Owner", object_type="CaseRecord", case="C-2026-0012"),
         "Olivia Owner exported the case record of C-2026-0012"),
        (Event("view", "Fran Family", family=True, object_type="page", object_id="portal.home",
               case="C-2026-0001"),
         "Fran Family viewed their sessions (portal)"),
        (Event("list", "Jordan Reyes", object_type="page", object_id="cases.caseload", shown=25),
         "Jordan Reyes viewed the caseload (25 cases)"),
        (Event("sign", "Olivia Owner", object_type="Note", object_id="41", case="C-2026-0003"),
         "Olivia Owner signed note 41 of C-2026-0003"),
        (Event("two_factor_reset", "Ada Admin", object_type="User", object_id="7",
               subject="Oscar Other"),
         "Ada Admin reset two-factor sign-in for Oscar Other"),
        (Event("create", "Ada Admin", object_type="User", object_id="7", subject="Oscar Other"),
         "Ada Admin created the account of Oscar Other"),
        (Event("login_failed", object_type="User"),
         "A sign-in failed (an unknown account, or too many attempts)"),
        (Event("access_denied", "Oscar Other", object_type="page", object_id="cases.overview",
               case="C-2026-0001"),
         "Oscar Other was refused the overview of C-2026-0001"),
        (Event("phase_change", "Olivia Owner", object_type="PhaseChange", object_id="5",
               case="C-2026-0002"),
         "Olivia Owner moved C-2026-0002 to another phase"),
        (Event("export", "Ada Admin", object_type="AuditLog"), "Ada Admin exported the audit log"),
    ],
)  # fmt: skip
def test_events_read_as_sentences_with_names(event, expected):
    said = sentence(event)
    assert said.text == expected
    assert said.known


def test_an_unknown_record_or_page_reads_but_is_marked_as_a_stand_in():
    odd = sentence(Event("create", "Olivia Owner", object_type="WidgetPart", object_id="3"))
    assert odd.text == "Olivia Owner created widget part 3" and not odd.known
    page = sentence(Event("view", "Olivia Owner", object_type="page", object_id="zzz.page"))
    assert not page.known
    refused = Event("access_denied", "Oscar Other", object_type="page", object_id="notes.cosign",
                    case="C-2026-0001")  # fmt: skip
    assert sentence(refused).text == "Oscar Other was refused a change to the notes of C-2026-0001"


@pytest.mark.parametrize("action", list(Action))
def test_every_action_has_a_label_and_a_phrase(action):
    assert ACTION_LABELS[action.value]
    listing = action is Action.LIST
    said = sentence(
        Event(action.value, "Olivia Owner", object_type="page" if listing else "Note",
              object_id="cases.caseload" if listing else "4", case="C-2026-0001", shown=2,
              subject="Oscar Other")
    )  # fmt: skip
    assert said.known, said.text
    assert said.text.startswith(("Olivia Owner", "A sign-in as Olivia Owner"))
    assert "_" not in said.text


def test_every_kind_of_record_the_app_names_has_a_phrase(app):
    # Records written by their class (`obj=`), and by name (`object_type="..."`).
    mapped = {m.class_.__name__ for m in db.Model.registry.mappers}
    named = set()
    for path in ROOT.rglob("*.py"):
        named.update(re.findall(r'object_type[=:"\s]+"([A-Za-z]+)"', path.read_text()))
    named.discard("page")
    assert named, "the app names the records it audits"
    missing = sorted((mapped | named) - set(RECORDS) - {"AuditEvent", "ReferenceCounter"})
    assert missing == []


def test_every_page_that_audits_its_opening_has_a_phrase(app):
    case_pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith("/cases/<ref>")
    }
    named = set()
    for path in ROOT.rglob("*.py"):
        named.update(re.findall(r'object_id[=:"\s]+"([a-z_]+\.[a-z_]+)"', path.read_text()))
    assert "portal.home" in named
    assert sorted((case_pages | named) - set(PAGES)) == []
    # A refused request names the page, or for an action the area it changes.
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/cases/<ref>"):
            refused = Event("access_denied", "Oscar Other", object_type="page",
                            object_id=rule.endpoint, case="C-2026-0001")  # fmt: skip
            assert sentence(refused).known, rule.endpoint
    list_pages = {"cases.caseload", "scheduling.calendar", "notes.queue"}
    assert list_pages <= set(LISTS)


@pytest.fixture
def demo_rows(app, seed_demo):
    seed_demo("demo sentences 1")
    rows = queries.log_rows(queries.LogFilter(), limit=100_000)
    assert len(rows) == db.session.scalar(select(db.func.count(AuditEvent.id)))
    return rows


def test_every_event_of_the_demo_reads_without_a_stand_in_or_clinical_content(demo_rows):
    assert len(demo_rows) > 500  # the demo's whole history
    stand_ins = sorted({(r.action, r.object_type, r.object_id) for r in demo_rows
                        if not r.sentence.known})  # fmt: skip
    assert stand_ins == []
    assert {r.action for r in demo_rows} >= {"create", "update", "sign", "cosign"}
    words = re.compile("|".join(CLINICAL_WORDS), re.I)
    phrases = clinical_phrases() | demo_values()
    texts = {r.sentence.text for r in demo_rows}
    leaks = [t for t in texts if words.search(t) or any(p in t for p in phrases)]
    assert leaks == []
