"""A family member's own consents in the portal: every element shown before
signing; signing with a typed name and a tick (time and address recorded);
a copy to download; revoking at once (who and when); the Consents page; and
nothing of anyone else's consents."""

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.consent.models import Consent
from casework.domain.consent import REVOCATION_STATEMENT, Kind, Scope
from casework.extensions import db
from tests.conftest import PASSWORD, csrf_token, login

PURPOSE = "To let Dr. Reyes know how the family is coping"
OWN_CLASS = "My own counsellor, Dr. Reyes"


def flat(text: str) -> str:
    return " ".join(text.replace("&#39;", "'").replace("&#34;", '"').split())


def pdf_text(data: bytes) -> str:
    return flat(" ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages))


@pytest.fixture
def own(family, factory):
    """A consent about Fran's own information, waiting for her signature."""
    return factory.give_consent(
        family["case"],
        [family["sam_contact"]],
        [Scope.AFTERCARE],
        subject=family["fran_contact"],
        signed=False,
        recipient_class=OWN_CLASS,
        purpose=PURPOSE,
        information="How I am sleeping and coping, from my check-ins",
    )


def sign(client, consent, **changes):
    data = {
        "sign-signed_name": "Fran Q. Family",
        "sign-agree": "y",
        "sign-version": str(consent.version),
    }
    data.update(changes)
    return client.post(
        f"/portal/consents/{consent.id}",
        data={k: v for k, v in data.items() if v is not None},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )


def stored(consent) -> Consent:
    db.session.expire_all()
    return db.session.get(Consent, consent.id)


def test_the_home_and_the_consents_page_lead_to_a_consent_waiting_for_her(family, own, as_user):
    client = as_user(family["fran"])
    home = flat(client.get("/portal/").get_data(as_text=True))
    assert "A consent for you to read and sign" in home
    assert f'href="/portal/consents/{own.id}"' in home
    page = flat(client.get("/portal/consents").get_data(as_text=True))
    assert "Waiting for your signature" in page and PURPOSE in page


def test_the_consent_shows_every_element_before_signing(family, own, as_user):
    html = flat(as_user(family["fran"]).get(f"/portal/consents/{own.id}").get_data(as_text=True))
    for element in (
        "Whose information",
        f"Yours: {family['fran_contact'].name}",
        "Who may share it",
        "The practice and its interventionists",
        "With whom",
        family["sam_contact"].name,
        OWN_CLASS,
        "Why",
        PURPOSE,
        "What information",
        "Follow-up check-ins and how support is going",
        "How I am sleeping and coping",
        "Until when",
        "When the case closes",
        "Your right to revoke",
        REVOCATION_STATEMENT,
        "Type your full name to sign",
        "I have read this and agree",
        "we record the date and time and the internet address",
    ):
        assert flat(element) in html, element


def test_signing_records_the_typed_name_the_time_and_the_address(family, own, as_user):
    client = as_user(family["fran"])
    response = sign(client, own)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/portal/consents/{own.id}"
    signed = stored(own)
    assert signed.signed_via == "portal"
    assert signed.signed_name == "Fran Q. Family"
    assert signed.signed_from == "203.0.113.7"
    assert signed.signed_at is not None and signed.status(signed.signed_at.date()).value == "active"
    page = flat(client.get(f"/portal/consents/{own.id}").get_data(as_text=True))
    assert "You signed this consent" in page and "In effect" in page
    assert "Fran Q. Family, in the family portal" in page and "203.0.113.7" in page
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "sign", AuditEvent.object_id == str(own.id))
    ).one()
    assert event.actor_id == family["fran"].id and event.case_id == family["case"].id
    assert PURPOSE not in (event.summary or "")


def test_the_copy_downloads_with_the_signature_the_revocation_statement_and_the_notice(
    family, own, as_user
):
    client = as_user(family["fran"])
    sign(client, own)
    response = client.get(f"/portal/consents/{own.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    for words in (
        "Family involvement",
        PURPOSE,
        OWN_CLASS,
        "Signed by Fran Q. Family in the family portal",
        "203.0.113.7",
        "I have read this and agree",
        flat(REVOCATION_STATEMENT),
        "42 CFR part 2",
    ):
        assert words in text, words
    assert f"confidential: copy for {family['fran_contact'].name}".lower() in text.lower()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sign-agree": None}, "Please tick the box to say you have read this and agree."),
        ({"sign-signed_name": "  "}, "Please type your full name to sign."),
    ],
)
def test_signing_without_the_tick_or_a_name_is_sent_back_with_its_message(
    family, own, as_user, changes, message
):
    response = sign(as_user(family["fran"]), own, **changes)
    assert response.status_code == 422
    html = flat(response.get_data(as_text=True))
    assert message in html
    if changes.get("sign-signed_name") is None:
        assert 'value="Fran Q. Family"' in html  # what she typed is kept
    assert stored(own).signed_at is None


def test_a_consent_changed_since_the_page_loaded_is_not_signed(family, own, as_user):
    client = as_user(family["fran"])
    version = own.version
    own.purpose = "A different purpose, changed by staff"
    db.session.commit()
    response = sign(client, own, **{"sign-version": str(version)})
    assert response.status_code == 409
    html = flat(response.get_data(as_text=True))
    assert "This consent changed since you opened the page" in html
    assert "A different purpose, changed by staff" in html
    assert stored(own).signed_at is None


