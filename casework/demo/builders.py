"""Builders shared by the demo practice and the test factories.

Records are made through each area's own service, so they carry what the app
itself writes, audit events included. `at(when, actor)` holds the clock at
`when` and names `actor` as the one acting, so a practice's history can be
replayed back in time without writing an audit row by hand.

`place_case` is the other way: a case put straight into a given state with no
history, for tests that need the state and nothing in the log.
"""

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select

from casework.assessment import service as assessment_service
from casework.audit.service import acting_as
from casework.auth import service as auth_service
from casework.auth.models import Role, User
from casework.auth.two_factor import enrol_with_known_secret
from casework.cases import service as cases_service
from casework.cases.models import Contact, FamilyCase
from casework.demo.sign_in import DEMO_TOTP_SECRET
from casework.domain import phases, risk
from casework.domain.instruments import INSTRUMENTS
from casework.domain.phases import OPEN_PHASES, Phase
from casework.extensions import db
from casework.portal import service as portal_service
from casework.scheduling import service as scheduling
from casework.timeutil import frozen_clock, local_today


class GateClosed(RuntimeError):
    """A phase change the practice's own rules would stop (a safety gate)."""


@contextmanager
def one_hash_per_password() -> Iterator[None]:
    """Within the block, the auth service hashes each password once and gives
    every account with that password the same hash.

    Every demo account has the demo's one password, and argon2id costs about
    100 ms and 64 MiB a hash by design: fifteen accounts were most of the named
    practice's time. (The accounts share a salt as well as a password, which
    only a demo may.)"""
    real = auth_service.hash_password
    made: dict[str, str] = {}

    def hash_once(password: str) -> str:
        if password not in made:
            made[password] = real(password)
        return made[password]

    auth_service.hash_password = hash_once
    try:
        yield
    finally:
        auth_service.hash_password = real


@contextmanager
def at(when: datetime, actor: User | None = None) -> Iterator[None]:
    """Whatever the block writes happens at `when` (naive UTC), done by `actor`.

    The session is flushed before the clock moves on, so column defaults
    (created_at, occurred_at, ...) take `when` too.
    """
    with frozen_clock(when), acting_as(actor):
        yield
        db.session.flush()


# ---- people -------------------------------------------------------------------------


def build_user(
    role: Role | str,
    *,
    email: str,
    name: str,
    password: str | None = None,
    password_hash: str | None = None,
    **fields,
) -> User:
    """An account.

    With `password`, the auth service makes it: hashed at the app's own cost
    and audited in the acting user's name. With a ready `password_hash` (tests
    sign in many times; benchmarks make hundreds of accounts), it is added as
    it is, with nothing in the log.
    """
    role = Role(role).value
    if password is not None:
        user = auth_service.create_user(
            email=email,
            name=name,
            role=role,
            password=password,
            also_supervisor=fields.pop("also_supervisor", False),
            phone=fields.pop("phone", None),
        )
        for key, value in fields.items():
            setattr(user, key, value)
        return user
    if password_hash is None:
        raise ValueError("An account needs a password or a password hash.")
    user = User(email=email, name=name, role=role, password_hash=password_hash, **fields)
    db.session.add(user)
    db.session.flush()
    return user


def build_staff(spec: dict, password: str) -> User:
    """A staff account from the demo's data (email, name, role, phone),
    signing in with the demo's published authenticator secret (sign_in.py)."""
    user = build_user(
        spec["role"],
        email=spec["email"],
        name=spec["name"],
        password=password,
        phone=spec.get("phone"),
        also_supervisor=spec.get("also_supervisor", False),
    )
    enrol_with_known_secret(user, DEMO_TOTP_SECRET)
    return user


def invite_to_portal(case: FamilyCase, by: User, contact: Contact) -> str:
    """A portal invitation for the contact; returns the one-time token."""
    return portal_service.invite(case, by, contact)


def accept_portal_invite(token: str, password: str) -> User:
    """The family member follows the link and chooses a password."""
    return portal_service.accept_invite(portal_service.find_invite(token), password)


# ---- cases --------------------------------------------------------------------------

INTAKE_DEFAULTS = {
    "preferred_name": None,
    "pronouns": None,
    "date_of_birth": None,
    "age": None,
    "concerns": [],
    "referral_source": None,
    "urgency": "routine",
    "summary": None,
}


