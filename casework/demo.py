"""A fictional practice for demos and benchmarks. Every person is invented."""

import copy
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
from casework.timeutil import local_today, to_local, utcnow

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
        "Her employer's program referred her sister to us.",
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
        "Referred to a geriatric psychiatry program closer to home.",
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
        timeline = _walk_phases(case, lead, phase, opened, now, CLOSINGS.get(name))
        _sessions(case, lead, phase, opened, now, upcoming=number % 5 != 2)
        _assessment(case, lead, timeline, now)
        _education(case, lead, phase, now)
    return len(CASES)


# What each phase's families have usually been given to read, in order.
READING = (
    "addiction-as-a-health-condition",
    "enabling-versus-supporting",
    "communicating-with-your-loved-one",
    "what-happens-at-an-intervention",
    "writing-your-letter",
    "overdose-and-naloxone",
    "setting-and-keeping-boundaries",
    "family-self-care-and-resilience",
    "return-to-use",
)
READING_BY_PHASE = {"education": 5, "intervention": 7, "aftercare": 9, "closed": 2}


def _education(case, lead, phase, now) -> None:
    """Reading for the families past assessment; a shared packet in education."""
    from casework.education import library
    from casework.education import service as education
    from casework.education.models import Assignment, EducationModule

    count = READING_BY_PHASE.get(phase, 0)
    if not count:
        return
    library.sync()  # idempotent: the shipped modules the reading comes from
    modules = {m.slug: m for m in db.session.scalars(select(EducationModule))}
    chosen = [modules[slug] for slug in READING[:count] if slug in modules]
    family = [c for c in case.contacts if c.archived_at is None][:2]
    education.assign(case, lead, chosen, family, due_on=None, note=None)
    _credit(lead, now - timedelta(days=30))
    db.session.flush()
    given = db.session.scalars(
        select(Assignment).where(Assignment.case_id == case.id).order_by(Assignment.id)
    ).all()
    for i, assignment in enumerate(given):
        assignment.assigned_at = now - timedelta(days=30 - i)
        if phase != "education" or i % 3 == 0:  # later phases have read everything
            assignment.opened_at = assignment.finished_at = now - timedelta(days=20 - i)
        elif i % 3 == 1:
            assignment.opened_at = now - timedelta(days=2)
            assignment.due_on = local_today() - timedelta(days=2)  # overdue, to show it
    if phase == "education":
        packet = education.create_packet(
            case,
            lead,
            title="Understanding and helping your loved one",
            family_name=family[0].name.split()[-1] if family else "",
            cover_letter=f"Dear {family[0].name.split()[0] if family else 'family'},\n\n"
            "Here is the reading we talked about. Take it one chapter at a time, and bring "
            "your questions to our next session.",
            versions=[m.latest for m in chosen],
            include_schedule=True,
            include_contacts=True,
        )
        education.share_packet(case, packet)
        _credit(lead, now - timedelta(days=6))


def _credit(lead, when) -> None:
    """Demo events recorded outside a request: put them in the lead's name, back in time.

    Only events not yet written are touched; audit rows are never changed."""
    for obj in db.session.new:
        if isinstance(obj, AuditEvent) and obj.actor_id is None:
            obj.actor_id, obj.occurred_at = lead.id, when


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


def _walk_phases(case, lead, target, opened, now, closing) -> dict:
    """Record the phase history that brought the demo case to its phase.

    Returns when the case entered each phase it has been in, oldest first.
    """
    goal = closing[1] if closing else target
    steps = OPEN_PHASES[: OPEN_PHASES.index(Phase(goal)) + 1]
    moves = [(a, b, "forward", None) for a, b in zip(steps, steps[1:], strict=False)]
    if closing:
        moves.append((Phase(goal), Phase.CLOSED, "close", closing[0]))
    when = opened
    entered = {Phase.SCHEDULING.value: opened}
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
        entered[dst.value] = when
    if closing:
        case.status, case.closing_reason, case.closed_from_phase = "closed", closing[0], goal
    return entered


# ---- assessments, screenings and safety plans ---------------------------
#
# Each case past scheduling has an assessment in the shape of
# AssessmentForm.section_data(): completed once the case moved on, a draft
# while it is still in assessment. Screenings are given on days inside a phase
# ("assessment", 0.5 = halfway through it), answered by the loved one or by a
# family member reporting on them (the contact's name), and scored by
# casework.domain.instruments. Every case with a safety flag has a safety plan.

