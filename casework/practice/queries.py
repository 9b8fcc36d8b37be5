"""Reads for the practice page. Each is one statement (two for the stalled
cases), whatever the size of the practice; the page's other lists come from
the areas' own queries (notes to co-sign, follow-ups due)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select, true

from casework.auth.models import Role, User
from casework.cases.models import STATUSES, Contact, FamilyCase
from casework.domain import practice as rules
from casework.domain.phases import OPEN_PHASES
from casework.extensions import db
from casework.scheduling.models import CaseSession
from casework.timeutil import local_to_utc, local_today, utcnow

LIMIT = 50  # each list shows at most this many; the oldest or soonest first

# Open cases, written as lists of values so that the indexes leading with
# status (ix_cases_status_phase, the queues) answer them: at a practice with
# years of history nearly every case is closed.
OPEN = (
    FamilyCase.status.in_([status for status in STATUSES if status != "closed"]),
    FamilyCase.phase.in_([phase.value for phase in OPEN_PHASES]),
)


def _primary_contact_name():
    """The case's primary contact as FamilyCase.primary_contact chooses it:
    the first active contact marked primary, else the first active one."""
    return (
        select(Contact.name)
        .where(Contact.case_id == FamilyCase.id, Contact.archived_at.is_(None))
        .order_by(Contact.is_primary.desc(), Contact.id)
        .limit(1)
        .correlate(FamilyCase)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class Family:
    """How a list names a case: its reference, loved one, primary contact and lead."""

    reference: str
    loved_one_name: str
    primary_contact: str | None
    lead: str


def families(references) -> dict[str, Family]:
    """The families behind these references (one statement)."""
    wanted = sorted(set(references))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(
            FamilyCase.reference,
            FamilyCase.loved_one_name,
            _primary_contact_name(),
            User.name,
        )
        .join(User, User.id == FamilyCase.interventionist_id)
        .where(FamilyCase.reference.in_(wanted))
    )
    return {r[0]: Family(*r) for r in rows}


@dataclass(frozen=True)
class SafetyCase:
    reference: str
    risk_flags: list  # what safety_step_text reads


def safety_without_plan() -> list[SafetyCase]:
    """Open cases with an open safety flag and no plan or review since: the
    alert the assessment area keeps on the case."""
    rows = db.session.execute(
        select(FamilyCase.reference, FamilyCase.risk_flags)
        .where(FamilyCase.safety_alert == true(), *OPEN)
        .order_by(FamilyCase.urgency_rank, FamilyCase.phase_entered_at, FamilyCase.id)
        .limit(LIMIT)
    )
    return [SafetyCase(r.reference, r.risk_flags or []) for r in rows]


@dataclass(frozen=True)
class Caseload:
    name: str
    phases: dict[str, int]  # open phase -> cases led

    @property
    def total(self) -> int:
        return sum(self.phases.values())


def caseloads() -> list[Caseload]:
    """Open cases each interventionist leads, by phase (one GROUP BY). Every
    active interventionist appears, with none; anyone else leading a case too."""
    rows = db.session.execute(
        select(User.id, User.name, FamilyCase.phase, func.count(FamilyCase.id))
        .outerjoin(FamilyCase, and_(FamilyCase.interventionist_id == User.id, *OPEN))
        .where(
            or_(
                and_(User.role == Role.INTERVENTIONIST.value, User.active.is_(True)),
                FamilyCase.id.is_not(None),
            )
        )
        .group_by(User.id, User.name, FamilyCase.phase)
        .order_by(User.name, User.id)
    )
    people: dict[int, tuple[str, list]] = {}
    for user_id, name, phase, count in rows:
        people.setdefault(user_id, (name, []))
        if phase is not None:
            people[user_id][1].append((phase, count))
    return [Caseload(name, rules.phase_mix(counts)) for name, counts in people.values()]


@dataclass(frozen=True)
class WeekSession:
    starts_at: datetime
    kind: str
    title: str
    status: str
    reference: str
    lead: str


def week_days() -> tuple[date, date]:
    """This week in the practice's time zone: its Monday and its Sunday."""
    monday = local_today() - timedelta(days=local_today().weekday())
    return monday, monday + timedelta(days=6)


def week_bounds() -> tuple[datetime, datetime]:
    """This week, Monday to Monday in the practice's time zone, as UTC."""
    monday, sunday = week_days()
    return local_to_utc(monday, time(0)), local_to_utc(sunday + timedelta(days=1), time(0))


def sessions_this_week(limit: int = 200) -> list[WeekSession]:
    """Every session of the practice this week but the cancelled, by time."""
    start, end = week_bounds()
    rows = db.session.execute(
        select(
            CaseSession.starts_at,
            CaseSession.kind,
            CaseSession.title,
            CaseSession.status,
            FamilyCase.reference,
            User.name,
        )
        .join(FamilyCase, FamilyCase.id == CaseSession.case_id)
        .join(User, User.id == CaseSession.lead_id)
        .where(
            CaseSession.starts_at >= start,
            CaseSession.starts_at < end,
            CaseSession.status != "cancelled",
        )
        .order_by(CaseSession.starts_at, CaseSession.id)
        .limit(limit)
    )
    return [WeekSession(*r) for r in rows]


def _median_days(now: datetime) -> dict[str, float]:
    """The median days in phase of the open cases in each phase (one statement).
    PostgreSQL takes the median itself; elsewhere one narrow column comes back."""
    if db.session.get_bind().dialect.name == "postgresql":
        entered = func.extract("epoch", FamilyCase.phase_entered_at)
        rows = db.session.execute(
            select(FamilyCase.phase, func.percentile_cont(0.5).within_group(entered))
            .where(*OPEN)
            .group_by(FamilyCase.phase)
        )
        # Days in phase fall as the entry time rises: the median entry is the median.
        epoch = datetime(1970, 1, 1)
        now_seconds = (now - epoch).total_seconds()
        return {phase: (now_seconds - float(median)) / 86400 for phase, median in rows}
    rows = db.session.execute(select(FamilyCase.phase, FamilyCase.phase_entered_at).where(*OPEN))
    return rules.phase_medians(
        (phase, (now - entered).total_seconds() / 86400) for phase, entered in rows
    )


@dataclass(frozen=True)
class StalledCase:
    reference: str
    phase: str
    days: int
    median_days: float


def stalled(now: datetime | None = None) -> list[StalledCase]:
    """Open cases in their phase past the stall rule's threshold, longest first
    (two statements: the medians, then the cases)."""
    now = now or utcnow()
    medians = _median_days(now)
    if not medians:
        return []
    past = [
        and_(
            FamilyCase.phase == phase,
            FamilyCase.phase_entered_at < now - timedelta(days=rules.stall_threshold(median)),
        )
        for phase, median in medians.items()
    ]
    rows = db.session.execute(
        select(FamilyCase.reference, FamilyCase.phase, FamilyCase.phase_entered_at)
        .where(*OPEN, or_(*past))
        .order_by(FamilyCase.phase_entered_at, FamilyCase.id)
        .limit(LIMIT)
    )
    return [
        StalledCase(r.reference, r.phase, (now - r.phase_entered_at).days, medians[r.phase])
        for r in rows
    ]
