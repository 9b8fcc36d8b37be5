"""A fictional practice for demos and benchmarks. Every person is invented."""

import random
from datetime import timedelta

from sqlalchemy import func, insert, select

from casework.audit.models import Action, AuditEvent
from casework.auth.models import Role, User
from casework.auth.passwords import hash_password
from casework.cases.models import Contact, FamilyCase, PhaseChange
from casework.cases.service import reserve_references
from casework.domain.phases import OPEN_PHASES, Phase
from casework.extensions import db
from casework.timeutil import utcnow

STAFF = (
    ("admin@example.org", "Avery Lindqvist", Role.ADMIN, "(555) 010-0100"),
    ("supervisor@example.org", "Dr. Miriam Okafor", Role.SUPERVISOR, "(555) 010-0101"),
    ("interventionist@example.org", "Jordan Reyes", Role.INTERVENTIONIST, "(555) 010-0102"),
    ("interventionist2@example.org", "Priya Natarajan", Role.INTERVENTIONIST, "(555) 010-0103"),
)

# (loved one, goes by, pronouns, age, concerns, urgency, referral, phase, story,
#  [(contact, relationship, phone, email)])
CASES = (
    (
        "Daniel Whitaker",
        "Danny",
        "he/him",
        34,
        ["alcohol"],
        "soon",
        "Family doctor",
        "scheduling",
        "His wife says his drinking has doubled since he lost his job in spring.",
        [("Laura Whitaker", "Wife", "(555) 201-1101", "laura.w@example.net")],
    ),
    (
        "Sofia Marchetti",
        None,
        "she/her",
        22,
        ["opioids", "mental_health"],
        "urgent",
        "Hospital social worker",
        "scheduling",
        "Two overdoses in six months; her parents found naloxone in her car.",
        [
            ("Paolo Marchetti", "Father", "(555) 201-1102", "paolo.m@example.net"),
            ("Gina Marchetti", "Mother", "(555) 201-1103", None),
        ],
    ),
    (
        "Marcus Bell",
        None,
        "he/him",
        51,
        ["alcohol", "gambling"],
        "routine",
        "Former client",
        "scheduling",
        "Brother reports mounting debts and missed family events.",
        [("Terrence Bell", "Brother", "(555) 201-1104", "t.bell@example.net")],
    ),
    (
        "Hannah Kowalski",
        "Hanna",
        "she/her",
        29,
        ["stimulants"],
        "soon",
        "Employee assistance",
        "scheduling",
        "Her employer's programme referred her sister to us.",
        [("Eva Kowalski", "Sister", "(555) 201-1105", "eva.k@example.net")],
    ),
    (
        "Robert Chen",
        "Bobby",
        "he/him",
        63,
        ["benzodiazepines", "alcohol"],
        "urgent",
        "Web search",
        "scheduling",
        "Daughter worried about falls and mixing pills with wine.",
        [("Grace Chen", "Daughter", "(555) 201-1106", "grace.chen@example.net")],
    ),
    (
        "Aaliyah Brooks",
        None,
        "she/her",
        19,
        ["cannabis", "mental_health"],
        "soon",
        "School counselor",
        "assessment",
        "Withdrawn since her first year at college; failing classes.",
        [
            ("Denise Brooks", "Mother", "(555) 201-1107", "denise.b@example.net"),
            ("Calvin Brooks", "Father", "(555) 201-1108", None),
        ],
    ),
    (
        "Thomas Reilly",
        "Tom",
        "he/him",
        45,
        ["alcohol"],
        "routine",
        "Attorney",
        "assessment",
        "Second impaired-driving charge pending; wife considering separation.",
        [("Maureen Reilly", "Wife", "(555) 201-1109", "maureen.r@example.net")],
    ),
    (
        "Lucia Fernández",
        None,
        "she/her",
        38,
        ["opioids"],
        "urgent",
        "Pharmacist",
        "assessment",
        "Prescription pain medicine after surgery, now buying from others.",
        [
            ("Diego Fernández", "Husband", "(555) 201-1110", "diego.f@example.net"),
            ("Carmen Ortiz", "Sister", "(555) 201-1111", None),
        ],
    ),
    (
        "Kevin O'Brien",
        None,
        "he/him",
        27,
        ["stimulants", "alcohol"],
        "soon",
        "Friend",
        "assessment",
        "Lost two jobs this year; roommates asked him to leave.",
        [("Siobhan O'Brien", "Mother", "(555) 201-1112", "siobhan.ob@example.net")],
    ),
    (
        "Naomi Feldman",
        None,
        "she/her",
        41,
        ["mental_health", "alcohol"],
        "routine",
        "Therapist",
        "assessment",
        "Depression and evening drinking; children are 8 and 11.",
        [("Adam Feldman", "Husband", "(555) 201-1113", "adam.f@example.net")],
    ),
    (
        "Jamal Washington",
        None,
        "he/him",
        31,
        ["opioids"],
        "urgent",
        "Emergency department",
        "education",
        "Fentanyl use; the family has naloxone and wants to learn how to help.",
        [
            ("Patricia Washington", "Mother", "(555) 201-1114", "family@example.org"),
            ("Andre Washington", "Brother", "(555) 201-1115", "andre.w@example.net"),
            ("Keisha Moore", "Aunt", "(555) 201-1116", None),
        ],
    ),
    (
        "Emily Sorensen",
        "Em",
        "she/her",
        24,
        ["alcohol", "mental_health"],
        "soon",
        "Family doctor",
        "education",
        "Binge drinking on weekends, panic attacks during the week.",
        [
            ("Karen Sorensen", "Mother", "(555) 201-1117", "karen.s@example.net"),
            ("Nils Sorensen", "Father", "(555) 201-1118", None),
        ],
    ),
    (
        "Victor Alvarez",
        None,
        "he/him",
        56,
        ["alcohol"],
        "routine",
        "Pastor",
        "education",
        "Thirty years of daily drinking; liver tests are worrying his doctor.",
        [("Rosa Alvarez", "Wife", "(555) 201-1119", "rosa.a@example.net")],
    ),
    (
        "Chloe Martin",
        None,
        "she/her",
        17,
        ["cannabis", "other_drugs"],
        "soon",
        "School nurse",
        "education",
        "Vaping and pills from friends; parents are divorced and disagree on what to do.",
        [
            ("Julie Martin", "Mother", "(555) 201-1120", "julie.m@example.net"),
            ("Brian Martin", "Father", "(555) 201-1121", "brian.m@example.net"),
        ],
    ),
    (
        "Samuel Adeyemi",
        "Sam",
        "he/him",
        36,
        ["gambling", "alcohol"],
        "routine",
        "Financial adviser",
        "education",
        "Online betting has emptied the family's savings.",
        [("Folake Adeyemi", "Wife", "(555) 201-1122", "folake.a@example.net")],
    ),
    (
        "Grace Thornton",
        None,
        "she/her",
        48,
        ["benzodiazepines"],
        "urgent",
        "Psychiatrist",
        "intervention",
        "Long-term daily use; needs medically managed withdrawal.",
        [
            ("Paul Thornton", "Husband", "(555) 201-1123", "paul.t@example.net"),
            ("Megan Thornton", "Daughter", "(555) 201-1124", "megan.t@example.net"),
        ],
    ),
    (
        "Ethan Novak",
        None,
        "he/him",
        26,
        ["opioids", "stimulants"],
        "urgent",
        "Probation officer",
        "intervention",
        "Family team of five ready; a residential bed is on hold.",
        [
            ("Irena Novak", "Mother", "(555) 201-1125", "irena.n@example.net"),
            ("Luka Novak", "Brother", "(555) 201-1126", None),
        ],
    ),
    (
        "Margaret Doyle",
        "Peggy",
        "she/her",
        67,
        ["alcohol"],
        "soon",
        "Adult son",
        "intervention",
        "Widowed last year; drinking alone every afternoon.",
        [
            ("Sean Doyle", "Son", "(555) 201-1127", "sean.d@example.net"),
            ("Fiona Doyle", "Daughter", "(555) 201-1128", "fiona.d@example.net"),
        ],
    ),
    (
        "Isaac Goldberg",
        None,
        "he/him",
        39,
        ["alcohol", "mental_health"],
        "soon",
        "Business partner",
        "intervention",
        "Bipolar disorder and heavy drinking; stopped his medication.",
        [("Rachel Goldberg", "Wife", "(555) 201-1129", "rachel.g@example.net")],
    ),
    (
        "Olivia Park",
        None,
        "she/her",
        33,
        ["alcohol"],
        "routine",
        "Former client",
        "aftercare",
        "Accepted treatment; 60 days into residential care.",
        [("Daniel Park", "Husband", "(555) 201-1130", "daniel.p@example.net")],
    ),
    (
        "Anthony Russo",
        "Tony",
        "he/him",
        44,
        ["opioids"],
        "soon",
        "Family doctor",
        "aftercare",
        "Left treatment early on day 12; family holding their boundaries.",
        [
            ("Maria Russo", "Wife", "(555) 201-1131", "maria.r@example.net"),
            ("Vincent Russo", "Father", "(555) 201-1132", None),
        ],
    ),
    (
        "Beatriz Santos",
        "Bia",
        "she/her",
        30,
        ["stimulants", "mental_health"],
        "routine",
        "Therapist",
        "aftercare",
        "In intensive outpatient care and attending peer support.",
        [("Helena Santos", "Mother", "(555) 201-1133", "helena.s@example.net")],
    ),
    (
        "William Harper",
        "Will",
        "he/him",
        58,
        ["alcohol"],
        "routine",
        "Cardiologist",
        "aftercare",
        "Declined at the intervention, then entered care three weeks later.",
        [("Janet Harper", "Wife", "(555) 201-1134", "janet.h@example.net")],
    ),
    (
        "Zoe Lambert",
        None,
        "she/her",
        25,
        ["alcohol", "cannabis"],
        "routine",
        "Web search",
        "closed",
        "One year in recovery; the family finished their own support group work.",
        [("Claire Lambert", "Mother", "(555) 201-1135", "claire.l@example.net")],
    ),
    (
        "Derek Simmons",
        None,
        "he/him",
        40,
        ["opioids"],
        "soon",
        "Friend",
        "closed",
        "The family stopped returning calls after the assessment.",
        [("Tina Simmons", "Sister", "(555) 201-1136", None)],
    ),
    (
        "Ruth Abernathy",
        None,
        "she/her",
        70,
        ["benzodiazepines", "mental_health"],
        "routine",
        "Daughter",
        "closed",
        "Referred to a geriatric psychiatry programme closer to home.",
        [("Ellen Abernathy", "Daughter", "(555) 201-1137", "ellen.a@example.net")],
    ),
)