def test_a_consent_signed_already_is_not_signed_again(family, own, as_user):
    client = as_user(family["fran"])
    sign(client, own)
    first = stored(own).signed_at
    response = sign(client, stored(own), **{"sign-signed_name": "Someone Else"})
    assert response.status_code == 409
    assert stored(own).signed_name == "Fran Q. Family" and stored(own).signed_at == first


def test_revoking_her_own_consent_ends_it_at_once_with_who_and_when(family, factory, as_user):
    given = factory.give_consent(
        family["case"],
        [family["sam_contact"]],
        [Scope.AFTERCARE],
        subject=family["fran_contact"],
        signed_name="Fran Family",
    )
    client = as_user(family["fran"])
    page = flat(client.get(f"/portal/consents/{given.id}").get_data(as_text=True))
    assert "Changed your mind?" in page and "I want to revoke this consent now" in page
    # Without the tick, nothing happens.
    refused = client.post(
        f"/portal/consents/{given.id}", data={"revoke-version": str(given.version)}
    )
    assert refused.status_code == 422 and stored(given).revoked_at is None
    response = client.post(
        f"/portal/consents/{given.id}",
        data={"revoke-confirm": "y", "revoke-version": str(given.version)},
    )
    assert response.status_code == 302
    revoked = stored(given)
    assert revoked.revoked_at is not None
    assert revoked.revoked_by_user_id == family["fran"].id
    assert "in the family portal" in revoked.revocation_note
    page = flat(client.get(f"/portal/consents/{given.id}").get_data(as_text=True))
    assert "You revoked this consent" in page and "Revoked" in page
    assert "Changed your mind?" not in page
    again = client.post(
        f"/portal/consents/{given.id}",
        data={"revoke-confirm": "y", "revoke-version": str(revoked.version)},
    )
    assert again.status_code == 409 and "already revoked" in again.get_data(as_text=True)


def test_the_consents_page_lists_what_she_gave_and_what_covers_her(family, factory, as_user):
    family["case"].phase = "aftercare"  # so that how support goes would mean something to her
    family["case"].loved_one_name = "Marcus Webb"
    db.session.commit()
    mine = factory.give_consent(
        family["case"],
        [],
        [Scope.AFTERCARE],
        subject=family["fran_contact"],
        recipient_class=OWN_CLASS,
    )
    factory.give_consent(family["case"], [family["fran_contact"]], [Scope.SESSIONS, Scope.PACKETS])
    factory.give_consent(family["case"], [family["sam_contact"]], [Scope.INTERVENTION])
    factory.give_consent(family["case"], [family["fran_contact"]], [Scope.AFTERCARE], revoked=True)
    html = flat(as_user(family["fran"]).get("/portal/consents").get_data(as_text=True))
    shared = html[
        html.index("has agreed we may share with you") : html.index("Consents you have given")
    ]
    assert "Dates, times and places of family sessions" in shared
    assert "Education packets prepared for this family" in shared
    assert "Details of the intervention plan" not in shared  # Sam's, not hers
    assert "Follow-up check-ins" not in shared  # revoked
    assert "Your interventionist will ask Marcus for permission to share:" in shared
    assert "how support is going after the intervention" in shared
    given = html[html.index("Consents you have given") :]
    assert f'href="/portal/consents/{mine.id}.pdf"' in given and "In effect" in given


def test_only_her_own_consents_open(family, factory, own, as_user):
    loved_ones = factory.give_consent(family["case"], [family["fran_contact"]], signed=False)
    sams = factory.give_consent(
        family["case"], [], [Scope.AFTERCARE], subject=family["sam_contact"], signed=False
    )
    olives = factory.give_consent(
        family["other_case"], [], [Scope.AFTERCARE], subject=family["olive_contact"], signed=False
    )
    client = as_user(family["fran"])
    for other in (loved_ones, sams, olives):
        assert client.get(f"/portal/consents/{other.id}").status_code == 404
        assert client.get(f"/portal/consents/{other.id}.pdf").status_code == 404
        assert sign(client, other).status_code == 404
        assert stored(other).signed_at is None
    for big in (0, 2**31, 2**63):
        assert client.get(f"/portal/consents/{big}").status_code == 404
    assert client.get(f"/portal/consents/{own.id}").status_code == 200


def test_signing_needs_its_csrf_token(make_app_with, family, own):
    app = make_app_with(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        client.post(
            "/login",
            data={"email": family["fran"].email, "password": PASSWORD, "csrf_token": token},
        )
        page = client.get(f"/portal/consents/{own.id}").get_data(as_text=True)
        assert "sign-signed_name" in page
        assert sign(client, own).status_code == 400
        data = {
            "sign-signed_name": "Fran Family",
            "sign-agree": "y",
            "sign-version": str(own.version),
            "csrf_token": csrf_token(page),
        }
        assert client.post(f"/portal/consents/{own.id}", data=data).status_code == 302
    assert stored(own).signed_name == "Fran Family"


def test_a_staff_login_reaches_no_consent_page(family, own, people, as_user):
    staff = as_user(people["owner"])
    assert staff.get(f"/portal/consents/{own.id}").status_code == 403
    assert login  # (the guard is the family one: staff never pass it)


def test_a_kind_the_practice_defined_is_named_by_its_label(family, factory, as_user):
    mine = factory.give_consent(
        family["case"],
        [],
        [Scope.RECORD],
        subject=family["fran_contact"],
        kind="employer_contact",
        signed=False,
        recipient_class="My employer's HR team",
    )
    html = flat(as_user(family["fran"]).get(f"/portal/consents/{mine.id}").get_data(as_text=True))
    assert "Employer contact" in html and "My employer's HR team" in html
    assert Kind.FAMILY_INVOLVEMENT.value not in html
