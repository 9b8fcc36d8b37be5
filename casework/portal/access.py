"""The one place that decides what a family member may see.

A family login reaches its own case only through its own contact record
(not archived): the reading assigned to that contact, the sessions of the
case that contact attends, the packets staff shared with the family, when
they are on the family team, their own part of the intervention, and, after
it, whether a follow-up is due for them to answer (a question, which tells
them nothing of the record).
Anything else, whether another member's, another case's, unshared or an id
no record can have, is a 404. Nothing clinical is ever loaded here.
Portal views load through these functions and nothing else.

Case-specific information is the loved one's, and 42 CFR Part 2 lets the
practice share it only as the loved one agreed in writing: the member's
sessions, the packets prepared for the family, the intervention plan's
details and how support is going each need a consent in effect that names
the member and includes that kind of information (casework.consent.coverage,
asked afresh on every request). Without one, the lists are empty and the
records 404, as if there were none. General reading needs no consent, and
what the member wrote (their letter, bottom line, commitments and check-in)
is theirs whatever any consent says.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from casework.aftercare import service as aftercare
from casework.aftercare.models import CheckIn
from casework.cases.access import fits_column
from casework.cases.models import Contact
from casework.consent import coverage
from casework.consent.models import Consent
from casework.domain import followups
from casework.domain.consent import Scope
from casework.domain.intervention import ROLES, SPEAKING_ROLES
from casework.domain.phases import Phase
from casework.education.models import Assignment, Packet
from casework.extensions import db
from casework.intervention import service as intervention
from casework.intervention.models import InterventionPlan, Letter, TeamMember
from casework.scheduling.models import CaseSession, session_contacts
from casework.scheduling.queries import upcoming
from casework.timeutil import local_today, utcnow

_UNSET = object()


def current_contact() -> Contact | None:
    """The member's own contact record, which ties them to one case; None
    for a family account not (or no longer) linked to one."""
    if not (current_user.is_authenticated and current_user.is_family):
        return None
    user_id, found = g.get("portal_contact", (None, _UNSET))
    if user_id != current_user.id or found is _UNSET:  # once a request
        found = db.session.scalar(
            select(Contact).where(Contact.user_id == current_user.id, Contact.archived_at.is_(None))
        )
        g.portal_contact = (current_user.id, found)
    return found


def member_contact() -> Contact:
    """The member's own contact record, or 404."""
    contact = current_contact()
    if contact is None:
        abort(404)
    return contact


# ---- consent ------------------------------------------------------------------------

# What the portal may show a member of the loved one's information, in the order
# the home page names what it cannot show yet.
FAMILY_SCOPES = (Scope.SESSIONS, Scope.PACKETS, Scope.INTERVENTION, Scope.AFTERCARE)


def consent_for(scope: Scope) -> Consent | None:
    """The consent under which the signed-in member may see `scope` now, or None."""
    return coverage.member_may_see(current_contact(), scope)


def not_shared_yet() -> list[Scope]:
    """The kinds of the loved one's information no consent lets the member
    see now, among those that would mean something to them at this point:
    the intervention once they are on its team, support once it has begun.
    It says nothing of whether any such record exists."""
    contact = current_contact()
    if contact is None:
        return []
    wanted = [Scope.SESSIONS, Scope.PACKETS]
    if own_team_member() is not None:
        wanted.append(Scope.INTERVENTION)
    if contact.case.phase == Phase.AFTERCARE.value:
        wanted.append(Scope.AFTERCARE)
    return [scope for scope in wanted if consent_for(scope) is None]


def loved_one_called() -> str:
    """How the portal names the loved one to their family: the name they go
    by, or their first name (never the full name on the record)."""
    contact = current_contact()
    if contact is None:
        return "your loved one"
    case = contact.case
    return case.preferred_name or (case.loved_one_name.split() or ["your loved one"])[0]


def _attended_by(contact: Contact):
    return select(session_contacts.c.session_id).where(session_contacts.c.contact_id == contact.id)