CLOSINGS = {
    "Zoe Lambert": ("completed", "aftercare"),
    "Derek Simmons": ("unreachable", "assessment"),
    "Ruth Abernathy": ("referred_elsewhere", "education"),
}

FAMILY_ACCOUNTS = {
    "family@example.org": "Patricia Washington",
    "family2@example.org": "Karen Sorensen",
    "family3@example.org": "Irena Novak",
}


def has_accounts() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User)))


def _staff(password_hash: str) -> dict[str, User]:
    users = {}
    for email, name, role, phone in STAFF:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email, name=name, role=role.value, phone=phone, password_hash=password_hash
            )
            db.session.add(user)
        users[email] = user
    db.session.flush()
    return users


def seed_practice(password: str) -> int:
    """The named practice; returns how many cases it added (0 if present)."""
    if db.session.scalar(select(User).where(User.email == "interventionist@example.org")):
        return 0
    password_hash = hash_password(password)
    staff = _staff(password_hash)
    leads = [staff["interventionist@example.org"], staff["interventionist2@example.org"]]
    now = utcnow()
    rng = random.Random(42)  # the same practice every time
    references = reserve_references(now.year, len(CASES))
    for number, row in enumerate(CASES):
        (name, goes_by, pronouns, age, concerns, urgency, referral, phase, story, contacts) = row
        lead = leads[number % 2]
        opened = now - timedelta(days=20 + 9 * number + rng.randint(0, 6))
        case = FamilyCase(
            reference=references[number],
            loved_one_name=name,
            preferred_name=goes_by,
            pronouns=pronouns,
            age=age,
            concerns=concerns,
            urgency=urgency,
            referral_source=referral,
            summary=story,
            interventionist=lead,
            co_interventionist=leads[(number + 1) % 2] if number % 7 == 3 else None,
            created_at=opened,
            phase=Phase.SCHEDULING.value,
            phase_entered_at=opened,
        )
        db.session.add(case)
        for i, (cname, relation, phone, email) in enumerate(contacts):
            contact = Contact(
                case=case,
                name=cname,
                relationship_to_loved_one=relation,
                phone=phone,
                email=email,
                is_primary=i == 0,
                preferred_method="phone",
                created_at=opened,
            )
            db.session.add(contact)
            if email in FAMILY_ACCOUNTS:
                contact.user = User(
                    email=email, name=cname, role=Role.FAMILY.value, password_hash=password_hash
                )
        db.session.flush()
        db.session.add(
            AuditEvent(
                action=Action.CREATE.value,
                actor_id=lead.id,
                case_id=case.id,
                object_type="FamilyCase",
                object_id=str(case.id),
                occurred_at=opened,
                summary="Case opened at intake",
            )
        )
        _walk_phases(case, lead, phase, opened, now, CLOSINGS.get(name))
        _sessions(case, lead, phase, opened, now, upcoming=number % 5 != 2)
    return len(CASES)


