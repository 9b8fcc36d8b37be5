"""A case with two family members on the portal, and a second family elsewhere."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from casework.cases.models import Contact
from casework.education import library
from casework.education import service as education
from casework.education.models import EducationModule
from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import local_to_utc, local_today


def contact_of(user) -> Contact:
    return db.session.scalar(select(Contact).where(Contact.user_id == user.id))


@pytest.fixture
def modules(app) -> dict[str, EducationModule]:
    library.sync()
    db.session.commit()
    return {m.slug: m for m in education.active_modules()}


@pytest.fixture
def family(people, factory, modules):
    """Fran and Sam are family members of one case; Olive belongs to another."""
    case, owner = people["case"], people["owner"]
    fran = people["family"]
    sam = factory.family_member(case, name="Sam Sibling")
    other_case = factory.case(people["other"], loved_one_name="Someone Else")
    olive = factory.family_member(other_case, name="Olive Outsider")
    return {
        "case": case,
        "owner": owner,
        "fran": fran,
        "sam": sam,
        "other_case": other_case,
        "olive": olive,
        "fran_contact": contact_of(fran),
        "sam_contact": contact_of(sam),
        "olive_contact": contact_of(olive),
    }


@pytest.fixture
def consented(family, factory):
    """Each family's loved one has signed a family-involvement consent that
    shares sessions, packets, the intervention and support with Fran and Sam
    (and, in the other case, Olive)."""
    return {
        "case": factory.give_consent(
            family["case"], [family["fran_contact"], family["sam_contact"]]
        ),
        "other_case": factory.give_consent(family["other_case"], [family["olive_contact"]]),
    }


@pytest.fixture
def assign(family, modules):
    """assign(contact, *slugs, due_on=None, note=None) -> the contact's assignments."""

    def make(contact, *slugs, due_on=None, note=None):
        case = contact.case
        education.assign(
            case,
            case.interventionist,
            [modules[s] for s in slugs],
            [contact],
            due_on=due_on,
            note=note,
        )
        db.session.commit()
        found = {
            a.module_id: a for a in education.assignments_for(case) if a.contact_id == contact.id
        }
        return [found[modules[s].id] for s in slugs]

    return make


@pytest.fixture
def add_session():
    def make(case, contacts=(), days=3, **fields):
        session = CaseSession(
            case_id=case.id,
            lead_id=case.interventionist_id,
            kind=fields.pop("kind", "family_education"),
            title=fields.pop("title", "Family education evening"),
            starts_at=fields.pop(
                "starts_at", local_to_utc(local_today() + timedelta(days=days), time(18, 30))
            ),
            duration_minutes=fields.pop("duration_minutes", 90),
            place_kind=fields.pop("place_kind", "in_person"),
            place=fields.pop("place", "12 Harbor Road, Suite 3"),
            **fields,
        )
        session.contacts.extend(contacts)
        db.session.add(session)
        db.session.commit()
        return session

    return make


@pytest.fixture
def make_packet(family, modules):
    def make(case, *slugs, shared=True, **fields):
        values = {
            "title": "Understanding and helping your loved one",
            "family_name": "Whitaker",
            "cover_letter": "Dear family,\n\nThank you for reaching out.",
            "include_schedule": True,
            "include_contacts": True,
        }
        values.update(fields)
        packet = education.create_packet(
            case,
            case.interventionist,
            versions=[modules[s].latest for s in slugs],
            **values,
        )
        if shared:
            education.share_packet(case, packet)
        db.session.commit()
        return packet

    return make


def far_day(days: int = 30) -> date:
    return local_today() + timedelta(days=days)