ASSESSMENTS: dict[str, dict] = {
    "Aaliyah Brooks": {
        "interviewed": {"loved_one": True, "family": "Denise (mother), Calvin (father)"},
        "substances": [
            {
                "substance": "Cannabis",
                "route": "Vaped",
                "frequency": "Every day",
                "amount": "About a cartridge every two days",
                "age_first_use": 15,
                "last_use": "The day before the interview",
            }
        ],
        "mental_health": {
            "symptoms": "Sleeps until the afternoon, has stopped seeing friends, cries after "
            "phone calls home.",
            "treatment": "None. Saw the campus counselor once in October.",
        },
        "life": {"work": "Failing three of four classes; on academic probation."},
        "family": {
            "household": "Lives in a dorm; home with both parents on breaks.",
            "enabling": "Parents pay for her phone and send extra money when she asks.",
            "influencers": "Her older cousin Maya, a nurse.",
            "conflicts": "Father wants her home at once; mother wants her to finish the term.",
        },
        "readiness": {"stage": "contemplation", "ruler": 4},
        "preferences": {
            "insurance_carrier": "Parents' employer plan",
            "location": "Near home, so she can keep her room at school if possible",
            "mat_openness": "",
        },
        "screenings": [
            ("PHQ-9", 14, "assessment", 0.3, None),
            ("DAST-10", 3, "assessment", 0.35, None),
        ],
    },
    "Thomas Reilly": {
        "interviewed": {"loved_one": False, "family": "Maureen (wife)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Every day",
                "amount": "8 to 10 beers, more at weekends",
                "age_first_use": 16,
                "last_use": "Daily",
            }
        ],
        "use": {"notes": "Shaky hands in the mornings until his first drink."},
        "medical": {
            "heavy_recent_use": ["alcohol"],
            "chronic_conditions": "High blood pressure.",
        },
        "safety": {
            "impaired_driving": True,
            "notes": "Second impaired-driving charge pending; licence suspended but he still "
            "drives to work.",
        },
        "life": {
            "legal": "Court date in six weeks; his attorney suggested treatment beforehand.",
            "work": "Site manager; has been late often this year.",
        },
        "family": {
            "household": "Lives with Maureen; two adult sons live nearby.",
            "enabling": "Maureen calls in sick for him and drives him when she can.",
            "influencers": "His older son Liam and his attorney.",
            "earlier_attempts": "Went to two AA meetings after the first charge.",
        },
        "readiness": {"stage": "precontemplation", "ruler": 2},
        "preferences": {
            "insurance_carrier": "Union health plan",
            "budget": "What the plan covers",
            "mat_openness": "unsure",
        },
        "screenings": [
            ("AUDIT-C", 10, "scheduling", 0.8, "Maureen Reilly"),
            ("AUDIT", 22, "assessment", 0.4, "Maureen Reilly"),
        ],
    },
    "Lucia Fernández": {
        "interviewed": {"loved_one": True, "family": "Diego (husband), Carmen (sister)"},
        "substances": [
            {
                "substance": "Opioids",
                "route": "Oral (pills bought from others)",
                "frequency": "Several times a day",
                "amount": "6 to 8 pills",
                "age_first_use": 36,
                "last_use": "This morning",
            }
        ],
        "use": {
            "notes": "Began with oxycodone prescribed after back surgery; buys pills from a "
            "co-worker since the prescription ended. Pills of unknown origin may contain "
            "fentanyl."
        },
        "prior_treatment": [],
        "medical": {
            "heavy_recent_use": ["opioids"],
            "chronic_conditions": "Lower back pain since surgery two years ago.",
        },
        "life": {"money": "About $600 a month on pills; a credit card Diego did not know of."},
        "family": {
            "household": "Lives with Diego and their son, 14.",
            "enabling": "Diego has covered the card payments twice.",
            "influencers": "Her sister Carmen.",
        },
        "readiness": {"stage": "contemplation", "ruler": 5},
        "preferences": {
            "insurance_carrier": "Blue Harbor PPO",
            "location": "Outpatient if possible; she fears losing her job",
            "mat_openness": "open",
        },
        "screenings": [("DAST-10", 6, "assessment", 0.5, None)],
    },
    "Kevin O'Brien": {
        "interviewed": {"loved_one": False, "family": "Siobhan (mother)"},
        "substances": [
            {
                "substance": "Cocaine",
                "route": "Snorted",
                "frequency": "Weekends, sometimes midweek",
                "amount": "Not known",
                "age_first_use": 19,
                "last_use": "Last weekend",
            },
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "3 to 4 nights a week",
                "amount": "Binges of 10 or more drinks",
                "age_first_use": 14,
                "last_use": "Last weekend",
            },
        ],
        "life": {
            "work": "Lost two restaurant jobs this year.",
            "money": "Behind on rent; borrowed from his mother and grandmother.",
        },
        "family": {
            "household": "Roommates asked him to leave by the end of the month.",
            "enabling": "His mother pays his phone and car insurance.",
            "influencers": "His grandmother and his old football coach.",
        },
        "readiness": {"stage": "precontemplation", "ruler": 3},
        "preferences": {"insurance_carrier": "None (was on an employer plan)"},
        "screenings": [
            ("DAST-10", 5, "assessment", 0.4, "Siobhan O'Brien"),
            ("AUDIT", 14, "assessment", 0.45, "Siobhan O'Brien"),
        ],
    },
    "Naomi Feldman": {
        "interviewed": {"loved_one": True, "family": "Adam (husband)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Every evening",
                "amount": "Most of a bottle of wine",
                "age_first_use": 17,
                "last_use": "Last night",
            }
        ],
        "mental_health": {
            "diagnoses": "Major depression (her therapist's diagnosis).",
            "symptoms": "Low mood most days, trouble sleeping, little interest in the children's "
            "activities.",
            "treatment": "Weekly therapy; stopped sertraline on her own in the summer.",
        },
        "safety": {
            "children_in_home": True,
            "notes": "Children aged 8 and 11. She has driven them after drinking once that "
            "Adam knows of.",
        },
        "family": {
            "household": "Lives with Adam and their two children.",
            "enabling": "Adam buys the wine with the weekly shopping to avoid arguments.",
            "influencers": "Her therapist and her college friend Ruth.",
        },
        "readiness": {"stage": "contemplation", "ruler": 6},
        "preferences": {
            "insurance_carrier": "Adam's employer plan",
            "gender_specific": True,
            "location": "Outpatient close to home; childcare is a concern",
        },
        "screenings": [
            ("PHQ-9", 16, "assessment", 0.3, None),
            ("AUDIT", 12, "assessment", 0.3, None),
        ],
        "plan": {
            "warning_signs": "Drinking before the children are home; staying in bed at "
            "weekends; saying the family would manage without her.",
            "coping_steps": "Walk with Adam after dinner; call her sister; no wine in the house "
            "on school nights.",
            "people_to_call": "Adam (husband) (555) 201-1113; her therapist's after-hours "
            "line; 988 (call or text); 911 in an emergency.",
            "means_safety": "Adam drives the children until she has been sober a month; old "
            "prescriptions taken to the pharmacy.",
        },
    },
    "Jamal Washington": {
        "interviewed": {
            "loved_one": False,
            "family": "Patricia (mother), Andre (brother), Keisha (aunt)",
        },
        "substances": [
            {
                "substance": "Fentanyl",
                "route": "Smoked",
                "frequency": "Several times a day",
                "amount": "Not known",
                "age_first_use": 24,
                "last_use": "Daily",
            }
        ],
        "use": {
            "overdose_history": True,
            "notes": "Overdosed in March; revived by emergency responders. The family keeps "
            "naloxone in the kitchen and the car.",
        },
        "prior_treatment": [
            {
                "level": "withdrawal_management",
                "where": "County detox unit",
                "when": "Last March",
                "outcome": "left_early",
            }
        ],
        "medical": {"heavy_recent_use": ["opioids"]},
        "life": {"work": "Out of work since the spring.", "legal": "None known."},
        "family": {
            "household": "Lives with his mother.",
            "enabling": "Patricia gives him money for 'bus fare' most days.",
            "influencers": "His brother Andre and his aunt Keisha.",
            "earlier_attempts": "The family took him to detox in March; he left on day 2.",
        },
        "readiness": {"stage": "precontemplation", "ruler": 3},
        "preferences": {
            "insurance_carrier": "Medicaid",
            "location": "Anywhere with a bed; the family will drive him",
            "mat_openness": "open",
        },
        "screenings": [("DAST-10", 8, "assessment", 0.5, "Patricia Washington")],
    },
    "Emily Sorensen": {
        "interviewed": {"loved_one": True, "family": "Karen (mother), Nils (father)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Friday and Saturday nights",
                "amount": "8 or more drinks",
                "age_first_use": 16,
                "last_use": "Saturday",
            }
        ],
        "mental_health": {
            "diagnoses": "Panic disorder (family doctor).",
            "symptoms": "Panic attacks on weekday mornings; avoids the train to work.",
            "treatment": "Prescribed an SSRI in January; takes it on and off.",
        },
        "life": {"work": "Junior accountant; has used all her sick days."},
        "family": {
            "household": "Lives alone; visits her parents on Sundays.",
            "enabling": "Her mother picks her up from bars at 2 a.m.",
            "influencers": "Her father and her best friend Ida.",
        },
        "readiness": {"stage": "contemplation", "ruler": 6},
        "preferences": {
            "insurance_carrier": "Employer plan",
            "location": "Evening program so she can keep working",
        },
        "screenings": [
            ("AUDIT", 15, "assessment", 0.4, None),
            ("GAD-7", 13, "assessment", 0.4, None),
        ],
    },
    "Victor Alvarez": {
        "interviewed": {"loved_one": True, "family": "Rosa (wife)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Every day for thirty years",
                "amount": "A pint of whiskey a day",
                "age_first_use": 18,
                "last_use": "Today",
            }
        ],
        "medical": {
            "heavy_recent_use": ["alcohol"],
            "chronic_conditions": "Raised liver enzymes; type 2 diabetes.",
        },
        "life": {"work": "Runs his own upholstery shop."},
        "family": {
            "household": "Lives with Rosa; three grown children out of state.",
            "enabling": "Rosa buys his whiskey so he will not drive to the store.",
            "influencers": "Pastor Ramírez and his doctor.",
        },
        "readiness": {"stage": "precontemplation", "ruler": 2},
        "preferences": {
            "insurance_carrier": "Medicare Advantage next year; private plan now",
            "faith_based": True,
        },
        "screenings": [("AUDIT", 24, "assessment", 0.5, "Rosa Alvarez")],
    },
    "Chloe Martin": {
        "interviewed": {"loved_one": True, "family": "Julie (mother), Brian (father)"},
        "substances": [
            {
                "substance": "Cannabis",
                "route": "Vaped",
                "frequency": "Every day",
                "amount": "Not known",
                "age_first_use": 14,
                "last_use": "Yesterday",
            },
            {
                "substance": "Pills from friends (not known which)",
                "route": "Oral",
                "frequency": "At parties, about twice a month",
                "amount": "1 or 2",
                "age_first_use": 16,
                "last_use": "Two weeks ago",
            },
        ],
        "life": {"work": "High-school junior; grades fell from As to Cs."},
        "family": {
            "household": "Lives with her mother on weekdays and her father at weekends.",
            "conflicts": "Her parents disagree on rules and on whether she needs treatment.",
            "influencers": "Her volleyball coach.",
        },
        "readiness": {"stage": "precontemplation", "ruler": 3},
        "preferences": {"insurance_carrier": "Father's employer plan"},
        "screenings": [("DAST-10", 4, "assessment", 0.5, None)],
    },
    "Samuel Adeyemi": {
        "interviewed": {"loved_one": False, "family": "Folake (wife)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Most evenings while betting",
                "amount": "4 to 6 beers",
                "age_first_use": 18,
                "last_use": "Yesterday",
            }
        ],
        "life": {
            "money": "Online betting has used up about $40,000 of savings and a home-equity line.",
            "work": "Software engineer; still working.",
        },
        "family": {
            "household": "Lives with Folake.",
            "enabling": "Folake has covered the mortgage from her own account.",
            "influencers": "His older brother in Lagos and his financial adviser.",
        },
        "readiness": {"stage": "contemplation", "ruler": 4},
        "preferences": {"budget": "Limited: savings are gone", "location": "Outpatient"},
        "screenings": [("AUDIT", 9, "assessment", 0.5, "Folake Adeyemi")],
    },
    "Grace Thornton": {
        "interviewed": {"loved_one": True, "family": "Paul (husband), Megan (daughter)"},
        "substances": [
            {
                "substance": "Benzodiazepines (alprazolam)",
                "route": "Oral",
                "frequency": "Every day for nine years",
                "amount": "Well above the prescribed dose",
                "age_first_use": 39,
                "last_use": "Today",
            }
        ],
        "use": {"notes": "Gets prescriptions from two doctors."},
        "mental_health": {
            "diagnoses": "Generalised anxiety.",
            "treatment": "Psychiatrist every three months.",
        },
        "medical": {
            "heavy_recent_use": ["benzodiazepines"],
            "chronic_conditions": "A seizure when she ran out of pills last winter.",
        },
        "family": {
            "household": "Lives with Paul; Megan lives ten minutes away.",
            "enabling": "Paul collects both prescriptions.",
            "influencers": "Megan and her psychiatrist.",
        },
        "readiness": {"stage": "contemplation", "ruler": 5},
        "preferences": {
            "insurance_carrier": "Blue Harbor PPO",
            "location": "Medically managed withdrawal, then residential",
            "gender_specific": True,
        },
        "screenings": [
            ("DAST-10", 5, "assessment", 0.4, None),
            ("GAD-7", 15, "assessment", 0.4, None),
        ],
    },
    "Ethan Novak": {
        "interviewed": {"loved_one": False, "family": "Irena (mother), Luka (brother)"},
        "substances": [
            {
                "substance": "Heroin",
                "route": "Injected",
                "frequency": "Every day",
                "amount": "Not known",
                "age_first_use": 20,
                "last_use": "Daily",
            },
            {
                "substance": "Methamphetamine",
                "route": "Smoked",
                "frequency": "Weekly",
                "amount": "Not known",
                "age_first_use": 22,
                "last_use": "Last week",
            },
        ],
        "use": {"injection_use": True, "notes": "Probation officer requires weekly tests."},
        "prior_treatment": [
            {
                "level": "intensive_outpatient",
                "where": "Harbor Recovery Center",
                "when": "Two years ago",
                "outcome": "left_early",
            }
        ],
        "medical": {"heavy_recent_use": ["opioids"]},
        "life": {"legal": "On probation for possession until next year."},
        "family": {
            "household": "Lives with his mother and brother.",
            "enabling": "Irena has paid his fines.",
            "influencers": "His brother Luka and his probation officer.",
        },
        "readiness": {"stage": "contemplation", "ruler": 5},
        "preferences": {
            "insurance_carrier": "Medicaid",
            "location": "Residential; a bed is on hold at Lakeside",
            "mat_openness": "open",
        },
        "screenings": [("DAST-10", 9, "assessment", 0.5, "Irena Novak")],
    },
    "Margaret Doyle": {
        "interviewed": {"loved_one": True, "family": "Sean (son), Fiona (daughter)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Every afternoon",
                "amount": "A bottle of wine, sometimes more",
                "age_first_use": 20,
                "last_use": "Yesterday",
            }
        ],
        "mental_health": {
            "symptoms": "Grief since her husband died last year; says she sees no point in "
            "going on.",
            "treatment": "None.",
        },
        "medical": {
            "heavy_recent_use": ["alcohol"],
            "chronic_conditions": "Two falls this year; takes blood-pressure medicine.",
        },
        "safety": {
            "suicidal_thoughts": True,
            "notes": "Passive thoughts of death, no plan. Keeps her late husband's sleeping pills.",
        },
        "family": {
            "household": "Lives alone.",
            "enabling": "Fiona brings her wine when she visits.",
            "influencers": "Her grandson and her parish priest.",
        },
        "readiness": {"stage": "contemplation", "ruler": 4},
        "preferences": {"insurance_carrier": "Medicare", "location": "Close to her son"},
        "screenings": [
            ("AUDIT", 17, "assessment", 0.3, None),
            ("PHQ-9", 15, "assessment", 0.3, None, {"q9": 1}),
            ("PHQ-9", 12, "education", 0.6, None, {"q9": 1}),
        ],
        "plan": {
            "warning_signs": "Talking about not seeing the point; not answering the phone for "
            "a day; giving things away.",
            "coping_steps": "Daily call with Sean at 5 p.m.; grief group on Tuesdays; walks "
            "with her neighbour.",
            "people_to_call": "Sean (son) (555) 201-1127; Fiona (daughter) (555) 201-1128; "
            "988 (call or text); 911 in an emergency.",
            "means_safety": "Her husband's sleeping pills taken to the pharmacy for disposal; "
            "Fiona keeps her medicines in a weekly box.",
        },
    },
    "Isaac Goldberg": {
        "interviewed": {"loved_one": True, "family": "Rachel (wife)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Every day",
                "amount": "A bottle of vodka over two days",
                "age_first_use": 16,
                "last_use": "Today",
            }
        ],
        "mental_health": {
            "diagnoses": "Bipolar I disorder.",
            "symptoms": "Sleeping three hours a night, spending sprees, angry outbursts.",
            "treatment": "Stopped lithium four months ago.",
            "hospitalisations": "Psychiatric unit for a week, six years ago.",
        },
        "medical": {"heavy_recent_use": ["alcohol"]},
        "safety": {
            "weapons_in_home": True,
            "notes": "A hunting rifle in the garage. Has punched a door; no violence towards "
            "people reported.",
        },
        "life": {"money": "Large purchases on business accounts; his partner is worried."},
        "family": {
            "household": "Lives with Rachel.",
            "enabling": "Rachel explains his absences to his business partner.",
            "influencers": "His psychiatrist and his business partner.",
        },
        "readiness": {"stage": "contemplation", "ruler": 4},
        "preferences": {
            "insurance_carrier": "Business group plan",
            "location": "A dual-diagnosis residential program",
        },
        "screenings": [("AUDIT", 21, "assessment", 0.4, None)],
        "plan": {
            "warning_signs": "Not sleeping for two nights; talking fast; drinking in the "
            "morning; slamming doors.",
            "coping_steps": "Rachel leaves for her sister's if he is shouting; his "
            "psychiatrist has an urgent slot each week.",
            "people_to_call": "Rachel (wife) (555) 201-1129; his psychiatrist's on-call line; "
            "988 (call or text); 911 in an emergency.",
            "means_safety": "The rifle is stored at his brother's house until further notice.",
        },
    },
    "Olivia Park": {
        "interviewed": {"loved_one": True, "family": "Daniel (husband)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Every day",
                "amount": "A bottle of wine and some spirits",
                "age_first_use": 17,
                "last_use": "Before admission",
            }
        ],
        "medical": {"heavy_recent_use": ["alcohol"]},
        "family": {
            "household": "Lives with Daniel.",
            "enabling": "Daniel hid bottles rather than talk about them.",
        },
        "readiness": {"stage": "preparation", "ruler": 7},
        "preferences": {"insurance_carrier": "Employer plan", "location": "Residential"},
        "screenings": [
            ("AUDIT", 20, "assessment", 0.5, None),
            ("BARC-10", 38, "aftercare", 0.3, None),
            ("BARC-10", 44, "aftercare", 0.9, None),
        ],
    },
    "Anthony Russo": {
        "interviewed": {"loved_one": True, "family": "Maria (wife), Vincent (father)"},
        "substances": [
            {
                "substance": "Opioids",
                "route": "Oral, lately snorted",
                "frequency": "Every day",
                "amount": "Not known",
                "age_first_use": 38,
                "last_use": "Daily",
            }
        ],
        "use": {"notes": "Naloxone at home and in Maria's car."},
        "medical": {"heavy_recent_use": ["opioids"]},
        "family": {
            "household": "Lives with Maria and their daughters, 16 and 19.",
            "enabling": "Vincent lent him money for 'car repairs'.",
            "influencers": "His father and his family doctor.",
        },
        "readiness": {"stage": "preparation", "ruler": 6},
        "preferences": {
            "insurance_carrier": "Employer plan",
            "location": "Residential",
            "mat_openness": "unsure",
        },
        "screenings": [
            ("DAST-10", 7, "assessment", 0.5, None),
            ("BARC-10", 27, "aftercare", 0.6, None),
        ],
        # Version 2 after he left treatment early.
        "revision": (
            "aftercare",
            0.4,
            "Left residential treatment on day 12: use, earlier treatment and readiness updated.",
            {
                "prior_treatment": [
                    {
                        "level": "residential",
                        "where": "Lakeside Recovery",
                        "when": "This year, 12 days",
                        "outcome": "left_early",
                    }
                ],
                "readiness": {"stage": "contemplation", "ruler": 4},
                "preferences": {
                    "insurance_carrier": "Employer plan",
                    "location": "Outpatient with medication treatment",
                    "mat_openness": "open",
                },
            },
        ),
    },
    "Beatriz Santos": {
        "interviewed": {"loved_one": True, "family": "Helena (mother)"},
        "substances": [
            {
                "substance": "Cocaine",
                "route": "Snorted",
                "frequency": "Three or four nights a week",
                "amount": "Not known",
                "age_first_use": 21,
                "last_use": "Before the intervention",
            }
        ],
        "mental_health": {
            "diagnoses": "Depression.",
            "symptoms": "Low after weekends of use; withdrawn from friends.",
            "treatment": "Sees a therapist every two weeks.",
            "hospitalisations": "Two nights after a suicide attempt at 22.",
        },
        "safety": {
            "suicide_attempts": True,
            "notes": "One attempt at 22 (overdose of pills). No current plan.",
        },
        "family": {
            "household": "Lives with her mother.",
            "influencers": "Her therapist and her aunt.",
        },
        "readiness": {"stage": "preparation", "ruler": 7},
        "preferences": {
            "insurance_carrier": "Marketplace plan",
            "location": "Intensive outpatient near home",
        },
        "screenings": [
            ("DAST-10", 6, "assessment", 0.4, None),
            ("PHQ-9", 13, "assessment", 0.4, None),
            ("PHQ-9", 8, "aftercare", 0.7, None),
        ],
        "plan": {
            "warning_signs": "Staying in her room all weekend; not going to group; saying she "
            "is a burden.",
            "coping_steps": "Her peer-support meeting on Thursday; running with her aunt; "
            "calling her therapist's line.",
            "people_to_call": "Helena (mother) (555) 201-1133; her therapist; her peer "
            "sponsor; 988 (call or text); 911 in an emergency.",
            "means_safety": "Medicines kept by her mother and handed out weekly.",
        },
    },
    "William Harper": {
        "interviewed": {"loved_one": False, "family": "Janet (wife)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Every day",
                "amount": "6 to 8 drinks",
                "age_first_use": 18,
                "last_use": "Before entering care",
            }
        ],
        "medical": {
            "heavy_recent_use": ["alcohol"],
            "chronic_conditions": "Atrial fibrillation; his cardiologist wants him to stop.",
        },
        "family": {
            "household": "Lives with Janet.",
            "enabling": "Janet kept the bar stocked for visitors.",
            "influencers": "His cardiologist and his golf partner.",
        },
        "readiness": {"stage": "precontemplation", "ruler": 3},
        "preferences": {"insurance_carrier": "Medicare", "location": "Residential, 30 days"},
        "screenings": [
            ("AUDIT", 19, "assessment", 0.5, "Janet Harper"),
            ("BARC-10", 41, "aftercare", 0.7, None),
        ],
    },
    "Zoe Lambert": {
        "interviewed": {"loved_one": True, "family": "Claire (mother)"},
        "substances": [
            {
                "substance": "Alcohol",
                "route": "Drinks",
                "frequency": "Weekends",
                "amount": "Binges of 8 or more drinks",
                "age_first_use": 15,
                "last_use": "Over a year ago",
            },
            {
                "substance": "Cannabis",
                "route": "Smoked",
                "frequency": "Most days",
                "amount": "Not known",
                "age_first_use": 15,
                "last_use": "Over a year ago",
            },
        ],
        "family": {
            "household": "Lives with a roommate; her mother is close by.",
            "enabling": "Her mother paid her rent when she lost her job.",
        },
        "readiness": {"stage": "preparation", "ruler": 7},
        "preferences": {"insurance_carrier": "Mother's plan", "location": "Outpatient"},
        "screenings": [
            ("AUDIT", 16, "assessment", 0.5, None),
            ("BARC-10", 46, "aftercare", 0.3, None),
            ("BARC-10", 52, "aftercare", 0.9, None),
        ],
    },
    "Derek Simmons": {
        "interviewed": {"loved_one": False, "family": "Tina (sister)"},
        "substances": [
            {
                "substance": "Heroin",
                "route": "Injected",
                "frequency": "Every day",
                "amount": "Not known",
                "age_first_use": 30,
                "last_use": "Not known",
            }
        ],
        "use": {"injection_use": True},
        "medical": {"heavy_recent_use": ["opioids"]},
        "family": {"household": "Moves between friends' places."},
        "readiness": {"stage": "precontemplation", "ruler": None},
        "screenings": [("DAST-10", 7, "assessment", 0.5, "Tina Simmons")],
    },
    "Ruth Abernathy": {
        "interviewed": {"loved_one": True, "family": "Ellen (daughter)"},
        "substances": [
            {
                "substance": "Benzodiazepines (lorazepam)",
                "route": "Oral",
                "frequency": "Every day for twenty years",
                "amount": "More than prescribed",
                "age_first_use": 50,
                "last_use": "Today",
            }
        ],
        "mental_health": {
            "diagnoses": "Depression and anxiety.",
            "treatment": "Her family doctor prescribes; no psychiatrist.",
        },
        "medical": {
            "heavy_recent_use": ["benzodiazepines"],
            "chronic_conditions": "Osteoporosis; three falls this year.",
        },
        "family": {"household": "Lives alone; Ellen visits twice a week."},
        "readiness": {"stage": "contemplation", "ruler": 5},
        "preferences": {"insurance_carrier": "Medicare", "location": "Close to home"},
        "screenings": [
            ("PHQ-9", 12, "assessment", 0.5, None),
            ("GAD-7", 11, "assessment", 0.5, None),
        ],
    },
}


