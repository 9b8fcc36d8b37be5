"""The named demo practice, replayed through the services.

Each case in the data files becomes a list of dated steps (intake, sessions
booked and held, assessment, screenings, safety plan, phase changes, portal
invitations, reading, packets). The steps of every case are sorted into one
timeline and run in order, each inside `builders.at(when, actor)`: the
services write the records and their audit events, dated and signed as if
the practice had lived through it.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from casework.aftercare import service as aftercare
from casework.aftercare.models import CheckIn, MemberCheckIn
from casework.assessment import service as assessment_service
from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.models import User
from casework.cases import service as cases_service
from casework.consent import kinds as consent_kinds
from casework.consent import service as consent_service
from casework.demo import builders, specs
from casework.domain.consent import Kind
from casework.domain.intervention import DEFAULT_REHEARSAL
from casework.domain.phases import OPEN_PHASES, Phase
from casework.education import library
from casework.education import service as education
from casework.education.models import Assignment
from casework.extensions import db
from casework.intervention import service as intervention
from casework.notes import service as notes_service
from casework.timeutil import local_to_utc, local_today, to_local, utcnow

DAY = timedelta(days=1)
# Where each session's place kind points.
PLACE_KINDS = {"office": "in_person", "phone": "phone", "video": "video"}
# Session start times in the practice's zone, tried in this order.
SESSION_HOURS = (time(10), time(13), time(15, 30), time(18))


def has_accounts() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User)))


def seed_practice(password: str) -> int:
    """The named practice; returns how many cases it added (0 if present)."""
    if db.session.scalar(select(User).where(User.email == "interventionist@example.org")):
        return 0
    replay = Replay(utcnow().replace(second=0, microsecond=0), password)
    with builders.one_hash_per_password():
        replay.staff_and_library()
        cases = specs.cases()
        for index, spec in enumerate(cases):
            CaseStory(replay, index, spec).plan()
        replay.run()
    return len(cases)


@dataclass
class Step:
    when: datetime
    order: int
    actor: User | Callable[[], User] | None
    do: Callable[[], object]


@dataclass
class Replay:
    """The practice's timeline: steps from every case, run in time order."""

    now: datetime
    password: str
    steps: list[Step] = field(default_factory=list)
    staff: dict[str, User] = field(default_factory=dict)
    # Each interventionist's planned sessions, so no two overlap.
    calendars: dict[str, list[tuple[datetime, datetime]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _modules: dict[str, object] = field(default_factory=dict)

    def add(self, when: datetime, actor, do: Callable[[], object]) -> None:
        if when >= self.now:
            raise ValueError(f"A step of the demo's history is not in the past: {when}")
        self.steps.append(Step(when, len(self.steps), actor, do))

    def run(self) -> None:
        for step in sorted(self.steps, key=lambda s: (s.when, s.order)):
            actor = step.actor() if callable(step.actor) else step.actor
            with builders.at(step.when, actor):
                step.do()

    def modules(self, slugs: list[str]) -> list:
        """The library modules by slug (looked up once)."""
        missing = [s for s in slugs if s not in self._modules]
        if missing:
            self._modules.update(zip(missing, builders.modules_by_slug(missing), strict=True))
        return [self._modules[s] for s in slugs]

    def staff_and_library(self) -> None:
        """The accounts and the shipped library, on the day the practice opened."""
        data = specs.practice()
        founded = self.working(self.now - DAY * data["founded_days_ago"], 0.0)
        first, *others = data["staff"]
        with builders.at(founded):
            library.sync()
            self.staff[first["email"]] = builders.build_staff(first, self.password)
        admin = self.staff[first["email"]]
        for n, spec in enumerate(others, 1):
            with builders.at(founded + timedelta(minutes=20 * n), admin):
                self.staff[spec["email"]] = builders.build_staff(spec, self.password)
        supervisor = self.staff["supervisor@example.org"]
        with builders.at(founded + timedelta(hours=3), supervisor):
            for email in specs.notes()["cosigned"]:
                notes_service.set_supervision(self.staff[email], "cosign")
        with builders.at(founded + 5 * DAY, supervisor):
            for kind in data.get("consent_kind", ()):
                consent_kinds.add_kind(kind["label"], kind["purpose"], kind["scopes"], supervisor)

    # ---- time ------------------------------------------------------------------------

    def local(self, moment: datetime, at: time) -> datetime:
        """The practice-local day of `moment`, at the wall-clock time `at`, as UTC."""
        return local_to_utc(to_local(moment).date(), at)

    def working(self, moment: datetime, offset_minutes: float | None = None) -> datetime:
        """`moment` moved into the working day (9:00 to 18:00 local), keeping its order.

        The day's 24 hours map onto the working day; `offset_minutes` sets the
        minute after 9:00 instead.
        """
        local = to_local(moment)
        if offset_minutes is None:
            offset_minutes = (local.hour * 60 + local.minute) / (24 * 60) * (9 * 60)
        start = local_to_utc(local.date(), time(9))
        return (start + timedelta(minutes=offset_minutes)).replace(second=0, microsecond=0)

    def slot(self, lead: str, around: datetime, minutes: int, weekends: bool = False) -> datetime:
        """A session start on the day of `around` (or the next days) free in the lead's diary.

        Sessions fall on weekdays, unless `weekends` (the day of an intervention
        is whenever the family can gather)."""
        day = around
        for _ in range(30):
            if to_local(day).weekday() >= 5 and not weekends:
                day += DAY
                continue
            for hour in SESSION_HOURS:
                start = self.local(day, hour)
                end = start + timedelta(minutes=minutes)
                if all(end <= s or start >= e for s, e in self.calendars[lead]):
                    self.calendars[lead].append((start, end))
                    return start
            day += DAY
        raise RuntimeError(f"No free time for {lead} after {around}")


class CaseStory:
    """One case's history as dated steps."""

    def __init__(self, replay: Replay, index: int, spec: dict):
        self.replay, self.index, self.spec = replay, index, spec
        self.practice = specs.practice()
        self.now = replay.now
        self.lead_email = spec["interventionist"]
        self.lead = replay.staff[self.lead_email]
        self.co = replay.staff.get(spec.get("co_interventionist", ""))
        self.phase = Phase(spec["phase"])
        self.closed = self.phase is Phase.CLOSED
        # The open phase the case is in, or closed from.
        self.reached = Phase(spec["closed_from"]) if self.closed else self.phase
        self.case = None  # set when the intake step runs
        self.sessions: dict[str, object] = {}
        # (session key, kind, when it was marked held), in the order held.
        self.held: list[tuple[str, str, datetime]] = []
        self.contact_notes: dict[str, object] = {}
        self.tokens: dict[str, str] = {}
        self.accounts: dict[str, User] = {}
        # The intervention: its story in the data, the day's session (key, start,
        # when it was booked), the team by name, the placements by facility, and
        # when the day's outcome was recorded (which moves the case to support).
        self.story: dict | None = spec.get("intervention")
        self.day: tuple[str, datetime, datetime] | None = None
        self.members: dict[str, object] = {}
        self.placements: dict[str, object] = {}
        self.outcome_at: datetime | None = None
        # The notes the follow-up check-ins started, to sign, by their place in the story.
        self.check_in_notes: dict[int, object] = {}
        # The consents drafted, by their place in the case's list.
        self.consents: dict[int, object] = {}
        self.opened = replay.working(
            self.now - DAY * spec["opened_days_ago"], offset_minutes=(index * 37) % 420
        )
        self.entered = self._timeline()

    # ---- the timeline -------------------------------------------------------------

    def _timeline(self) -> dict[Phase, datetime]:
        """When the case entered each phase it has been in (evenly spread; a case
        with an intervention outcome enters support when it is recorded, see
        `_sessions`)."""
        path = builders.path_to(self.phase, self.spec.get("closed_from"))
        span = (self.now - self.opened) / (len(path) + 1)
        entered = {Phase.SCHEDULING: self.opened}
        for k, phase in enumerate(path, 1):
            entered[phase] = self.replay.working(self.opened + span * k, offset_minutes=450)
        return entered

    def window(self, phase: Phase) -> tuple[datetime, datetime]:
        start = self.entered[phase]
        later = [t for p, t in self.entered.items() if t > start]
        return start, min(later) if later else self.now

    def when(self, phase: Phase | str, fraction: float) -> datetime:
        """A working moment `fraction` of the way through the case's time in `phase`."""
        start, end = self.window(Phase(phase))
        return self.replay.working(start + (end - start) * fraction)

    def visited(self) -> list[Phase]:
        return [p for p in OPEN_PHASES if p in self.entered]

    def contact(self, name: str):
        return next(c for c in self.case.contacts if c.name == name)

    def step(self, when: datetime, do: Callable[[], object], actor=None) -> None:
        self.replay.add(when, actor if actor is not None else self.lead, do)

    # ---- the story ----------------------------------------------------------------

    def plan(self) -> None:
        self.step(self.opened, self._intake)
        if self.co is not None:
            supervisor = self.replay.staff["supervisor@example.org"]
            self.step(self.opened + DAY, self._add_co_lead, actor=supervisor)
        self._sessions()
        self._assessment()
        self._moves()
        self._portal()
        self._consents()
        self._reading()
        self._intervention()
        self._aftercare()
        self._notes()

    def _intake(self) -> None:
        self.case = builders.open_case(self.lead, self.spec)

    def _add_co_lead(self) -> None:
        cases_service.reassign(
            self.case, self.lead, self.co, "A large family team: two interventionists share it"
        )

    def _moves(self) -> None:
        closing = self.spec.get("closing_reason")
        for phase in builders.path_to(self.phase, self.spec.get("closed_from")):
            if phase is Phase.AFTERCARE and self.outcome_at is not None:
                continue  # recording the day's outcome moves the case to support

            def move(phase=phase):
                builders.move_case(
                    self.case,
                    self.lead,
                    phase,
                    closing_reason=closing if phase is Phase.CLOSED else None,
                    reason=self.spec.get("closing_note", "") if phase is Phase.CLOSED else "",
                )

            self.step(self.entered[phase], move)

    # ---- sessions -------------------------------------------------------------------

    def _sessions(self) -> None:
        plan = self.practice["sessions"]
        for phase in self.visited():
            for n, item in enumerate(plan.get(phase.value, [])):
                if phase is self.phase and item["kind"] == "intervention":
                    continue  # the day itself is still ahead
                around = self.when(phase, item["at"])
                start = self.replay.slot(self.lead_email, around, item["minutes"])
                booked = max(self.opened + timedelta(minutes=30), start - 6 * DAY)
                key = f"{phase.value}-{n}"
                self.step(booked, lambda k=key, i=item, s=start: self._book(k, i, s))
                held = start + timedelta(minutes=item["minutes"] + 45)
                self.step(held, lambda key=key: builders.mark_held(self.sessions[key]))
                self.held.append((key, item["kind"], held))
                if item["kind"] == "intervention":
                    self.day = (key, start, booked)
                    if self.story and "outcome" in self.story:
                        self._enter_support(held + timedelta(minutes=15))
        if self.closed or self.spec.get("booked_ahead", True) is False:
            return
        kind = self.practice["next_session"][self.phase.value]
        booked = self.replay.working(self.now - DAY * (1 + self.index % 3))
        if kind == "intervention":  # the day itself, three hours at the office
            days = (self.story or {}).get("day_after_days", 1 + self.index % 9)
            start = self.replay.slot(self.lead_email, self.now + DAY * days, 180, weekends=True)
            item = {"kind": kind, "minutes": 180, "place": "office"}
            self.day = ("next", start, booked)
        else:
            start = self.replay.slot(self.lead_email, self.now + DAY * (1 + self.index % 9), 90)
            item = {"kind": kind, "minutes": 90, "place": "video"}
        self.step(booked, lambda: self._book("next", item, start, everyone=True))

    def _enter_support(self, when: datetime) -> None:
        """The case enters support when the day's outcome is recorded, not on the
        evenly spread date: later phases' steps are planned from this one."""
        later = [t for p, t in self.entered.items() if p is Phase.CLOSED]
        if when >= min([self.now, *later]):
            raise ValueError(f"{self.spec['loved_one_name']}: the day's outcome comes too late")
        self.entered[Phase.AFTERCARE] = when
        self.outcome_at = when

    def _book(self, key: str, item: dict, start: datetime, everyone: bool = False) -> None:
        place = PLACE_KINDS[item["place"]]
        contacts = self.case.active_contacts
        self.sessions[key] = builders.book_session(
            self.case,
            self.lead,
            kind=item["kind"],
            starts_at=start,
            minutes=item["minutes"],
            place_kind=place,
            place=self.practice["places"].get(item["place"]),
            contacts=contacts if everyone else contacts[:2],
            staff=[self.co] if self.co else [],
        )

    # ---- assessment -----------------------------------------------------------------

    def _assessment(self) -> None:
        story = self.spec.get("assessment")
        if story is None or Phase.ASSESSMENT not in self.entered:
            return
        moved_on = any(p not in (Phase.SCHEDULING, Phase.ASSESSMENT) for p in self.entered)

        def draft():
            assessment_service.save_draft(self.case, self.lead, builders.assessment_data(story))

        self.step(self.when(Phase.ASSESSMENT, 0.45), draft)  # after the interview
        if moved_on:
            self.step(self.when(Phase.ASSESSMENT, 0.9), self._complete)
        for screening in self.spec.get("screening", ()):
            self.step(
                self.when(screening["phase"], screening["at"]),
                lambda s=screening: builders.give_screening(
                    self.case,
                    self.lead,
                    s["code"],
                    s["total"],
                    reporter=self.contact(s["reporter"]) if s.get("reporter") else None,
                    fixed=s.get("fixed"),
                ),
            )
        if plan := self.spec.get("safety_plan"):
            self.step(
                self.when(Phase.ASSESSMENT, 0.7),
                lambda: assessment_service.record_safety_plan(self.case, self.lead, dict(plan)),
            )
        if revision := self.spec.get("revision"):
            at = self.when(revision["phase"], revision["at"])

            def revise():
                assessment_service.revise(self.case, self.lead, revision["reason"])
                db.session.flush()
                current = assessment_service.current(self.case)
                data = builders.assessment_data(revision["changes"], base=current.data)
                assessment_service.save_draft(self.case, self.lead, data)

            self.step(at, revise)
            self.step(at + timedelta(minutes=25), self._complete)

    def _complete(self) -> None:
        assessment_service.complete(self.case, self.lead, assessment_service.current(self.case))

    # ---- the family portal and reading ----------------------------------------------

    def _portal(self) -> None:
        invited_in = Phase.EDUCATION if Phase.EDUCATION in self.entered else self.reached
        invited = self.entered[invited_in] + timedelta(hours=1)
        for spec in self.spec.get("contact", ()):
            if not spec.get("portal"):
                continue
            name = spec["name"]
            self.step(invited, lambda name=name: self._invite(name))
            # The family member follows the link that evening.
            accepted = self.replay.local(invited, time(20, 15))
            self.step(
                accepted,
                lambda name=name: self.accounts.__setitem__(
                    name, builders.accept_portal_invite(self.tokens[name], self.replay.password)
                ),
                actor=None,
            )

    def _invite(self, name: str) -> None:
        self.tokens[name] = builders.invite_to_portal(self.case, self.lead, self.contact(name))

    def _recipients(self) -> list[str]:
        contacts = self.spec.get("contact", ())
        portal = [c["name"] for c in contacts if c.get("portal")]
        return portal or [c["name"] for c in contacts[:2]]

    def _reading(self) -> None:
        if Phase.EDUCATION not in self.entered:
            return
        reading = self.practice["reading"]
        order = reading["order"]
        still_reading = self.phase is Phase.EDUCATION
        readers = [c["name"] for c in self.spec.get("contact", ()) if c.get("portal")]
        accepted = self.replay.local(self.entered[Phase.EDUCATION], time(20, 15))
        given, first = 0, True
        for batch in reading["batch"]:
            phase = Phase(batch["phase"])
            if phase not in self.entered:
                continue
            slugs = order[given : given + batch["modules"]]
            given += len(slugs)
            assigned = self.when(phase, batch["at"])
            due_days = batch.get("due_after_days")
            self.step(assigned, lambda slugs=slugs, d=due_days: self._assign(slugs, d))
            if still_reading and not first:
                continue
            for reader in readers:
                for j, slug in enumerate(slugs):
                    day = max(assigned, accepted) + DAY * (j + 1)
                    opened = self.replay.local(day, time(20, 30))
                    if opened >= self.now:
                        continue
                    who = self._account(reader)
                    self.step(opened, self._reads(reader, slug, "open"), actor=who)
                    if still_reading and j == 1:
                        continue  # opened, not finished: overdue once the due day passes
                    finished = opened + timedelta(minutes=35)
                    self.step(finished, self._reads(reader, slug, "finish"), actor=who)
            first = False
        if still_reading:  # a printed packet of what they have been given so far
            self.step(self.when(Phase.EDUCATION, 0.6), lambda: self._packet("packet"))
        elif self.phase is Phase.INTERVENTION:  # and one to get ready for the day
            self.step(
                self.when(Phase.INTERVENTION, 0.3), lambda: self._packet("intervention_packet")
            )

    # ---- consent ----------------------------------------------------------------------

    def _consents(self) -> None:
        """The loved one's consents (specs.py, `[[case.consent]]`): drafted,
        printed and signed on paper, the scan received the same day; some
        revoked or ended by their event later."""
        given = self.spec.get("consent")
        if given is None:
            portal = [c for c in self.spec.get("contact", ()) if c.get("portal")]
            given = [{"kind": Kind.FAMILY_INVOLVEMENT.value}] if portal else []
        for n, entry in enumerate(given):
            if "phase" in entry:
                drafted = self.when(entry["phase"], entry["at"])
            else:  # before the family is invited to the portal (see `_portal`)
                invited_in = Phase.EDUCATION if Phase.EDUCATION in self.entered else self.reached
                drafted = self.entered[invited_in] + timedelta(minutes=10 + n)
            self.step(drafted, lambda e=entry, n=n: self._draft_consent(e, n))
            if entry.get("signed", True):
                signed = drafted + timedelta(minutes=25)
                self.step(signed, lambda n=n: self._sign_consent(n))
            if revoked := entry.get("revoked"):
                at = self.when(revoked["phase"], revoked["at"])
                self.step(at, lambda n=n, note=revoked["note"]: self._revoke_consent(n, note))
            if event := entry.get("event"):
                self.step(self.when(event["phase"], event["at"]), lambda n=n: self._consent_ends(n))

    def _draft_consent(self, entry: dict, n: int) -> None:
        code = entry["kind"]
        kind = consent_kinds.find(code) or next(
            k for k in consent_kinds.available() if k.label == code
        )
        # The family named (every contact unless given), or else a class such as a provider.
        names = entry.get("recipients")
        if names is not None:
            recipients = [self.contact(name) for name in names]
        else:
            recipients = [] if entry.get("recipient_class") else self.case.active_contacts
        draft = consent_service.draft_from_kind(kind, recipients=recipients)
        for name in ("recipient_class", "purpose", "information"):
            if name in entry:
                setattr(draft, name, entry[name])
        if "scopes" in entry:
            draft.scopes = list(entry["scopes"])
        if days := entry.get("expires_after_days"):
            draft.expires_on = local_today() + DAY * days
        self.consents[n] = consent_service.create(self.case, draft, self.lead)

    def _sign_consent(self, n: int) -> None:
        today = local_today()
        consent_service.record_paper_signature(
            self.case,
            self.consents[n],
            signed_name=self.case.loved_one_name,
            signed_on=today,
            received_on=today,
            by=self.lead,
        )

    def _revoke_consent(self, n: int, note: str) -> None:
        consent_service.revoke(self.case, self.consents[n], note=note, by=self.lead)

    def _consent_ends(self, n: int) -> None:
        consent_service.record_expiry_event(
            self.case, self.consents[n], occurred_on=local_today(), by=self.lead
        )

    def _account(self, name: str) -> Callable[[], User]:
        return lambda: self.accounts[name]

    def _assign(self, slugs: list[str], due_days: int | None) -> None:
        due_on = local_today() + DAY * due_days if due_days else None
        contacts = [self.contact(name) for name in self._recipients()]
        modules = self.replay.modules(slugs)
        education.assign(self.case, self.lead, modules, contacts, due_on=due_on, note=None)

    def _reads(self, reader: str, slug: str, what: str) -> Callable[[], None]:
        def do():
            contact = self.contact(reader)
            (module,) = self.replay.modules([slug])
            assignment = db.session.scalar(
                select(Assignment).where(
                    Assignment.contact_id == contact.id, Assignment.module_id == module.id
                )
            )
            if what == "open":
                education.mark_opened(assignment)
            else:
                education.mark_finished(assignment)

        return do

    def _packet(self, which: str) -> None:
        given = education.assignments_for(self.case)
        versions, seen = [], set()
        for assignment in given:
            if assignment.module_id not in seen:
                seen.add(assignment.module_id)
                versions.append(assignment.module_version)
        family = self.contact(self._recipients()[0])
        packet = self.practice[which]
        made = education.create_packet(
            self.case,
            self.lead,
            title=packet["title"],
            family_name=family.name.split()[-1],
            cover_letter=packet["letter"].format(first_name=family.name.split()[0]),
            versions=versions,
            include_schedule=True,
            include_contacts=True,
        )
        education.share_packet(self.case, made)

    # ---- the intervention -----------------------------------------------------------

    def _intervention(self) -> None:
        """The plan (and its ARISE levels), the team, each member's letter, bottom
        line and commitments, the treatment lined up, the rehearsal ticked, the
        day's session set; past the day, the outcome (which moves the case to
        support) in a note the lead signs (see `_notes`). Times are fractions
        of the case's time in the intervention phase."""
        story = self.story
        if story is None or Phase.INTERVENTION not in self.entered:
            return

        def at(fraction: float) -> datetime:
            return self.when(Phase.INTERVENTION, fraction)

        levels = story.get("arise", [{}])
        self.step(at(0.05), lambda: self._plan(story, levels[0]))
        for level in levels[1:]:
            self.step(at(level["at"]), lambda level=level: self._save_plan(level=level))
        for n, member in enumerate(story["member"]):
            self.step(at(0.08) + timedelta(minutes=4 * n), lambda m=member: self._member(m))
            self._letter(member, at)
            if "bottom_line" in member or "stop" in member:
                self.step(
                    at(0.45) + timedelta(minutes=4 * n),
                    lambda m=member: self._bottom_line(m),
                    actor=self._writer(member),
                )
        if self.day is None:
            raise ValueError(f"{self.spec['loved_one_name']}: no day booked for the intervention")
        key, day_at, booked = self.day
        for n, spec in enumerate(story.get("placement", ())):
            self.step(
                at(0.12) + timedelta(minutes=10 * n),
                lambda p=spec: self._placement(p, day_at),
            )
            if spec.get("verified_by"):
                self.step(at(0.5) + timedelta(minutes=n), lambda p=spec: self._verify(p))
            if spec.get("chosen"):
                self.step(at(0.5) + timedelta(minutes=5), lambda p=spec: self._choose(p))
        self._rehearsal(story)
        self.step(booked + timedelta(minutes=10), lambda: self._save_plan(session_key=key))
        if self.outcome_at is not None:
            outcome = story["outcome"]
            self.step(self.outcome_at, lambda: self._outcome(outcome, day_at))

    def _writer(self, member: dict):
        """Who writes a member's letter and bottom line: the member in the portal,
        or the lead with them."""
        name = member.get("contact")
        portal = {c["name"] for c in self.spec.get("contact", ()) if c.get("portal")}
        return self._account(name) if name in portal else self.lead

    def _plan(self, story: dict, level: dict) -> None:
        plan = intervention.ensure_plan(self.case)
        data = intervention.PlanData(
            approach=story["approach"],
            approach_other=story.get("approach_other"),
            arise_level=level.get("level"),
            level_reason=level.get("reason"),
            session_id=None,
            chair_user_id=self.lead.id if story.get("chair") == "lead" else None,
        )
        intervention.save_plan(self.case, plan, data, self.lead)

    def _save_plan(self, level: dict | None = None, session_key: str | None = None) -> None:
        """The plan again, at a new ARISE level (with its reason) or with its day set."""
        plan = intervention.plan_for(self.case)
        data = intervention.PlanData(
            approach=plan.approach,
            approach_other=plan.approach_other,
            arise_level=level["level"] if level else plan.arise_level,
            level_reason=level["reason"] if level else None,
            session_id=self.sessions[session_key].id if session_key else plan.session_id,
            chair_user_id=plan.chair_user_id,
        )
        intervention.save_plan(self.case, plan, data, self.lead)

    def _member(self, spec: dict) -> None:
        contact = self.contact(spec["contact"]) if spec.get("contact") else None
        data = intervention.MemberData(
            contact=contact,
            name=spec.get("name", ""),
            relationship=spec.get("relationship", ""),
            role=spec.get("role", "speaker"),
            reading_order=spec.get("reading"),
            seat=spec.get("seat"),
            attends_rehearsal=spec.get("rehearsal", True),
            attends_day=spec.get("day", True),
            staff_notes=spec.get("staff_notes"),
        )
        member = intervention.save_member(self.case, None, data)
        self.members[member.name] = member

    def _letter(self, spec: dict, at: Callable[[float], datetime]) -> None:
        """The letter through its states: written, shared, returned with a
        comment (and rewritten, shared again), made final, reopened."""
        state = spec.get("letter")
        if state is None:
            return
        name = spec.get("contact") or spec["name"]
        writer = self._writer(spec)
        first = spec.get("first_draft", spec["letter_text"])

        def by_writer(when: datetime, what: str, text: str = "") -> None:
            self.step(when, self._letter_step(name, what, text, writer), actor=writer)

        by_writer(at(0.25), "save", first)
        if state == "draft":
            return
        by_writer(at(0.3), "share")
        if comment := spec.get("comment"):
            self.step(at(0.35), self._letter_step(name, "return", comment))
            if state == "returned":
                return
            by_writer(at(0.4), "save", spec["letter_text"])
            by_writer(at(0.42), "share")
        if state == "shared":
            return
        self.step(at(0.7), self._letter_step(name, "final"))
        if reopened := spec.get("reopened"):
            self.step(at(0.75), self._letter_step(name, "reopen", reopened["reason"]))
            by_writer(at(0.75) + timedelta(minutes=20), "save", reopened["letter_text"])
            self.step(at(0.8), self._letter_step(name, "final"))

    def _letter_step(self, name: str, what: str, text: str = "", writer=None) -> Callable[[], None]:
        def do():
            member = self.members[name]
            actor = writer() if callable(writer) else writer
            if what == "save":
                intervention.save_letter(self.case, member, text, actor)
            elif what == "share":
                intervention.share_letter(self.case, member, actor)
            elif what == "return":
                intervention.return_letter(self.case, member, self.lead, text)
            elif what == "reopen":
                intervention.reopen_letter(self.case, member, self.lead, text)
            else:
                intervention.finalize_letter(self.case, member, self.lead)

        return do

    def _bottom_line(self, spec: dict) -> None:
        member = self.members[spec.get("contact") or spec["name"]]
        if "bottom_line" in spec:
            intervention.set_bottom_line(self.case, member, spec["bottom_line"])
        if "stop" in spec:
            intervention.set_commitments(self.case, member, spec["stop"], spec.get("own_words"))

    PLACEMENT_FIELDS = (
        "facility",
        "level",
        "address",
        "contact_name",
        "phone",
        "payer",
        "authorization_number",
        "expected_cost",
        "transport_driver",
        "transport_route",
        "transport_companion",
        "what_to_pack",
        "financial_text",
    )

    def _placement_fields(self, spec: dict, placement=None) -> dict:
        fields = {name: spec.get(name) for name in self.PLACEMENT_FIELDS}
        fields["financial_relationship"] = spec.get("financial", "none")
        if placement is not None:  # what the form sends back, kept as it was
            fields.update(
                bed_held_until=placement.bed_held_until, admission_at=placement.admission_at
            )
        return fields

    def _placement(self, spec: dict, day_at: datetime) -> None:
        fields = self._placement_fields(spec)
        hours = spec.get("bed_held_hours")
        fields["bed_held_until"] = day_at + timedelta(hours=hours) if hours else None
        admission = spec.get("admission_hours")
        fields["admission_at"] = day_at + timedelta(hours=admission) if admission else None
        fields["insurance_verified_by"] = fields["insurance_verified_on"] = None
        made = intervention.save_placement(self.case, None, fields)
        self.placements[made.facility] = made

    def _verify(self, spec: dict) -> None:
        placement = self.placements[spec["facility"]]
        fields = self._placement_fields(spec, placement)
        fields.update(insurance_verified_by=spec["verified_by"], insurance_verified_on=utcnow())
        intervention.save_placement(self.case, placement, fields)

    def _choose(self, spec: dict) -> None:
        intervention.choose_placement(self.case, self.placements[spec["facility"]])

    def _rehearsal(self, story: dict) -> None:
        """The lead ticks the checklist after the rehearsal, all but what is left."""
        rehearsed = [held for key, kind, held in self.held if kind == "rehearsal"]
        if not rehearsed:
            return
        left = set(story.get("rehearsal_left", ()))
        unknown = left - set(DEFAULT_REHEARSAL)
        if unknown:
            raise ValueError(f"Not on the rehearsal checklist: {sorted(unknown)}")

        def tick():
            for item in intervention.rehearsal_items():
                if item.text not in left:
                    intervention.set_tick(self.case, item, True, self.lead)

        self.step(rehearsed[-1] + timedelta(minutes=10), tick)

    def _outcome(self, spec: dict, day_at: datetime) -> None:
        plan = intervention.plan_for(self.case)
        admitted = spec.get("admitted_hours")
        placement = self.placements[spec["placement"]] if spec.get("placement") else None
        data = intervention.OutcomeData(
            outcome=spec["kind"],
            at=day_at + timedelta(hours=spec.get("at_hours", 2)),
            detail=spec.get("detail"),
            admitted_at=day_at + timedelta(hours=admitted) if admitted else None,
            placement=placement,
            early_reason=None,
            narrative=self._words(spec["narrative"]),
        )
        intervention.record_outcome(self.case, plan, data, self.lead)

    # ---- after the day --------------------------------------------------------------

    def _aftercare(self) -> None:
        """The follow-up after the day (aftercare.toml): check-ins recorded by
        the lead with how each family member is, their notes signed, BARC-10
        and WHO-5 given at them, changes of pathway, the family's supports,
        and a check-in a family member sent from the portal."""
        story = specs.aftercare().get(self.spec["loved_one_name"])
        if story is None:
            return
        if self.outcome_at is None or self.day is None:
            raise ValueError(f"{self.spec['loved_one_name']}: follow-up before the day's outcome")
        start = to_local(self.day[1]).date()
        today = to_local(self.now).date()
        ends = self.entered.get(Phase.CLOSED, self.now)

        def on(entry: dict, at: time) -> datetime:
            day = start + DAY * entry["day"] if "day" in entry else today - DAY * entry["days_ago"]
            when = local_to_utc(day, at)
            if not self.outcome_at < when < ends:
                raise ValueError(
                    f"{self.spec['loved_one_name']}: a follow-up on {day} is outside support"
                )
            return when

        for entry in story.get("pathway", ()):
            self.step(on(entry, time(10)), lambda e=entry: self._pathway(e))
        for n, entry in enumerate(story.get("check_in", ())):
            when = on(entry, time(11))
            self.step(when, lambda e=entry, n=n: self._check_in(e, n))
            self.step(when + timedelta(minutes=25), lambda n=n: self._sign_check_in(n))
        for entry in story.get("support", ()):
            self.step(on(entry, time(16)), lambda e=entry: self._support(e))
        if entry := story.get("family_check_in"):
            self.step(
                on(entry, time(20, 30)),
                lambda: self._family_check_in(entry),
                actor=self._account(entry["contact"]),
            )

    def _pathway(self, entry: dict) -> None:
        aftercare.start_pathway(
            self.case, entry["pathway"], local_today(), entry["reason"], self.lead
        )

    def _open_follow_up(self, held, early: int = 1):
        """The due day of the open follow-up a check-in held on `held` carries out."""
        for f in aftercare.follow_ups(self.case):
            if f.kind == "done":
                continue
            if f.due - DAY * early <= held <= f.due + DAY * f.window_days:
                return f.due
        return None

    def _check_in(self, entry: dict, n: int) -> None:
        held = local_today()
        members = entry.get("member", ())
        data = aftercare.CheckInData(
            held_on=held,
            due_on=self._open_follow_up(held),
            method=entry["method"],
            reached=[
                r if r in ("loved_one", "provider") else f"contact:{self.contact(r).id}"
                for r in entry["reached"]
            ],
            loved_one_status=entry.get("status"),
            days_since_use=entry.get("days_since_use"),
            returned_to_use=entry.get("returned_to_use", False),
            return_detail=entry.get("return_detail"),
            medication=entry.get("medication"),
            meetings=entry.get("meetings"),
            work_and_housing=entry.get("work_and_housing"),
            new_safety_concern=None,
            narrative=self._words(entry["narrative"]),
            members=[
                aftercare.MemberReport(
                    self.contact(m["contact"]),
                    m.get("wellbeing"),
                    m.get("commitments"),
                    m.get("supports"),
                )
                for m in members
            ],
        )
        result = aftercare.record_check_in(self.case, data, self.lead)
        self.check_in_notes[n] = result.note
        if "barc10" in entry:
            builders.give_screening(self.case, self.lead, "BARC-10", entry["barc10"])
        for m in members:
            if "who5" in m:
                reporter = self.contact(m["contact"])
                builders.give_screening(self.case, self.lead, "WHO-5", m["who5"], reporter=reporter)

    def _sign_check_in(self, n: int) -> None:
        notes_service.sign(self.case, self.check_in_notes[n], self.lead)

    def _support(self, entry: dict) -> None:
        aftercare.add_support(
            self.case,
            self.contact(entry["contact"]),
            entry["kind"],
            entry.get("detail"),
            local_today(),
        )

    def _family_check_in(self, entry: dict) -> None:
        """What the portal's check-in writes: left for staff to review."""
        contact = self.contact(entry["contact"])
        account = self.accounts[entry["contact"]]
        held = local_today()
        check_in = CheckIn(
            case_id=self.case.id,
            held_on=held,
            due_on=self._open_follow_up(held, early=0),
            method="portal",
            reached=[f"contact:{contact.id}"],
            loved_one_status=entry.get("status"),
            loved_one_words=entry.get("loved_one_words"),
            family_reported=True,
            family_needs=entry.get("needs"),
            reported_by_contact_id=contact.id,
            recorded_by_id=account.id,
        )
        db.session.add(check_in)
        db.session.flush()
        db.session.add(
            MemberCheckIn(
                check_in_id=check_in.id, contact_id=contact.id, wellbeing=entry.get("wellbeing")
            )
        )
        record(Action.CREATE, case=self.case, obj=check_in, summary="Family check-in sent")
        if "who5" in entry:
            builders.give_screening(self.case, account, "WHO-5", entry["who5"], reporter=contact)

    # ---- notes ----------------------------------------------------------------------

    def _notes(self) -> None:
        """A note for each held session and for the family's first call in.

        Most are signed within hours. On open cases the latest session's note
        is sometimes still a draft (index % 4 == 0) or not started (== 1);
        a co-signed interventionist's notes are co-signed the next day, except
        a case's latest (left waiting) and, on one case in five, returned with
        a comment. The third case's first note carries an addendum."""
        texts = specs.notes()
        supervisor = self.replay.staff["supervisor@example.org"]
        cosigned = self.lead_email in texts["cosigned"]
        contacts = [("phone", self.opened)]
        if self.index % 3 == 2 and Phase.ASSESSMENT in self.entered:
            contacts.append(("text", self.when(Phase.ASSESSMENT, 0.2)))
        for kind, at in contacts:
            self.step(at + timedelta(minutes=15), self._contact_note(kind, at))
            if cosigned and at + DAY < self.now:
                self.step(at + DAY, lambda kind=kind: self._cosign_contact(kind), actor=supervisor)
        for n, (key, kind, held) in enumerate(self.held):
            latest = n == len(self.held) - 1
            fate = "signed"
            if latest and not self.closed and self.index % 4 in (0, 1):
                fate = "draft" if self.index % 4 == 0 else "none"
            if fate == "none":
                continue
            if kind == "intervention" and self.outcome_at is not None:
                written = self.outcome_at  # the note of the day, with the outcome
            else:
                written = held + timedelta(hours=2)
                if written >= self.now:
                    continue
                self.step(written, lambda key=key, kind=kind: self._session_note(key, kind))
            if fate == "draft":
                continue
            signed = written + timedelta(minutes=20)
            if signed >= self.now:
                continue
            self.step(signed, lambda key=key: self._sign(key))
            if self.index == 2 and n == 0:
                self.step(signed + 3 * DAY, lambda key=key: self._addendum(key))
            if not cosigned:
                continue
            checked = signed + DAY
            if checked >= self.now or (latest and self.index % 5 != 2):
                continue
            if latest:
                self.step(checked, lambda key=key: self._return(key), actor=supervisor)
            else:
                self.step(checked, lambda key=key: self._cosign(key), actor=supervisor)

    def _words(self, text: str) -> str:
        family = (
            self.case.active_contacts[0].name.split()[0]
            if self.case.active_contacts
            else "The family"
        )
        return text.format(family=family, loved_one=self.case.loved_one_name.split()[0])

    def _contact_note(self, kind: str, when: datetime) -> Callable[[], None]:
        def do():
            data = notes_service.NoteData(
                occurred_at=when,
                duration_minutes=15 if kind == "phone" else None,
                collateral_name=None,
                contacts=self.case.active_contacts[:1],
                staff=[self.lead],
                body=self._words(specs.notes()["contact"][kind]),
            )
            note = notes_service.start_contact_note(self.case, kind, data, self.lead)
            notes_service.sign(self.case, note, self.lead)
            self.contact_notes[kind] = note

        return do

    def _cosign_contact(self, kind: str) -> None:
        supervisor = self.replay.staff["supervisor@example.org"]
        notes_service.cosign(self.case, self.contact_notes[kind], supervisor)

    def _note_of(self, key: str):
        return notes_service.session_note(self.sessions[key])

    def _session_note(self, key: str, kind: str) -> None:
        session = self.sessions[key]
        note = notes_service.start_session_note(self.case, session, self.lead)
        text = specs.notes()["session"].get(kind, specs.notes()["session"]["other"])
        data = notes_service.NoteData(
            occurred_at=session.starts_at,
            duration_minutes=session.duration_minutes,
            collateral_name=None,
            contacts=list(session.contacts),
            staff=[self.lead, *session.staff],
            body=self._words(text),
        )
        notes_service.save_draft(self.case, note, data, self.lead)

    def _sign(self, key: str) -> None:
        notes_service.sign(self.case, self._note_of(key), self.lead)

    def _addendum(self, key: str) -> None:
        words = specs.notes()["addendum"]
        notes_service.add_addendum(
            self.case, self._note_of(key), self.lead, words["reason"], words["body"]
        )

    def _cosign(self, key: str) -> None:
        supervisor = self.replay.staff["supervisor@example.org"]
        notes_service.cosign(self.case, self._note_of(key), supervisor)

    def _return(self, key: str) -> None:
        supervisor = self.replay.staff["supervisor@example.org"]
        words = specs.notes()["returned"]
        notes_service.return_note(self.case, self._note_of(key), supervisor, words["comment"])
