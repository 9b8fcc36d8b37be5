"""casework.consent.coverage (which consent lets a member see what) and
casework.consent.disclosures (the accounting)."""

from datetime import timedelta

from flask import g

from casework.audit.models import AuditEvent
from casework.consent import coverage, disclosures
from casework.domain.consent import Kind, Scope
from casework.extensions import db
from casework.timeutil import local_today, utcnow
from tests.conftest import count_queries


def _fresh():
    g.__dict__.clear()  # a new request


def test_a_member_is_covered_only_by_the_loved_ones_signed_consent_naming_them(family, factory):
    case, fran, sam = family["case"], family["fran_contact"], family["sam_contact"]
    assert coverage.member_may_see(fran, Scope.SESSIONS) is None

    given = factory.give_consent(case, [fran], [Scope.SESSIONS, Scope.PACKETS])
    factory.give_consent(case, [sam], [Scope.INTERVENTION], signed=False)  # not signed yet
    factory.give_consent(case, [sam], [Scope.AFTERCARE], subject=fran)  # Fran's own information
    factory.give_consent(
        case, [], [Scope.RECORD], kind=Kind.PROVIDER_COORDINATION, recipient_class="My providers"
    )
    factory.give_consent(family["other_case"], [family["olive_contact"]], [Scope.INTERVENTION])
    _fresh()

    assert coverage.member_may_see(fran, Scope.SESSIONS).id == given.id
    assert coverage.member_may_see(fran, "packets").id == given.id
    assert coverage.member_may_see(fran, Scope.INTERVENTION) is None
    assert coverage.member_may_see(fran, Scope.RECORD) is None
    for scope in Scope:
        assert coverage.member_may_see(sam, scope) is None


def test_revocation_and_expiry_end_coverage_on_the_next_request(family, factory):
    case, fran = family["case"], family["fran_contact"]
    dated = factory.give_consent(case, [fran], [Scope.SESSIONS], expires_on=local_today())
    event = factory.give_consent(case, [fran], [Scope.PACKETS], expiry_event="When case closes")
    revoked = factory.give_consent(case, [fran], [Scope.AFTERCARE])
    _fresh()
    assert set(coverage.covering(fran)) == {"sessions", "packets", "aftercare"}

    dated.expires_on = local_today() - timedelta(days=1)
    event.event_occurred_on = local_today()
    revoked.revoked_at = utcnow()
    db.session.commit()
    assert set(coverage.covering(fran)) == {"sessions", "packets", "aftercare"}  # same request
    _fresh()
    assert coverage.covering(fran) == {}


def test_coverage_costs_one_statement_a_request(app, family, factory):
    case, fran = family["case"], family["fran_contact"]
    for scope in Scope:
        factory.give_consent(case, [fran, family["sam_contact"]], [scope])
    db.session.expire_all()
    fran = db.session.get(type(fran), fran.id)
    _fresh()
    with count_queries(db.engine) as statements:
        for scope in Scope:
            assert coverage.member_may_see(fran, scope) is not None
    assert len(statements) == 1


def test_the_accounting_lists_each_disclosure_with_its_consent(family, factory, people):
    case, fran = family["case"], family["fran_contact"]
    given = factory.give_consent(case, [fran], [Scope.SESSIONS])
    disclosures.record_disclosure(
        case.id,
        scope=Scope.SESSIONS,
        what="Upcoming sessions",
        channel="portal_page",
        consent=given,
        recipient_contact=fran,
        recipient=fran.name,
    )
    disclosures.record_disclosure(
        case.id,
        scope=Scope.RECORD,
        what="Case record (PDF)",
        channel="export",
        recipient="Dr. Reyes, Harbor Clinic",
        by_user=people["owner"],
    )
    db.session.commit()

    first, second = disclosures.accounting(case.id)
    assert (first.recipient, first.what, first.channel_label) == (
        fran.name,
        "Upcoming sessions",
        "Family portal page",
    )
    assert first.consent_id == given.id
    assert first.consent_label.startswith("Family involvement, signed ")
    assert first.scope_label == "Dates, times and places of family sessions"
    assert (second.consent_label, second.by) == (
        "Not needed: a copy kept inside the practice",
        "Olivia Owner",
    )
    assert disclosures.accounting(family["other_case"].id) == []

    events = (
        db.session.query(AuditEvent)
        .filter(AuditEvent.case_id == case.id, AuditEvent.summary.startswith("Disclosed to"))
        .order_by(AuditEvent.id)
        .all()
    )
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("export", "Consent", str(given.id)),
        ("export", "Disclosure", None),
    ]
    assert all("Upcoming" not in e.summary for e in events)  # the kind, never the content