# The sessions each phase has usually been through, oldest first.
SESSION_PATH = {
    "scheduling": ["first_call"],
    "assessment": ["first_call", "assessment_interview"],
    "education": ["first_call", "assessment_interview", "family_education"],
    "intervention": ["first_call", "assessment_interview", "family_education", "rehearsal"],
    "aftercare": [
        "first_call",
        "assessment_interview",
        "family_education",
        "rehearsal",
        "intervention",
        "follow_up",
    ],
    "closed": ["first_call", "assessment_interview"],
}
NEXT_SESSION = {
    "scheduling": "assessment_interview",
    "assessment": "family_education",
    "education": "family_education",
    "intervention": "intervention",
    "aftercare": "follow_up",
}


def _sessions(case, lead, phase, opened, now, *, upcoming: bool) -> None:
    """Held sessions behind the case and, usually, one booked ahead."""
    from casework.domain.sessions import KINDS
    from casework.scheduling.models import CaseSession

    path = SESSION_PATH[phase]
    contacts = [c for c in case.contacts if c.archived_at is None]
    step = (now - opened) / (len(path) + 1)
    for i, kind in enumerate(path):
        start = (opened + step * (i + 1)).replace(hour=22, minute=0, second=0, microsecond=0)
        if start >= now:
            continue
        session = CaseSession(
            case=case,
            lead=lead,
            kind=kind,
            title=KINDS[kind],
            starts_at=start,
            duration_minutes=90 if i else 45,
            place_kind="phone" if kind == "first_call" else "in_person",
            place=None if kind == "first_call" else "Harbor Family Intervention, 40 Pier Street",
            status="held",
            contacts=contacts[:2],
        )
        db.session.add(session)
    if upcoming and phase in NEXT_SESSION:
        kind = NEXT_SESSION[phase]
        days = 1 + (case.id or 0) % 9
        start = (now + timedelta(days=days)).replace(
            hour=23 - days % 3, minute=0, second=0, microsecond=0
        )
        db.session.add(
            CaseSession(
                case=case,
                lead=lead,
                kind=kind,
                title=KINDS[kind],
                starts_at=start,
                duration_minutes=90,
                place_kind="video",
                place="https://meet.example.org/harbor",
                contacts=contacts,
            )
        )