def _blank_sections() -> dict:
    """An empty assessment in the shape of AssessmentForm.section_data()."""
    from casework.assessment.summary import SECTION_FORMS

    data = {name: form().data for name, form in SECTION_FORMS.items()}
    data.update(substances=[], prior_treatment=[])
    return data


def _assessment_data(given: dict, base: dict | None = None) -> dict:
    """`given` sections laid over `base` (or an empty assessment); rows are added."""
    from casework.assessment.summary import ROW_FORMS

    data = copy.deepcopy(base) if base else _blank_sections()
    for name, value in given.items():
        if name in ROW_FORMS:
            blank = ROW_FORMS[name]().data
            data[name] = [*data[name], *({**blank, **row} for row in value)]
        else:
            data[name] = {**data[name], **value}
    return data


def demo_answers(code: str, total: int, fixed: dict[str, int] | None = None) -> dict[str, int]:
    """Answers, spread evenly over the items, that score `total` on `code`.

    `fixed` pins some raw answers (PHQ-9 item 9 is 0 unless pinned).
    """
    from casework.domain.instruments import INSTRUMENTS

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


def _when(timeline: dict[str, object], phase: str, fraction: float, now):
    """A moment `fraction` of the way through the case's time in `phase`."""
    order = [*(p.value for p in OPEN_PHASES), Phase.CLOSED.value]
    start = timeline[phase]
    later = [timeline[p] for p in order[order.index(phase) + 1 :] if p in timeline]
    end = min(later) if later else now
    return start + (end - start) * fraction


