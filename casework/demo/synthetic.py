"""`seed-demo --cases N`: years of a practice's history in bulk, for benchmarks.

Most of a practice's cases are closed: about 97% here, each with the reason it
closed and the phase it closed from; the rest are today's caseloads. They are
spread over synthetic interventionists (one for every 500 cases, at least 10),
so the demo's named accounts keep their own caseloads.

The rows go straight in through SQLAlchemy Core, in chunks, so 100000 cases
take seconds: each case with its primary contact, the phase changes that
brought it where it is, and the audit events the services would have written
for them (the intake and each phase change). This is synthetic data: the
named practice goes through the services instead (see practice.py).
"""

import bisect
import itertools
import json
import math
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import func, select, text

from casework.audit.models import AuditEvent
from casework.auth.models import Role, User
from casework.cases.models import Contact, FamilyCase, PhaseChange, search_key, sort_ranks
from casework.cases.service import reserve_references
from casework.demo import builders, specs
from casework.domain.phases import CLOSING_REASONS, OPEN_PHASES, Phase
from casework.extensions import db
from casework.timeutil import frozen_clock, utcnow

SYNTHETIC_EMAIL = "synthetic.interventionist.{:03d}@example.org"
SYNTHETIC_NAME = "Synthetic Interventionist {:03d}"
INTAKE = "Case opened at intake"
PRONOUNS = ("he/him", "she/her", "she/her", "he/him", "they/them")


class Weighted:
    """A random choice by weight, from a {choice: weight} table."""

    def __init__(self, table: dict):
        self.choices = list(table)
        self.cumulative = list(itertools.accumulate(table.values()))

    def pick(self, random):
        """A choice, given a function like random.random."""
        x = random() * self.cumulative[-1]
        return self.choices[bisect.bisect_right(self.cumulative, x)]


def _synthetic_staff(count: int, password_hash: str, since: datetime) -> list[int]:
    """New synthetic interventionists, numbered on from any made before."""
    made = db.session.scalar(
        select(func.count()).select_from(User).where(User.email.like("synthetic.interventionist.%"))
    )
    ids = []
    with frozen_clock(since):
        for n in range(made + 1, made + count + 1):
            user = builders.build_user(
                Role.INTERVENTIONIST,
                email=SYNTHETIC_EMAIL.format(n),
                name=SYNTHETIC_NAME.format(n),
                password_hash=password_hash,
            )
            ids.append(user.id)
    return ids


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


# The columns each synthetic row fills, in the order of the row tuples.
CASE_COLUMNS = (
    "id",
    "reference",
    "loved_one_name",
    "search_key",
    "pronouns",
    "age",
    "concerns",
    "referral_source",
    "urgency",
    "phase",
    "phase_entered_at",
    "status",
    "closing_reason",
    "closed_from_phase",
    "interventionist_id",
    "risk_flags",
    "safety_alert",
    "phase_rank",
    "urgency_rank",
    "created_at",
    "updated_at",
    "version",
)
CONTACT_COLUMNS = (
    "case_id",
    "name",
    "relationship_to_loved_one",
    "phone",
    "preferred_method",
    "is_primary",
    "created_at",
    "version",
)
CHANGE_COLUMNS = (
    "id",
    "case_id",
    "from_phase",
    "to_phase",
    "kind",
    "reason",
    "closing_reason",
    "changed_by_id",
    "changed_at",
)
EVENT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "summary",
)


