"""The data the benchmarks (and the tests that hold their statement counts) run on.

Plain functions over `db.session`, built straight from the models (no demo
practice, no services): a staff member, cases, and a case's history of
sessions, screenings and timeline events. Nothing here commits.
"""

from datetime import date, timedelta

import pyotp
from argon2 import PasswordHasher
from sqlalchemy import insert, select

from casework.audit.models import Action, AuditEvent
from casework.auth.models import User
from casework.auth.two_factor import enrol_with_known_secret
from casework.cases.models import Contact, FamilyCase
from casework.cases.service import reserve_references
from casework.domain import instruments
from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import utcnow

PASSWORD = "bench-password"
# Staff sign in with a second factor: the bench's staff accounts share an
# authenticator secret, made afresh for each run (bench._common.sign_in).
TOTP_SECRET = pyotp.random_base32()
# Still argon2id, at the lightest cost: signing in is not what is measured.
_LIGHT = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# What a heavy case holds (issue 8): every tab of it must cost no more
# statements than a fresh case's, and at most 1.3 x its time.
HEAVY = {"sessions": 500, "screenings": 60, "events": 600}


def staff(email: str = "bench@example.org", role: str = "interventionist") -> User:
    user = User(
        email=email,
        name=email.split("@")[0].title() + " Person",
        role=role,
        password_hash=_LIGHT.hash(PASSWORD),
    )
    if user.is_staff:
        enrol_with_known_secret(user, TOTP_SECRET)
    db.session.add(user)
    db.session.flush()
    return user


def new_case(lead: User, *, contacts: int = 2, phase: str = "assessment", **fields) -> FamilyCase:
    values = {
        "loved_one_name": "Jordan Example",
        "concerns": ["alcohol"],
        "urgency": "routine",
        "phase": phase,
        "status": "active",
    }
    values.update(fields)
    case = FamilyCase(
        reference=reserve_references(date.today().year)[0],
        interventionist_id=lead.id,
        **values,
    )
    db.session.add(case)
    for i in range(contacts):
        db.session.add(
            Contact(
                case=case,
                name=f"Relative {i + 1}",
                relationship_to_loved_one="Sister",
                phone="555-0100",
                email=f"relative{i + 1}@example.net",
                is_primary=i == 0,
            )
        )
    db.session.flush()
    return case


def add_sessions(case: FamilyCase, lead: User, count: int) -> None:
    """`count` sessions around today: two thirds past (held, some cancelled), a
    third still to come."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    past = count * 2 // 3
    rows = []
    for i in range(count):
        starts = now + timedelta(days=i - past, hours=10 - (i % 3))
        status = ("cancelled" if i % 7 == 0 else "held") if starts < now else "scheduled"
        rows.append(
            CaseSession(
                case_id=case.id,
                lead_id=lead.id,
                kind="follow_up",
                title=f"Follow-up {i + 1}",
                starts_at=starts,
                duration_minutes=60,
                place_kind="video",
                status=status,
                cancel_reason="Family unwell" if status == "cancelled" else None,
            )
        )
    db.session.add_all(rows)
    db.session.flush()


def add_screenings(case: FamilyCase, lead: User, count: int) -> None:
    """`count` screenings spread over the instruments, oldest first, a week apart."""
    from casework.assessment.models import Screening

    codes = ("AUDIT", "DAST-10", "PHQ-9", "GAD-7", "BARC-10", "AUDIT-C")
    today = date.today()
    for i in range(count):
        code = codes[i % len(codes)]
        instrument = instruments.INSTRUMENTS[code]
        # Answers that move up and down a little from one administration to the next.
        answers = {
            item.key: item.values[(i // len(codes) + n) % len(item.values)]
            for n, item in enumerate(instrument.items)
        }
        if code == "PHQ-9":
            answers["q9"] = 0
        sex = "female" if code == "AUDIT-C" else None
        result = instruments.score(code, answers, sex=sex)
        db.session.add(
            Screening(
                case_id=case.id,
                code=code,
                administered_on=today - timedelta(days=7 * (count - i)),
                respondent="loved_one",
                sex=sex,
                answers=answers,
                total=result.total,
                band=result.band,
                severity=result.severity,
                flags=list(result.flags),
                recorded_by_id=lead.id,
            )
        )
    db.session.flush()


def add_events(
    case: FamilyCase,
    actor: User,
    count: int,
    *,
    reads: int = 0,
    days_back: int = 60,
    session_ids: list[int] | None = None,
) -> None:
    """`count` timeline events on the case and `reads` page views among them,
    spread evenly over the last `days_back` days. With `session_ids`, every
    other timeline event is about one of those sessions, as a real case's are."""
    now = utcnow()
    total = count + reads
    step = timedelta(days=days_back) / max(total, 1)
    every = total / max(count, 1)  # one event on the timeline every `every` rows
    rows = []
    made = 0
    for i in range(total):
        on_timeline = made < count and i >= made * every
        made += on_timeline
        rows.append(
            {
                "occurred_at": now - timedelta(days=days_back) + step * i,
                "actor_id": actor.id,
                "action": (Action.UPDATE if made % 3 else Action.CREATE).value
                if on_timeline
                else Action.VIEW.value,
                "object_type": _event_object(case, made, session_ids)[0] if on_timeline else "page",
                "object_id": _event_object(case, made, session_ids)[1]
                if on_timeline
                else "cases.overview",
                "case_id": case.id,
                "summary": f"Step {made} of the work with the family" if on_timeline else None,
            }
        )
    for first in range(0, len(rows), 20_000):
        db.session.execute(insert(AuditEvent), rows[first : first + 20_000])


def _event_object(case: FamilyCase, n: int, session_ids: list[int] | None) -> tuple[str, str]:
    if session_ids and n % 2:
        return "CaseSession", str(session_ids[n % len(session_ids)])
    return "FamilyCase", str(case.id)


def heavy_history(case: FamilyCase, lead: User, sizes: dict | None = None) -> None:
    """500 sessions, 60 screenings and 600 timeline events (or `sizes`)."""
    sizes = {**HEAVY, **(sizes or {})}
    add_sessions(case, lead, sizes["sessions"])
    add_screenings(case, lead, sizes["screenings"])
    sessions = db.session.scalars(select(CaseSession.id).where(CaseSession.case_id == case.id))
    add_events(case, lead, sizes["events"], session_ids=list(sessions))


def other_case_audit_rows(lead: User, rows: int, cases: int = 300, chunk: int = 20_000) -> None:
    """`rows` audit events on `cases` other cases, all newer than anything
    `add_events` writes: the traffic of a busy practice since."""
    others = [new_case(lead, contacts=0, loved_one_name=f"Other {n}") for n in range(cases)]
    ids = [c.id for c in others]
    # Most of what a practice records is reads; a sixth are changes.
    actions = [Action.VIEW.value] * 4 + [Action.UPDATE.value, Action.PRINT.value]
    now = utcnow()
    start = now - timedelta(hours=1)
    for first in range(0, rows, chunk):
        db.session.execute(
            insert(AuditEvent),
            [
                {
                    # From an hour ago to now, after the measured case's story.
                    "occurred_at": start + timedelta(seconds=3600 * n / rows),
                    "actor_id": lead.id,
                    "action": actions[n % len(actions)],
                    "object_type": "page",
                    "object_id": "cases.overview",
                    "case_id": ids[n % len(ids)],
                    "summary": None,
                }
                for n in range(first, min(first + chunk, rows))
            ],
        )