def intake_data(spec: dict) -> dict:
    """The intake form's case fields from a case spec."""
    values = {**INTAKE_DEFAULTS, **{k: v for k, v in spec.items() if k in INTAKE_DEFAULTS}}
    values["loved_one_name"] = spec["loved_one_name"]
    values["concerns"] = list(values["concerns"])
    return {name: values[name] for name in cases_service.CASE_FIELDS}


def contact_data(spec: dict, *, primary: bool = False) -> dict:
    """The contact form's fields from a contact spec (relationship may be short)."""
    email = spec.get("email")
    phone = spec.get("phone")
    return {
        "name": spec["name"],
        "relationship_to_loved_one": spec.get("relationship")
        or spec.get("relationship_to_loved_one", "Family"),
        "phone": phone,
        "email": email,
        "preferred_method": spec.get("preferred_method")
        or ("email" if email and not phone else "phone"),
        "is_primary": primary,
        "notes": spec.get("notes"),
    }


def open_case(lead: User, spec: dict) -> FamilyCase:
    """A case as intake opens it, with the rest of the family added as contacts."""
    contacts = spec.get("contact") or spec.get("contacts") or []
    if not contacts:
        raise ValueError("Intake needs a first contact.")
    first = contact_data(contacts[0], primary=True)
    intake_contact = {
        key: first[key] for key in ("name", "relationship_to_loved_one", "phone", "email")
    }
    case = cases_service.create_case(intake_data(spec), intake_contact, lead.id)
    db.session.flush()
    for contact in contacts[1:]:
        cases_service.save_contact(case, None, contact_data(contact))
    return case


def move_case(
    case: FamilyCase,
    user: User,
    target: Phase | str,
    *,
    reason: str = "",
    closing_reason: str | None = None,
) -> None:
    """A phase change as the phase page makes it, safety gate included."""
    transition = phases.plan(
        case.phase,
        target,
        reason=reason,
        closing_reason=closing_reason,
        closed_from=case.closed_from_phase,
    )
    if transition.dst is Phase.INTERVENTION:
        blockers = risk.intervention_blockers(
            case.risk_flags or [], has_safety_plan=assessment_service.has_safety_plan(case)
        )
        if blockers:
            raise GateClosed(f"{case.reference}: {blockers[0]}")
    cases_service.change_phase(case, user, transition, closing_reason)


def path_to(phase: Phase | str, closed_from: Phase | str | None = None) -> list[Phase]:
    """The phases a case walks through after scheduling to reach `phase`."""
    phase = Phase(phase)
    last = Phase(closed_from or Phase.SCHEDULING) if phase is Phase.CLOSED else phase
    steps = list(OPEN_PHASES[1 : OPEN_PHASES.index(last) + 1])
    return [*steps, Phase.CLOSED] if phase is Phase.CLOSED else steps


def place_case(lead: User, *, contacts: int | list[dict] = 1, **fields) -> FamilyCase:
    """A case put straight into the state `fields` describe: no history, no audit."""
    values = {
        "loved_one_name": "Loved One",
        "concerns": ["alcohol"],
        "urgency": "routine",
        "phase": Phase.SCHEDULING.value,
        "status": "active",
    }
    values.update(fields)
    case = FamilyCase(
        reference=cases_service.reserve_references(local_today().year)[0],
        interventionist_id=lead.id,
        **values,
    )
    db.session.add(case)
    if isinstance(contacts, int):
        contacts = [
            {"name": f"Relative {i + 1}", "relationship_to_loved_one": "Family"}
            for i in range(contacts)
        ]
    for i, spec in enumerate(contacts):
        contact = Contact(case=case, is_primary=i == 0)
        for key, value in spec.items():
            setattr(contact, key, value)
        db.session.add(contact)
    db.session.flush()
    return case


def link_family_member(case: FamilyCase, user: User, **fields) -> Contact:
    """The contact a family account belongs to (no invitation: tests only)."""
    values = {
        "name": user.name,
        "relationship_to_loved_one": "Mother",
        "email": user.email,
        "preferred_method": "email",
    }
    values.update(fields)
    contact = Contact(case_id=case.id, user_id=user.id, **values)
    db.session.add(contact)
    db.session.flush()
    return contact