def _walk_phases(case, lead, target, opened, now, closing) -> None:
    """Record the phase history that brought the demo case to its phase."""
    goal = closing[1] if closing else target
    steps = OPEN_PHASES[: OPEN_PHASES.index(Phase(goal)) + 1]
    moves = [(a, b, "forward", None) for a, b in zip(steps, steps[1:], strict=False)]
    if closing:
        moves.append((Phase(goal), Phase.CLOSED, "close", closing[0]))
    when = opened
    span = (now - opened) / (len(moves) + 1)
    for src, dst, kind, reason in moves:
        when = when + span
        db.session.add(
            PhaseChange(
                case_id=case.id,
                from_phase=src.value,
                to_phase=dst.value,
                kind=kind,
                closing_reason=reason,
                changed_by_id=lead.id,
                changed_at=when,
            )
        )
        words = (
            f"Closed from {src.label}"
            if kind == "close"
            else f"Moved from {src.label} to {dst.label}"
        )
        db.session.add(
            AuditEvent(
                action=Action.PHASE_CHANGE.value,
                actor_id=lead.id,
                case_id=case.id,
                object_type="PhaseChange",
                occurred_at=when,
                summary=words,
            )
        )
        case.phase = dst.value
        case.phase_entered_at = when
    if closing:
        case.status, case.closing_reason, case.closed_from_phase = "closed", closing[0], goal