def _own(model, record_id: int, *conditions):
    if not fits_column(model.id, record_id):
        abort(404)
    found = db.session.scalar(select(model).where(model.id == record_id, *conditions))
    if found is None:
        abort(404)
    return found


# ---- reading -----------------------------------------------------------------------


def own_assignments() -> list[Assignment]:
    """The member's own reading: unfinished first, soonest due first."""
    contact = member_contact()
    found = db.session.scalars(select(Assignment).where(Assignment.contact_id == contact.id))
    return sorted(
        found,
        key=lambda a: (
            a.finished_at is not None,
            a.due_on is None,
            a.due_on or a.assigned_at.date(),
            a.assigned_at,
            a.id,
        ),
    )


def load_own_assignment(assignment_id: int) -> Assignment:
    """One of the member's own assignments (not another member's), or 404."""
    contact = member_contact()
    return _own(
        Assignment,
        assignment_id,
        Assignment.contact_id == contact.id,
        Assignment.case_id == contact.case_id,
    )


# ---- sessions ----------------------------------------------------------------------


def own_upcoming_sessions() -> list[CaseSession]:
    """Scheduled sessions of the member's case that they attend, from now on,
    while a consent lets them see sessions."""
    contact = member_contact()
    if consent_for(Scope.SESSIONS) is None:
        return []
    return list(
        db.session.scalars(
            upcoming(
                CaseSession.case_id == contact.case_id, CaseSession.id.in_(_attended_by(contact))
            )
        )
    )


def load_own_session(session_id: int) -> CaseSession:
    """A session of the member's case that they attend (while a consent lets
    them see sessions), or 404."""
    contact = member_contact()
    if consent_for(Scope.SESSIONS) is None:
        abort(404)
    return _own(
        CaseSession,
        session_id,
        CaseSession.case_id == contact.case_id,
        CaseSession.id.in_(_attended_by(contact)),
    )


# ---- packets -----------------------------------------------------------------------


def own_packets() -> list[Packet]:
    """The packets shared with the member's family, newest share first,
    while a consent lets them see packets."""
    contact = member_contact()
    if consent_for(Scope.PACKETS) is None:
        return []
    return list(
        db.session.scalars(
            select(Packet)
            .where(Packet.case_id == contact.case_id, Packet.shared_at.is_not(None))
            .order_by(Packet.shared_at.desc(), Packet.id.desc())
        )
    )


def load_own_packet(packet_id: int) -> Packet:
    """A packet of the member's case that staff shared (while a consent lets
    them see packets), or 404."""
    contact = member_contact()
    if consent_for(Scope.PACKETS) is None:
        abort(404)
    return _own(Packet, packet_id, Packet.case_id == contact.case_id, Packet.shared_at.is_not(None))


# ---- the intervention ----------------------------------------------------------------
#
# A member of the family team sees their own part and nothing of anyone else's:
# their role and where they read (a number, never another member's name), the
# day if they attend it, their own letter with the comments staff wrote on it,
# their own bottom line and commitments, and of the treatment lined up only the
# facility's name, what to pack and the practice's financial tie to it. A team
# member's staff notes, other members' letters and bottom lines, the level of
# care, the insurance and the bed are never read into what the page receives.
# The plan's details (role, reading order, the day, the treatment) are the loved
# one's information: they are read only while a consent covers the intervention.
# The letter, bottom line and commitments are the member's own, and always shown.


@dataclass(frozen=True)
class TheDay:
    starts_at: datetime
    duration_minutes: int
    place_kind: str
    place: str | None
    passed: bool
    # The member attends the session in scheduling, so its .ics is theirs to download.
    session_id: int | None


@dataclass(frozen=True)
class Comment:
    at: datetime
    by: str
    text: str


@dataclass(frozen=True)
class Treatment:
    facility: str
    what_to_pack: str | None
    financial_relationship: str
    financial_text: str | None