# ---- sessions -----------------------------------------------------------------------


def book_session(
    case: FamilyCase,
    lead: User,
    *,
    kind: str,
    starts_at: datetime,
    minutes: int,
    place_kind: str,
    place: str | None,
    contacts: list[Contact],
    staff: list[User] | None = None,
    title: str | None = None,
    notes: str | None = None,
):
    """A session booked ahead, as the scheduling form books it (no overlaps)."""
    from casework.domain.sessions import KINDS

    data = scheduling.SessionData(
        kind=kind,
        title=title or KINDS[kind],
        starts_at=starts_at,
        duration_minutes=minutes,
        place_kind=place_kind,
        place=place,
        notes=notes,
        contacts=list(contacts),
        staff=list(staff or []),
    )
    return scheduling.schedule(case, lead, data)


def mark_held(session) -> None:
    scheduling.set_status(session, "held")


# ---- assessment ---------------------------------------------------------------------


def blank_assessment() -> dict:
    """An empty assessment in the shape of AssessmentForm.section_data()."""
    from casework.assessment.summary import SECTION_FORMS

    data = {name: form().data for name, form in SECTION_FORMS.items()}
    data.update(substances=[], prior_treatment=[])
    return data


def assessment_data(given: dict, base: dict | None = None) -> dict:
    """`given` sections laid over `base` (or an empty assessment); rows are added."""
    from casework.assessment.summary import ROW_FORMS

    data = copy.deepcopy(base) if base else blank_assessment()
    for name, value in given.items():
        if name in ROW_FORMS:
            blank = ROW_FORMS[name]().data
            data[name] = [*data[name], *({**blank, **row} for row in value)]
        else:
            data[name] = {**data[name], **copy.deepcopy(value)}
    return data


def answers_for(code: str, total: int, fixed: dict[str, int] | None = None) -> dict[str, int]:
    """Answers, spread evenly over the items, that score `total` on `code`.

    `fixed` pins some raw answers (PHQ-9 item 9 is 0 unless pinned).
    """
    items = INSTRUMENTS[code].items
    fixed = {"q9": 0} if code == "PHQ-9" and not fixed else dict(fixed or {})

    def choices(item):
        return [fixed[item.key]] if item.key in fixed else list(item.values)

    low = [min(item.points(v) for v in choices(item)) for item in items]
    high = [max(item.points(v) for v in choices(item)) for item in items]

    def pick(i: int, remaining: int) -> list[int] | None:
        if i == len(items):
            return [] if remaining == 0 else None
        item = items[i]
        even = remaining / (len(items) - i)
        for value in sorted(choices(item), key=lambda v: (abs(item.points(v) - even), -v)):
            left = remaining - item.points(value)
            if sum(low[i + 1 :]) <= left <= sum(high[i + 1 :]):
                rest = pick(i + 1, left)
                if rest is not None:
                    return [value, *rest]
        return None

    values = pick(0, total)
    if values is None:
        raise ValueError(f"{code} cannot total {total}")
    return {item.key: value for item, value in zip(items, values, strict=True)}


def give_screening(
    case: FamilyCase,
    user: User,
    code: str,
    total: int,
    *,
    reporter: Contact | None = None,
    fixed: dict[str, int] | None = None,
):
    """A screening given today (by the clock) that scores `total`."""
    female = (case.pronouns or "").startswith("she")
    sex = ("female" if female else "male") if code == "AUDIT-C" else None
    return assessment_service.record_screening(
        case,
        user,
        code,
        answers_for(code, total, fixed),
        administered_on=local_today(),
        respondent=str(reporter.id) if reporter else "loved_one",
        sex=sex,
    )


# ---- education ----------------------------------------------------------------------


def modules_by_slug(slugs: list[str]) -> list:
    from casework.education.models import EducationModule

    found = {
        m.slug: m
        for m in db.session.scalars(select(EducationModule).where(EducationModule.slug.in_(slugs)))
    }
    missing = [s for s in slugs if s not in found]
    if missing:
        raise LookupError(f"Education modules missing (run `library sync`): {missing}")
    return [found[s] for s in slugs]