def _assessment(case, lead, timeline: dict, now) -> None:
    """The case's assessment, screenings and safety plan, and its risk flags."""
    from casework.assessment.models import Assessment, SafetyPlan, Screening
    from casework.assessment.service import refresh_flags
    from casework.domain import instruments, risk

    story = ASSESSMENTS.get(case.loved_one_name)
    if story is None or Phase.ASSESSMENT.value not in timeline:
        return
    events = []
    sections = {k: v for k, v in story.items() if k not in ("screenings", "plan", "revision")}
    started = _when(timeline, "assessment", 0.2, now)
    left_assessment = next(
        (t for p, t in timeline.items() if p not in ("scheduling", "assessment")), None
    )
    first = Assessment(
        case_id=case.id,
        number=1,
        status="draft",
        data=_assessment_data(sections),
        reason="First assessment",
        created_by_id=lead.id,
        created_at=started,
        updated_at=_when(timeline, "assessment", 0.6, now),
    )
    versions = [first]
    if left_assessment is not None:  # completed before the case moved on
        done = _when(timeline, "assessment", 0.9, now)
        first.status, first.completed_by_id, first.completed_at = "completed", lead.id, done
        first.updated_at = done
        events.append(
            (done, Action.UPDATE, "Assessment", "Assessment version 1 completed and locked")
        )
    if revision := story.get("revision"):
        phase, fraction, reason, changes = revision
        when = _when(timeline, phase, fraction, now)
        versions.append(
            Assessment(
                case_id=case.id,
                number=2,
                status="completed",
                data=_assessment_data(changes, base=first.data),
                reason=reason,
                created_by_id=lead.id,
                created_at=when,
                updated_at=when,
                completed_by_id=lead.id,
                completed_at=when,
            )
        )
        events.append(
            (when, Action.CREATE, "Assessment", f"Assessment version 2 started: {reason}")
        )
        events.append(
            (when, Action.UPDATE, "Assessment", "Assessment version 2 completed and locked")
        )
    db.session.add_all(versions)

    contacts = {c.name: c for c in case.contacts}
    female = (case.pronouns or "").startswith("she")
    for code, total, phase, fraction, reporter, *pinned in story.get("screenings", ()):
        when = _when(timeline, phase, fraction, now)
        answers = demo_answers(code, total, *pinned)
        sex = ("female" if female else "male") if code == "AUDIT-C" else None
        result = instruments.score(code, answers, sex=sex)
        contact = contacts[reporter] if reporter else None
        db.session.add(
            Screening(
                case_id=case.id,
                code=code,
                administered_on=to_local(when).date(),
                respondent="family" if contact else "loved_one",
                contact_id=contact.id if contact else None,
                sex=sex,
                answers=answers,
                total=result.total,
                band=result.band,
                severity=result.severity,
                flags=list(result.flags),
                recorded_by_id=lead.id,
                recorded_at=when,
            )
        )
        events.append(
            (when, Action.CREATE, "Screening", f"{code} recorded: {result.total} ({result.band})")
        )

    if plan := story.get("plan"):
        when = _when(timeline, "assessment", 0.7, now)
        db.session.add(
            SafetyPlan(case_id=case.id, recorded_by_id=lead.id, recorded_at=when, **plan)
        )
        events.append((when, Action.CREATE, "SafetyPlan", "Safety plan recorded"))

    for when, action, kind, summary in events:
        db.session.add(
            AuditEvent(
                action=action.value,
                actor_id=lead.id,
                case_id=case.id,
                object_type=kind,
                occurred_at=when,
                summary=summary,
            )
        )
    flags = refresh_flags(case)
    if timeline.keys() & {Phase.INTERVENTION.value, Phase.AFTERCARE.value}:
        blockers = risk.intervention_blockers(flags, has_safety_plan="plan" in story)
        if blockers:  # the demo must keep the practice's own rule
            raise RuntimeError(f"{case.loved_one_name}: {blockers[0]}")


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