@dataclass(frozen=True)
class OwnPart:
    """What the member's page shows: plain values, nothing more."""

    plan_shared: bool  # a consent lets the member see the plan's details
    role: str
    role_label: str
    speaks: bool
    reads_at: int | None  # 1 for the first to read
    readers: int
    attends_day: bool
    attends_rehearsal: bool
    day: TheDay | None
    writes_letter: bool
    letter_body: str
    letter_status: str
    letter_version: str
    letter_finalized_at: datetime | None
    comments: list[Comment]
    bottom_line: str
    commitments: list[str]
    own_words: str
    treatment: Treatment | None


def own_plan() -> InterventionPlan | None:
    """The plan of the member's case, if staff have started one."""
    contact = member_contact()
    return db.session.scalar(
        select(InterventionPlan).where(InterventionPlan.case_id == contact.case_id)
    )


def own_team_member() -> TeamMember | None:
    """The member's own place on the family team (not archived), when their
    case has a plan; None otherwise."""
    contact = current_contact()
    if contact is None or own_plan() is None:
        return None
    return intervention.member_of_contact(contact.case, contact.id)


def load_own_team_member() -> TeamMember:
    """The member's own place on the team, or 404."""
    member = own_team_member()
    if member is None:
        abort(404)
    return member


def _reading_position(member: TeamMember) -> tuple[int | None, int]:
    readers = list(
        db.session.scalars(
            select(TeamMember.id)
            .where(
                TeamMember.case_id == member.case_id,
                TeamMember.archived_at.is_(None),
                TeamMember.role.in_(SPEAKING_ROLES),
                TeamMember.attends_day.is_(True),
                TeamMember.reading_order.is_not(None),
            )
            .order_by(TeamMember.reading_order, TeamMember.id)
        )
    )
    if member.id not in readers:
        return None, len(readers)
    return readers.index(member.id) + 1, len(readers)


def _the_day(plan: InterventionPlan, member: TeamMember, contact: Contact) -> TheDay | None:
    session = plan.session
    if session is None or session.status == "cancelled" or not member.attends_day:
        return None
    attends = db.session.scalar(
        select(session_contacts.c.session_id).where(
            session_contacts.c.session_id == session.id,
            session_contacts.c.contact_id == contact.id,
        )
    )
    return TheDay(
        starts_at=session.starts_at,
        duration_minutes=session.duration_minutes,
        place_kind=session.place_kind,
        place=session.place,
        passed=session.starts_at < utcnow(),
        # The calendar file is a session's details: it needs consent for sessions too.
        session_id=session.id
        if attends is not None and consent_for(Scope.SESSIONS) is not None
        else None,
    )


def _own_comments(letter: Letter | None) -> list[Comment]:
    if letter is None:
        return []
    return [
        Comment(at=event.at, by=event.actor.name, text=event.comment)
        for event in intervention.letter_history(letter)
        if event.action == "returned" and event.comment
    ]


def own_part(member: TeamMember) -> OwnPart:
    """The member's own part of the intervention, for their page."""
    contact = member_contact()
    if member.contact_id != contact.id:  # only ever the signed-in member's own
        abort(404)
    letter = member.letter
    bottom = intervention.bottom_line_of(member)
    commitments = intervention.commitments_of(member)
    own = {
        "writes_letter": member.speaks or bool(letter is not None and letter.body.strip()),
        "letter_body": letter.body if letter is not None else "",
        "letter_status": letter.status if letter is not None else "draft",
        "letter_version": str(letter.version) if letter is not None else "",
        "letter_finalized_at": letter.finalized_at if letter is not None else None,
        "comments": _own_comments(letter),
        "bottom_line": bottom.text if bottom is not None else "",
        "commitments": [c.behaviour for c in commitments],
        "own_words": next((c.own_words or "" for c in commitments if c.behaviour == "other"), ""),
    }
    if consent_for(Scope.INTERVENTION) is None:
        return OwnPart(
            plan_shared=False,
            role="",
            role_label="",
            speaks=member.speaks,
            reads_at=None,
            readers=0,
            attends_day=False,
            attends_rehearsal=False,
            day=None,
            treatment=None,
            **own,
        )
    plan = own_plan()
    reads_at, readers = _reading_position(member)
    chosen = intervention.chosen_placement(contact.case)
    return OwnPart(
        plan_shared=True,
        role=member.role,
        role_label=ROLES.get(member.role, member.role),
        speaks=member.speaks,
        reads_at=reads_at,
        readers=readers,
        attends_day=member.attends_day,
        attends_rehearsal=member.attends_rehearsal,
        day=_the_day(plan, member, contact) if plan is not None else None,
        treatment=Treatment(
            facility=chosen.facility,
            what_to_pack=chosen.what_to_pack,
            financial_relationship=chosen.financial_relationship,
            financial_text=chosen.financial_text,
        )
        if chosen is not None
        else None,
        **own,
    )