FIRST = (
    "Alex",
    "Blair",
    "Casey",
    "Dana",
    "Elliot",
    "Frankie",
    "Gray",
    "Harper",
    "Indy",
    "Jesse",
    "Kai",
    "Logan",
    "Morgan",
    "Noel",
    "Oakley",
    "Parker",
    "Quinn",
    "Riley",
    "Sage",
    "Taylor",
    "Umi",
    "Val",
    "Wren",
    "Yael",
    "Zion",
)
LAST = (
    "Abbott",
    "Baptiste",
    "Castillo",
    "Dunne",
    "Eriksen",
    "Farouk",
    "Grady",
    "Hollis",
    "Ibarra",
    "Jansen",
    "Kim",
    "Lowell",
    "Mendez",
    "Nakamura",
    "Osei",
    "Pryor",
    "Quintero",
    "Rasmussen",
    "Sato",
    "Tran",
    "Underwood",
    "Vance",
    "Whitlock",
    "Young",
)


def bulk_cases(count: int, chunk: int = 10_000) -> None:
    """Insert synthetic cases straight through SQLAlchemy Core, in chunks."""
    leads = list(
        db.session.scalars(
            select(User.id).where(User.role == Role.INTERVENTIONIST.value).order_by(User.id)
        )
    )
    if not leads:
        raise RuntimeError("Seed the demo practice first: it provides the interventionists.")
    now = utcnow()
    rng = random.Random(7)
    references = reserve_references(now.year, count)
    db.session.commit()
    phases = [p.value for p in OPEN_PHASES]
    concerns = ["alcohol", "opioids", "stimulants", "cannabis", "mental_health", "gambling"]
    urgencies = ("routine", "routine", "soon", "urgent")
    start_id = (db.session.scalar(select(func.max(FamilyCase.id))) or 0) + 1
    for offset in range(0, count, chunk):
        cases, contacts = [], []
        for i in range(offset, min(offset + chunk, count)):
            opened = now - timedelta(days=rng.randint(1, 700))
            last = rng.choice(LAST)
            case_id = start_id + i
            cases.append(
                {
                    "id": case_id,
                    "reference": references[i],
                    "loved_one_name": f"{rng.choice(FIRST)} {last}",
                    "concerns": [rng.choice(concerns)],
                    "urgency": rng.choice(urgencies),
                    "phase": rng.choice(phases),
                    "phase_entered_at": opened,
                    "status": "active",
                    "interventionist_id": leads[i % len(leads)],
                    "created_at": opened,
                    "updated_at": opened,
                    "version": 1,
                    "date_of_birth": None,
                }
            )
            contacts.append(
                {
                    "case_id": case_id,
                    "name": f"{rng.choice(FIRST)} {last}",
                    "relationship_to_loved_one": rng.choice(
                        ("Mother", "Father", "Spouse", "Sibling")
                    ),
                    "phone": f"(555) 3{i % 100:02d}-{i % 10000:04d}",
                    "preferred_method": "phone",
                    "is_primary": True,
                    "created_at": opened,
                    "version": 1,
                }
            )
        db.session.execute(insert(FamilyCase.__table__), cases)
        db.session.execute(insert(Contact.__table__), contacts)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Explicit ids were inserted; move the sequence past them.
        from sqlalchemy import text

        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"
            )
        )
        db.session.commit()
