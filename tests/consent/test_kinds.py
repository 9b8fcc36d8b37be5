"""A supervisor adds the practice's own kinds of consent and archives them;
a new consent starts from the kind's defaults."""

from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.consent.models import ConsentKind
from casework.extensions import db
from tests.consent.conftest import text_of

KIND = {
    "label": "Return to work (employer)",
    "purpose": "So that my manager knows when I can come back.",
    "scopes": ["aftercare"],
}


def test_a_supervisor_adds_a_kind_that_new_consents_start_from(people, as_user):
    supervisor = as_user(people["supervisor"])
    assert "The practice's kinds of consent" in text_of(
        supervisor.get(f"/cases/{people['case'].reference}/consents/")
    )

    response = supervisor.post("/consents/kinds", data=KIND)

    assert response.status_code == 302
    kind = db.session.scalars(select(ConsentKind)).one()
    assert kind.default_scopes == ["aftercare"]
    assert "Return to work (employer)" in text_of(supervisor.get("/consents/kinds"))
    owner = as_user(people["owner"])
    ref = people["case"].reference
    assert "Return to work (employer)" in text_of(owner.get(f"/cases/{ref}/consents/new"))
    page = owner.get(f"/cases/{ref}/consents/new?kind={kind.code}")
    assert "New consent: Return to work (employer)" in text_of(page)
    body = page.get_data(as_text=True)
    assert "So that my manager knows when I can come back." in body
    assert '<input checked id="scopes-3" name="scopes" type="checkbox" value="aftercare">' in body
    assert 'checked id="scopes-0"' not in body
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "ConsentKind")
    ).one()
    assert event.summary == "Consent kind added: Return to work (employer)"


def test_a_kind_twice_or_without_information_is_refused_with_what_was_typed(people, as_user):
    supervisor = as_user(people["supervisor"])
    supervisor.post("/consents/kinds", data=KIND)

    again = supervisor.post("/consents/kinds", data={**KIND, "label": "return to work (Employer)"})
    empty = supervisor.post("/consents/kinds", data={**KIND, "label": "Probation", "scopes": []})
    built_in = supervisor.post("/consents/kinds", data={**KIND, "label": "Family involvement"})

    assert again.status_code == empty.status_code == built_in.status_code == 422
    assert "There is a kind called return to work (Employer) already" in text_of(again)
    assert "Choose at least one kind of information" in text_of(empty)
    assert 'value="Probation"' in empty.get_data(as_text=True)
    assert "There is a kind called Family involvement already" in text_of(built_in)
    assert db.session.query(ConsentKind).count() == 1


def test_an_archived_kind_is_no_longer_offered(people, as_user):
    supervisor = as_user(people["supervisor"])
    supervisor.post("/consents/kinds", data=KIND)
    kind = db.session.scalars(select(ConsentKind)).one()

    refused = supervisor.post(f"/consents/kinds/{kind.id}/archive", data={"reason": ""})
    response = supervisor.post(
        f"/consents/kinds/{kind.id}/archive", data={"reason": "The employer asked for a letter"}
    )

    assert refused.status_code == 422 and "Say why." in text_of(refused)
    assert response.status_code == 302
    page = text_of(supervisor.get("/consents/kinds"))
    assert "archived" in page and "The employer asked for a letter" in page
    owner = as_user(people["owner"])
    ref = people["case"].reference
    assert "Return to work" not in text_of(owner.get(f"/cases/{ref}/consents/new"))
    assert owner.get(f"/cases/{ref}/consents/new?kind={kind.code}").status_code == 200
    assert "Return to work" not in text_of(owner.get(f"/cases/{ref}/consents/new?kind={kind.code}"))
    assert (
        supervisor.post(f"/consents/kinds/{kind.id}/archive", data={"reason": "Again"}).status_code
        == 409
    )


def test_only_supervisors_manage_kinds(people, as_user):
    owner = as_user(people["owner"])
    assert owner.get("/consents/kinds").status_code == 403
    assert owner.post("/consents/kinds", data=KIND).status_code == 403
    assert db.session.query(ConsentKind).count() == 0