# ---- check-ins after the intervention ----------------------------------------------
#
# When the case's earliest open follow-up is due (on its day, in its window or
# overdue, in the practice's time zone), each member with a portal account is
# asked how they are. The member learns only that: not the pathway, the plan,
# anyone else's answers, or what staff recorded. Their own check-in is never
# shown back to them either, beyond "sent".


@dataclass(frozen=True)
class DueCheckIn:
    due_on: date  # the follow-up's day, which the check-in answers
    sent: bool  # the member has sent theirs for it already


def own_due_check_in() -> DueCheckIn | None:
    """The follow-up the member is asked about now, or None (nothing due, the
    case not in support or closed, or no linked contact)."""
    contact = current_contact()
    if contact is None:
        return None
    case = contact.case
    if case.phase != Phase.AFTERCARE.value or case.status == "closed":
        return None
    follow_up = aftercare.next_open(aftercare.follow_ups(case))
    if follow_up is None or followups.state(follow_up, local_today()) == followups.UPCOMING:
        return None
    sent = db.session.scalar(
        select(CheckIn.id).where(
            CheckIn.case_id == contact.case_id,
            CheckIn.reported_by_contact_id == contact.id,
            CheckIn.due_on == follow_up.due,
        )
    )
    return DueCheckIn(due_on=follow_up.due, sent=sent is not None)


def load_due_check_in() -> DueCheckIn:
    """The follow-up the member may answer now, or 404."""
    due = own_due_check_in()
    if due is None:
        abort(404)
    return due


def own_milestone() -> tuple[str, object] | None:
    """The latest recovery milestone the family's loved one has reached, as
    staff last heard (label, day), while the case is in support and a
    consent lets the member see how support is going: something for the
    portal to celebrate, nothing more of the record."""
    contact = current_contact()
    if contact is None or contact.case.phase != "aftercare" or contact.case.status == "closed":
        return None
    if consent_for(Scope.AFTERCARE) is None:
        return None
    start = aftercare.recovery_start(aftercare.check_ins(contact.case))
    reached = [
        (label, day) for label, day, done in followups.milestones(start, local_today()) if done
    ]
    return reached[-1] if reached else None


# ---- the member's consents ------------------------------------------------------------
#
# A member may read, sign, revoke and download the consents about their own
# information (theirs to give), and see which of the loved one's consents let
# the practice share with them, and what, while those are in effect.


def own_consents() -> list[Consent]:
    """Consents whose subject is the member (their own information), newest first."""
    contact = member_contact()
    return list(
        db.session.scalars(
            select(Consent)
            .where(Consent.case_id == contact.case_id, Consent.subject_contact_id == contact.id)
            .order_by(Consent.created_at.desc(), Consent.id.desc())
        )
    )


def own_consents_to_sign() -> list[Consent]:
    """The member's own consents waiting for their signature."""
    return [c for c in own_consents() if c.signed_at is None and c.revoked_at is None]


def load_own_consent(consent_id: int) -> Consent:
    """A consent about the member's own information, or 404."""
    contact = member_contact()
    return _own(
        Consent,
        consent_id,
        Consent.case_id == contact.case_id,
        Consent.subject_contact_id == contact.id,
    )


def consents_covering_me() -> list[tuple[Consent, list[Scope]]]:
    """The loved one's consents in effect that name the member, each with the
    kinds of information it lets the practice share with them."""
    return [
        (consent, [scope for scope in Scope if scope.value in (consent.scopes or ())])
        for consent in coverage.in_effect(current_contact())
    ]
