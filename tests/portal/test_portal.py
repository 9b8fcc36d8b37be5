"""What a family member sees: only their own reading, sessions and packets,
nothing clinical, and no staff page."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from markupsafe import escape
from sqlalchemy import select

from casework.assessment import service as assessment
from casework.audit.models import AuditEvent
from casework.domain import risk
from casework.domain.instruments import FLAG_LABELS
from casework.education.models import Assignment
from casework.extensions import db
from casework.practice_text import REDISCLOSURE_STATEMENT
from casework.timeutil import local_today
from tests.conftest import count_queries
from tests.portal.conftest import far_day


def committed_audit(**where) -> list[tuple]:
    """(actor_id, action, case_id, object_type, object_id) of the audit rows
    the database holds, oldest first, optionally only those matching `where`.

    Read on a connection of its own: the test client's requests share the
    test's session, so a query through it could also see rows that a request
    added but never committed."""
    table = AuditEvent.__table__
    query = select(
        table.c.actor_id, table.c.action, table.c.case_id, table.c.object_type, table.c.object_id
    ).order_by(table.c.id)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def test_home_shows_own_reading_with_progress_states_and_due_dates(family, assign, as_user):
    done, opened, waiting, late = assign(
        family["fran_contact"],
        "addiction-as-a-health-condition",
        "enabling-versus-supporting",
        "how-recovery-works",
        "setting-and-keeping-boundaries",
        due_on=far_day(10),
    )
    done.finished_at = done.opened_at = db.func.now()
    opened.opened_at = db.func.now()
    late.due_on = local_today() - timedelta(days=2)
    db.session.commit()
    html = as_user(family["fran"]).get("/portal/").get_data(as_text=True)
    assert "Your reading" in html
    # Progress is praised, and a date is a suggestion: no "Overdue", even when it has passed.
    assert "You have read 1 of 4 — well done." in html
    assert '<progress class="reading-progress" max="4" value="1"' in html
    for a in (done, opened, waiting, late):
        assert escape(a.module_version.title) in html
        assert escape(a.module_version.summary) in html
        assert f'href="/portal/reading/{a.id}"' in html
    assert "Overdue" not in html and "badge-danger" not in html
    assert html.count(f"Suggested by {late.due_on:%b} {late.due_on.day}") == 1
    assert html.count("Finished") == 1 and html.count("Started") == 1
    assert html.count("Not started yet") == 2
    # The finished one says no date; the other two say the one they share.
    assert html.count(f"Suggested by {far_day(10):%b} {far_day(10).day}") == 2
    # unfinished first: the finished one is listed last
    assert html.index(late.module_version.title) < html.index(done.module_version.title)


def test_home_shows_sessions_packets_interventionist_crisis_and_the_statement(
    family, as_user, add_session, make_packet, consented
):
    owner = family["owner"]
    owner.phone = "(555) 010-0102"
    session = add_session(family["case"], [family["fran_contact"]], title="Family evening")
    packet = make_packet(family["case"], "how-recovery-works", title="Your family's booklet")
    html = as_user(family["fran"]).get("/portal/").get_data(as_text=True)
    assert "Family evening" in html and "12 Harbor Road, Suite 3" in html
    assert f'href="/portal/sessions/{session.id}.ics"' in html
    assert "Your family&#39;s booklet" in html
    assert f'href="/portal/packets/{packet.id}.pdf"' in html
    assert owner.name in html and "(555) 010-0102" in html and owner.email in html
    assert "988 Suicide and Crisis Lifeline" in html and 'href="tel:988"' in html
    assert str(escape(REDISCLOSURE_STATEMENT)) in html


def test_home_with_nothing_shared_yet_says_so(family, as_user, consented):
    html = as_user(family["fran"]).get("/portal/").get_data(as_text=True)
    assert "Nothing to read yet" in html
    assert "No sessions are booked for you yet" in html


def test_a_member_sees_only_their_own_assignments_sessions_and_packets(
    family, assign, as_user, add_session, make_packet, consented
):
    (mine,) = assign(family["fran_contact"], "writing-your-letter")
    (sams,) = assign(family["sam_contact"], "return-to-use")
    (olives,) = assign(family["olive_contact"], "levels-of-treatment")
    with_fran = add_session(family["case"], [family["fran_contact"]], title="Fran and me")
    with_sam = add_session(family["case"], [family["sam_contact"]], title="Sam only")
    elsewhere = add_session(family["other_case"], [family["olive_contact"]], title="Olive only")
    past = add_session(family["case"], [family["fran_contact"]], days=-3, title="Long ago")
    cancelled = add_session(
        family["case"], [family["fran_contact"]], title="Called off", status="cancelled"
    )
    unshared = make_packet(family["case"], "how-recovery-works", shared=False, title="Draft one")
    theirs = make_packet(family["other_case"], "how-recovery-works", title="Their packet")

    html = as_user(family["fran"]).get("/portal/").get_data(as_text=True)
    assert mine.module_version.title in html
    assert sams.module_version.title not in html
    assert olives.module_version.title not in html
    assert "Fran and me" in html
    for hidden in ("Sam only", "Olive only", "Long ago", "Called off", "Draft one", "Their packet"):
        assert hidden not in html

    sam = as_user(family["sam"])
    sam_html = sam.get("/portal/").get_data(as_text=True)
    assert sams.module_version.title in sam_html and mine.module_version.title not in sam_html
    # another member of the same case cannot open Fran's reading or session
    assert sam.get(f"/portal/reading/{mine.id}").status_code == 404
    assert sam.post(f"/portal/reading/{mine.id}/finished").status_code == 404
    assert sam.get(f"/portal/sessions/{with_fran.id}.ics").status_code == 404

    olive = as_user(family["olive"])
    for url in (
        f"/portal/reading/{mine.id}",
        f"/portal/sessions/{with_fran.id}.ics",
        f"/portal/sessions/{with_sam.id}.ics",
        f"/portal/packets/{make_packet(family['case'], 'return-to-use').id}.pdf",
    ):
        assert olive.get(url).status_code == 404, url
    assert olive.post(f"/portal/reading/{mine.id}/finished").status_code == 404
    db.session.expire_all()
    assert db.session.get(Assignment, mine.id).finished_at is None
    assert db.session.get(Assignment, mine.id).opened_at is None

    fran = as_user(family["fran"])
    assert fran.get(f"/portal/reading/{sams.id}").status_code == 404
    assert fran.get(f"/portal/sessions/{elsewhere.id}.ics").status_code == 404
    # past and cancelled sessions are still hers (a calendar can drop a cancelled one)
    assert fran.get(f"/portal/sessions/{past.id}.ics").status_code == 200
    assert fran.get(f"/portal/sessions/{cancelled.id}.ics").status_code == 200
    assert fran.get(f"/portal/packets/{unshared.id}.pdf").status_code == 404
    assert fran.get(f"/portal/packets/{theirs.id}.pdf").status_code == 404


def test_an_archived_contact_or_unlinked_family_account_reaches_nothing(
    family, assign, as_user, factory
):
    (mine,) = assign(family["fran_contact"], "writing-your-letter")
    family["fran_contact"].archived_at = db.func.now()
    db.session.commit()
    fran = as_user(family["fran"])
    html = fran.get("/portal/").get_data(as_text=True)
    assert "not linked to a family" in html and mine.module_version.title not in html
    assert fran.get(f"/portal/reading/{mine.id}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/cases/",
        "/cases/{ref}/",
        "/cases/{ref}/sessions/",
        "/cases/{ref}/assessment/",
        "/calendar/",
        "/admin/users/",
        "/audit/",
        "/cases/new",
    ],
)
def test_no_staff_page_is_reachable_by_a_family_member(family, as_user, path):
    response = as_user(family["fran"]).get(path.format(ref=family["case"].reference))
    assert response.status_code in (403, 404)


def test_opening_a_module_marks_it_opened_and_shows_the_version_given(family, assign, as_user):
    (a,) = assign(family["fran_contact"], "enabling-versus-supporting", note="Read before Tuesday")
    version = a.module_version
    client = as_user(family["fran"])
    response = client.get(f"/portal/reading/{a.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<h1 id="reader-h">{version.title}</h1>' in html
    assert "<h2>" in html  # the module's own Markdown headings, rendered
    assert "Read before Tuesday" in html and family["owner"].name in html
    assert "I’ve finished this" in html
    assert 'href="/static/css/portal.css"' in html and 'media="print"' in html
    assert "988" in html
    # No script but the app's own idle clock (a file, as the CSP requires).
    clock = '<script src="/static/js/session.js" defer></script>'
    assert "style=" not in html and "<script" not in html.replace(clock, "")
    db.session.expire_all()
    opened = db.session.get(Assignment, a.id)
    assert opened.opened_at is not None and opened.finished_at is None
    assert opened.state == "opened"
    assert committed_audit(object_type="Assignment", action="view") == [
        (family["fran"].id, "view", family["case"].id, "Assignment", str(a.id))
    ]


def test_the_reader_keeps_the_version_assigned_after_a_newer_one(family, assign, as_user):
    from casework.education import service as education

    (a,) = assign(family["fran_contact"], "how-recovery-works")
    first_title = a.module_version.title
    module = db.session.get(type(a.module_version.module), a.module_id)
    module.origin = "practice"
    education.write_module(
        family["owner"],
        module,
        slug=module.slug,
        title="A newer title",
        summary="Newer.",
        topics=None,
        body="Newer text.",
        sources=None,
    )
    db.session.commit()
    html = as_user(family["fran"]).get(f"/portal/reading/{a.id}").get_data(as_text=True)
    assert first_title in html and "A newer title" not in html


def test_the_finished_button_marks_it_finished_and_returns_home(family, assign, as_user):
    (a,) = assign(family["fran_contact"], "family-self-care-and-resilience")
    client = as_user(family["fran"])
    client.get(f"/portal/reading/{a.id}")
    response = client.post(f"/portal/reading/{a.id}/finished")
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    db.session.expire_all()
    assert db.session.get(Assignment, a.id).state == "finished"
    home = client.get("/portal/").get_data(as_text=True)
    assert "You have read it — well done." in home
    assert "Well done" in home
    reader = client.get(f"/portal/reading/{a.id}").get_data(as_text=True)
    assert "You finished this" in reader and "I’ve finished this" not in reader
    # pressing it twice changes nothing and is not an error
    assert client.post(f"/portal/reading/{a.id}/finished").status_code == 302
    # one "finished" in the committed audit trail, in her name
    assert committed_audit(object_type="Assignment", action="update") == [
        (family["fran"].id, "update", family["case"].id, "Assignment", str(a.id))
    ]


def test_the_finished_button_needs_its_csrf_token(make_app_with, family, assign, as_user):
    (a,) = assign(family["fran_contact"], "family-self-care-and-resilience")
    app = make_app_with(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        from tests.conftest import csrf_token

        token = csrf_token(client.get("/login").get_data(as_text=True))
        client.post(
            "/login",
            data={
                "email": family["fran"].email,
                "password": "correct horse battery",
                "csrf_token": token,
            },
        )
        assert client.get("/portal/").status_code == 200
        assert client.post(f"/portal/reading/{a.id}/finished").status_code == 400
        assert client.get(f"/portal/reading/{a.id}/finished").status_code == 405
    db.session.expire_all()
    assert db.session.get(Assignment, a.id).finished_at is None


def test_the_home_page_shows_nothing_clinical(family, assign, as_user, add_session, consented):
    case, owner = family["case"], family["owner"]
    case.summary = "Private clinical summary of the situation"
    assessment.save_draft(
        case,
        owner,
        {
            "safety": {"suicidal_thoughts": True, "weapons_in_home": True},
            "mental_health": {"diagnoses": "Bipolar II disorder, diagnosed 2019"},
        },
    )
    assessment.record_screening(
        case,
        owner,
        "PHQ-9",
        {f"q{i}": 3 for i in range(1, 10)},
        administered_on=local_today(),
        respondent="loved_one",
        sex=None,
    )
    db.session.commit()
    assert case.risk_flags  # the case really has flags to leak
    assign(family["fran_contact"], "writing-your-letter", "family-self-care-and-resilience")
    add_session(case, [family["fran_contact"]], title="Family evening", notes="Clinical note")
    client = as_user(family["fran"])
    html = client.get("/portal/").get_data(as_text=True)
    reader_id = db.session.scalars(select(Assignment.id)).first()
    reader = client.get(f"/portal/reading/{reader_id}").get_data(as_text=True)
    for page in (html, reader):
        assert "Family evening" in html
        for flag in case.risk_flags:
            assert risk.FLAGS[flag][0] not in page
        for label in FLAG_LABELS.values():
            assert label not in page
        for leak in (
            "Bipolar",
            "PHQ-9",
            "Severe depression",
            "Private clinical summary",
            "Clinical note",
            case.loved_one_name,
            case.reference,
            "Assessment",
            family["sam"].name,
        ):
            assert leak not in page, leak


def test_the_session_calendar_file_names_no_one(family, as_user, add_session, consented):
    session = add_session(family["case"], [family["fran_contact"], family["sam_contact"]])
    response = as_user(family["fran"]).get(f"/portal/sessions/{session.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    event = next(iter(Calendar.from_ical(response.data).walk("VEVENT")))
    assert str(event["uid"]) == session.uid
    text = response.get_data(as_text=True)
    for name in (family["fran"].name, family["sam"].name, family["case"].loved_one_name):
        assert name.split()[0] not in text
    assert committed_audit(action="export") == [
        (family["fran"].id, "export", family["case"].id, "CaseSession", str(session.id)),
        # the disclosure, under the consent that lets her see it
        (family["fran"].id, "export", family["case"].id, "Consent", str(consented["case"].id)),
    ]


def test_the_home_page_runs_the_same_queries_for_one_item_or_many(
    family, assign, as_user, add_session, make_packet, consented
):
    client = as_user(family["fran"])
    assign(family["fran_contact"], "writing-your-letter")
    add_session(family["case"], [family["fran_contact"]])
    make_packet(family["case"], "how-recovery-works")
    with count_queries(db.engine) as few:
        assert client.get("/portal/").status_code == 200
    assign(
        family["fran_contact"],
        "return-to-use",
        "levels-of-treatment",
        "how-recovery-works",
        "crisis-resources",
    )
    for days in (4, 5, 6):
        add_session(family["case"], [family["fran_contact"]], days=days)
    make_packet(family["case"], "return-to-use")
    make_packet(family["case"], "levels-of-treatment")
    with count_queries(db.engine) as many:
        assert client.get("/portal/").status_code == 200
    assert len(many) == len(few), many


def test_what_a_member_does_in_the_portal_is_committed_to_the_audit_trail(
    family, assign, add_session, make_packet, as_user, consented
):
    (a,) = assign(family["fran_contact"], "how-recovery-works")
    session = add_session(family["case"], [family["fran_contact"]])
    packet = make_packet(family["case"], "how-recovery-works")
    fran, case_id = family["fran"].id, family["case"].id
    client = as_user(family["fran"])
    for method, url, status in (
        ("GET", "/portal/", 200),
        ("GET", f"/portal/reading/{a.id}", 200),
        ("POST", f"/portal/reading/{a.id}/finished", 302),
        ("GET", f"/portal/sessions/{session.id}.ics", 200),
        ("GET", f"/portal/packets/{packet.id}.pdf", 200),
    ):
        assert client.open(url, method=method).status_code == status, url
    # Signing in has its own event, with no case.
    assert committed_audit(actor_id=fran, action="login") == [
        (fran, "login", None, "User", str(fran))
    ]
    # Each disclosure of the loved one's information names the consent it rests on.
    consent = str(consented["case"].id)
    assert [row for row in committed_audit(actor_id=fran) if row[1] != "login"] == [
        (fran, "view", case_id, "page", "portal.home"),
        (fran, "export", case_id, "Consent", consent),  # her sessions
        (fran, "export", case_id, "Consent", consent),  # the family's packets
        (fran, "view", case_id, "Assignment", str(a.id)),
        (fran, "update", case_id, "Assignment", str(a.id)),
        (fran, "export", case_id, "CaseSession", str(session.id)),
        (fran, "export", case_id, "Consent", consent),
        (fran, "export", case_id, "Packet", str(packet.id)),
        (fran, "export", case_id, "Consent", consent),  # the packet
        (fran, "export", case_id, "Consent", consent),  # its schedule of her sessions
    ]