class _Writer:
    """Rows straight to the driver's executemany, past SQLAlchemy's per-value work.

    Plain tuples in column order; times are naive UTC with whole seconds, in
    the form the dialect stores them (SQLAlchemy's text form on SQLite).
    """

    def __init__(self):
        self.connection = db.session.connection()
        dialect = self.connection.dialect
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.text_times = dialect.name == "sqlite"

    @contextmanager
    def loading(self, tables: list) -> Iterator[None]:
        """On SQLite, load as a bulk loader would.

        The page cache (2 MB by default) is widened for this connection, and
        the tables' secondary indexes are dropped and built again afterwards
        from their own definitions: one sort each instead of a million
        scattered inserts. Unique constraints stay in place throughout, and
        it is all in the one transaction (SQLite's DDL is transactional).
        """
        if not self.text_times:
            yield
            return
        run = self.connection.exec_driver_sql
        before = run("PRAGMA cache_size").scalar()
        run(f"PRAGMA cache_size = {-256 * 1024:d}")  # in KiB
        names = ", ".join(f"'{table.name}'" for table in tables)
        indexes = run(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
            f"AND sql IS NOT NULL AND tbl_name IN ({names})"
        ).all()
        try:
            for name, _ in indexes:
                run(f'DROP INDEX "{name}"')
            yield
            for _, definition in indexes:
                run(definition)
        finally:
            run(f"PRAGMA cache_size = {int(before):d}")

    def time(self, value: datetime):
        return value.isoformat(" ") + ".000000" if self.text_times else value

    def insert(self, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Insert `rows`; columns left out that have a constant default get it."""
        if not rows:
            return
        for name in columns:  # only real columns, never text from elsewhere
            table.columns[name]  # noqa: B018  raises KeyError if not
        extra = {
            column.name: column.default.arg
            for column in table.columns
            if column.name not in columns
            and column.default is not None
            and column.default.is_scalar
        }
        if extra:
            columns = (*columns, *extra)
            constants = tuple(extra.values())
            rows = [row + constants for row in rows]
        marks = ", ".join([self.mark] * len(columns))
        statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        self.connection.exec_driver_sql(statement, rows)


def bulk_cases(count: int, chunk: int = 10_000, seed: int = 7) -> dict[str, int]:
    """Add `count` synthetic cases with their history; returns what was made.

    The synthetic interventionists sign in with the demo interventionist's password.
    """
    if count <= 0:
        return {"cases": 0, "closed": 0, "interventionists": 0}
    password_hash = db.session.scalar(
        select(User.password_hash).where(User.email == "interventionist@example.org")
    )
    if password_hash is None:
        raise RuntimeError("Seed the demo practice first: it provides the password.")
    data = specs.synthetic()
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    history = 365 * data["years"] * 86400  # seconds

    staff_count = max(data["min_staff"], math.ceil(count / data["cases_per_interventionist"]))
    leads = _synthetic_staff(staff_count, password_hash, now - timedelta(seconds=history + 86400))

    # When each case opened, oldest first: closed ones over the years, open ones lately.
    closed_count = round(count * data["closed_share"])
    ago = [(rng.randrange(45 * 86400, history), True) for _ in range(closed_count)]
    ago += [(rng.randrange(2 * 86400, 200 * 86400), False) for _ in range(count - closed_count)]
    ago.sort(reverse=True)
    openings = [(now - timedelta(seconds=s), closed) for s, closed in ago]
    # References by the year each case opened, in order.
    per_year = Counter(opened.year for opened, _ in openings)
    references = {year: iter(reserve_references(year, n)) for year, n in sorted(per_year.items())}
    db.session.flush()

    writer = _Writer()
    maker = _History(data, rng, now, leads, writer)
    case_id, change_id = _next_id(FamilyCase), _next_id(PhaseChange)
    tables = [FamilyCase.__table__, Contact.__table__, PhaseChange.__table__, AuditEvent.__table__]
    with writer.loading(tables):
        for offset in range(0, count, chunk):
            rows = maker.rows(openings[offset : offset + chunk], references, case_id, change_id)
            case_id += len(rows["cases"])
            change_id += len(rows["changes"])
            writer.insert(FamilyCase.__table__, CASE_COLUMNS, rows["cases"])
            writer.insert(Contact.__table__, CONTACT_COLUMNS, rows["contacts"])
            writer.insert(PhaseChange.__table__, CHANGE_COLUMNS, rows["changes"])
            writer.insert(AuditEvent.__table__, EVENT_COLUMNS, rows["events"])
    if db.engine.dialect.name == "postgresql":
        # Ids were given explicitly; move the sequences past them.
        for table in ("cases", "phase_changes"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    return {"cases": count, "closed": closed_count, "interventionists": staff_count}


class _History:
    """Rows for synthetic cases: the case, its contact, phase changes and audit events."""

    def __init__(self, data, rng: random.Random, now: datetime, leads: list[int], writer):
        self.data, self.rng, self.now, self.leads, self.time = data, rng, now, leads, writer.time
        self.open_phases = Weighted(data["open_phases"])
        self.closed_from = Weighted({p: v["weight"] for p, v in data["closed_from"].items()})
        self.reasons = {p: Weighted(v["reasons"]) for p, v in data["closed_from"].items()}
        self.urgency = Weighted(data["urgency"])
        self.concerns = [json.dumps([c]) for c in data["concerns"]] + [
            json.dumps(list(pair)) for pair in itertools.combinations(data["concerns"][:4], 2)
        ]
        # Turns for open and for closed cases, so every caseload gets its share of both.
        self.turns = {True: itertools.cycle(leads), False: itertools.cycle(leads)}
        self.moves = {  # (from, to, kind, the service's words) for each way a case can go
            (last.value, closed): self._moves(last, closed)
            for last in OPEN_PHASES
            for closed in (False, True)
        }
        self.ranks = {  # the stored ordering columns, in CASE_COLUMNS order
            (phase.value, urgency): tuple(
                sort_ranks(phase.value, urgency)[c]
                for c in ("safety_alert", "phase_rank", "urgency_rank")
            )
            for phase in Phase
            for urgency in data["urgency"]
        }

    @staticmethod
    def _moves(last: Phase, closed: bool) -> list[tuple]:
        visited = OPEN_PHASES[: OPEN_PHASES.index(last) + 1]
        moves = [
            (a.value, b.value, "forward", f"Moved from {a.label} to {b.label}")
            for a, b in itertools.pairwise(visited)
        ]
        if closed:
            moves.append((last.value, "closed", "close", f"Closed from {last.label}"))
        return moves

    def rows(self, openings, references, first_case_id: int, first_change_id: int) -> dict:
        data, time, now = self.data, self.time, self.now
        random = self.rng.random

        def any_of(items):  # random.choice, without its overhead (a million calls)
            return items[int(random() * len(items))]

        first_names, last_names = data["first_names"], data["last_names"]
        cases, contacts, changes, events = [], [], [], []
        change_id = first_change_id
        for n, (opened, closed) in enumerate(openings):
            case_id = first_case_id + n
            lead = next(self.turns[closed])
            if closed:
                last = self.closed_from.pick(random)
                reason = self.reasons[last].pick(random)
                note = any_of(data["other_reasons"]) if reason == "other" else None
            else:
                last, reason, note = self.open_phases.pick(random), None, None
            moves = self.moves[(last, closed)]
            # Days in each phase (4 to 45), fitting between the opening and today.
            room = (now - opened).total_seconds() * (0.5 + 0.45 * random())
            stays = [(4 + 41 * random()) * 86400 for _ in moves]
            if sum(stays) > room:
                stays = [s * room / sum(stays) for s in stays]
            opened_at = time(opened)
            events.append((opened_at, lead, "create", "FamilyCase", str(case_id), case_id, INTAKE))
            when = opened
            for (src, dst, kind, words), stay in zip(moves, stays, strict=True):
                when += timedelta(seconds=int(stay))
                at = time(when)
                if kind == "close":
                    words = f"{words} ({CLOSING_REASONS[reason]})" + (f": {note}" if note else "")
                    changes.append((change_id, case_id, src, dst, kind, note, reason, lead, at))
                else:
                    changes.append((change_id, case_id, src, dst, kind, None, None, lead, at))
                events.append(
                    (at, lead, "phase_change", "PhaseChange", str(change_id), case_id, words)
                )
                change_id += 1
            phase = "closed" if closed else last
            urgency = self.urgency.pick(random)
            surname = any_of(last_names)
            entered = time(when)
            name = f"{any_of(first_names)} {surname}"
            reference = next(references[opened.year])
            cases.append(
                (
                    case_id,
                    reference,
                    name,
                    search_key(name, None, reference),
                    any_of(PRONOUNS),
                    16 + int(random() * 63),
                    any_of(self.concerns),
                    any_of(data["referral_sources"]),
                    urgency,
                    phase,
                    entered,
                    "closed" if closed else "active",
                    reason,
                    last if closed else None,
                    lead,
                    "[]",
                    *self.ranks[(phase, urgency)],
                    opened_at,
                    entered,
                    1 + len(moves),
                )
            )
            contacts.append(
                (
                    case_id,
                    f"{any_of(first_names)} {surname}",
                    any_of(data["relationships"]),
                    f"(555) 3{case_id % 100:02d}-{case_id % 10000:04d}",
                    "phone",
                    True,
                    opened_at,
                    1,
                )
            )
        return {"cases": cases, "contacts": contacts, "changes": changes, "events": events}
