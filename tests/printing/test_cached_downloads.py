"""A PDF downloaded a second time comes from the cache: no WeasyPrint, one
statement to find it by its key, and a fixed, small number of statements in all.
(What it costs against a render: bench/cached_print.py.)"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.assessment.models import Assessment
from casework.cases.models import Contact
from casework.education import library
from casework.education import service as education
from casework.extensions import db
from casework.scheduling.models import CaseSession, session_contacts, session_staff
from casework.timeutil import utcnow
from tests.conftest import count_queries, login

# Every statement a cached download runs, by document. Signing in is the
# user's row; the rest is what the view loads to build the document's inputs,
# the one cache lookup, and the audit events (the page read, the print).
STATEMENTS = {
    # user; case; session with its lead; the names of its attendees and
    # staff; cache lookup; audit (view and print, one statement)
    "session handout": 6,
    # user; case + its contacts; audit (view); assessment; screenings;
    # cache lookup; audit (print)
    "assessment summary": 8,
    # user; case + its contacts; audit (view); packet; upcoming sessions,
    # their staff and contacts, the case's contacts again; the module
    # versions; cache lookup; audit (print)
    "packet (staff)": 12,
    # user; own contact; the consents covering them; packet; own upcoming
    # sessions, their staff and contacts, the case's contacts again; module
    # versions; cache lookup; the disclosures (packet, its schedule) in one
    # statement; audit (export and the disclosures, one statement)
    "packet (portal)": 12,
}


@pytest.fixture
def documents(app, people, factory):
    """The URL of each printed document, and who downloads it."""
    case, owner, family = people["case"], people["owner"], people["family"]
    library.sync()
    contact = db.session.scalar(select(Contact).where(Contact.user_id == family.id))
    session = CaseSession(
        case_id=case.id,
        lead_id=owner.id,
        kind="family_education",
        title="Family meeting",
        starts_at=utcnow() + timedelta(days=3),
        duration_minutes=90,
        place_kind="in_person",
        place="The practice, room 2",
    )
    db.session.add(session)
    db.session.flush()
    db.session.execute(
        session_contacts.insert().values(session_id=session.id, contact_id=contact.id)
    )
    db.session.execute(session_staff.insert().values(session_id=session.id, user_id=owner.id))
    db.session.add(
        Assessment(
            case_id=case.id,
            status="completed",
            data={},
            created_by_id=owner.id,
            completed_by_id=owner.id,
            completed_at=utcnow(),
        )
    )
    packet = education.create_packet(
        case,
        owner,
        title="First reading",
        family_name="Family",
        cover_letter="Dear family,\n\nHere is where to start.",
        versions=[m.latest for m in education.active_modules()[:2]],
        include_schedule=True,
        include_contacts=True,
    )
    packet.shared_at = utcnow()
    db.session.commit()
    factory.give_consent(case, [contact])  # the loved one shares packets and sessions with them
    ref = case.reference
    return {
        "session handout": (owner, f"/cases/{ref}/sessions/{session.id}/handout.pdf"),
        "assessment summary": (owner, f"/cases/{ref}/assessment/summary.pdf"),
        "packet (staff)": (owner, f"/cases/{ref}/packets/{packet.id}.pdf"),
        "packet (portal)": (family, f"/portal/packets/{packet.id}.pdf"),
    }


@pytest.fixture
def weasyprint_calls(monkeypatch):
    import weasyprint

    calls = []
    real_write_pdf = weasyprint.HTML.write_pdf

    def counting_write_pdf(self, *args, **kwargs):
        calls.append(self)
        return real_write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting_write_pdf)
    return calls


@pytest.mark.parametrize("document", list(STATEMENTS))
def test_a_cached_download_runs_few_statements_and_no_render(
    app, documents, weasyprint_calls, document
):
    user, url = documents[document]
    client = app.test_client()
    assert login(client, user).status_code == 302

    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert len(weasyprint_calls) == 1

    with count_queries(db.engine) as statements:
        again = client.get(url)

    assert again.status_code == 200
    assert again.data == first.data
    assert len(weasyprint_calls) == 1, "served from the cache, not rendered again"
    touching_cache = [s for s in statements if "printed_documents" in s]
    assert len(touching_cache) == 1 and touching_cache[0].lstrip().startswith("SELECT")
    assert len(statements) == STATEMENTS[document], "\n".join(statements)
