"""An audit event as one sentence a person can read ("Jordan Reyes opened
the assessment of C-2026-0009"), built from the event's columns alone: who,
the action, the kind of record and its id, the case, the page. Never the
summary or the reason, so nothing clinical can reach it. Plain Python: the
admin's log, its CSV export and the tests call the same function."""

from dataclasses import dataclass

# What each action reads as in the filter and the export.
ACTION_LABELS = {
    "view": "Opened",
    "create": "Created",
    "update": "Changed",
    "phase_change": "Moved a case's phase",
    "reassign": "Reassigned",
    "login": "Signed in",
    "login_failed": "Sign-in failed",
    "logout": "Signed out",
    "two_factor_enrol": "Set up two-factor sign-in",
    "two_factor_reset": "Reset two-factor sign-in",
    "export": "Exported",
    "print": "Printed",
    "access_denied": "Refused a case",
    "override": "Overrode a phase check",
    "sign": "Signed",
    "cosign": "Co-signed",
    "return": "Returned",
    "review": "Reviewed",
    "save_draft": "Saved a draft",
    "list": "Listed cases",
    "break_glass": "Emergency access",
    "access_requested": "Asked for clinical access",
    "access_confirmed": "Confirmed clinical access",
    "access_declined": "Declined clinical access",
    "feed_fetch": "Calendar feed fetched",
}

# The verb of an action done to a record ("opened the assessment of ...").
VERBS = {
    "view": "opened",
    "create": "created",
    "update": "changed",
    "export": "exported",
    "print": "printed",
    "access_denied": "was refused",
    "sign": "signed",
    "cosign": "co-signed",
    "return": "returned",
    "review": "reviewed",
    "save_draft": "saved a draft of",
    "break_glass": "opened with emergency access",
}

# Kinds of record (an event's object_type): a name, and whether the case has
# one of it ("the assessment") or several, named by their id ("note 41").
ONE, MANY = True, False
RECORDS = {
    "FamilyCase": ("case", MANY),
    "Contact": ("contact", MANY),
    "PhaseChange": ("phase change", MANY),
    "CaseSession": ("session", MANY),
    "CalendarFeed": ("calendar feed", ONE),
    "Assessment": ("assessment", ONE),
    "Screening": ("screening", MANY),
    "RaisedFlag": ("risk flag", MANY),
    "SafetyPlan": ("safety plan", ONE),
    "SafetyReview": ("safety review", MANY),
    "EducationModule": ("education module", MANY),
    "ModuleVersion": ("module version", MANY),
    "Assignment": ("reading assignment", MANY),
    "Packet": ("packet", MANY),
    "Note": ("note", MANY),
    "Notes": ("notes", ONE),
    "Addendum": ("addendum", MANY),
    "NoteHeadings": ("note headings", ONE),
    "NoteSupervision": ("note supervision setting", MANY),
    "NoteRound": ("note round", MANY),
    "CaseRecord": ("case record", ONE),
    "InterventionPlan": ("intervention plan", ONE),
    "TeamMember": ("team member", MANY),
    "Letter": ("letter", MANY),
    "LetterEvent": ("letter step", MANY),
    "BottomLine": ("bottom line", MANY),
    "EnablingCommitment": ("enabling commitment", MANY),
    "Placement": ("treatment placement", MANY),
    "RehearsalItem": ("rehearsal checklist item", MANY),
    "RehearsalTick": ("rehearsal checklist tick", MANY),
    "AriseEscalation": ("escalation level", MANY),
    "AftercareSummary": ("aftercare summary", ONE),
    "CheckIn": ("follow-up check-in", MANY),
    "MemberCheckIn": ("family check-in", MANY),
    "FamilySupport": ("family support", MANY),
    "PathwayChange": ("follow-up pathway change", MANY),
    "Consent": ("consent", MANY),
    "ConsentKind": ("consent kind", MANY),
    "Disclosure": ("disclosure", MANY),
    "DisclosureAccounting": ("accounting of disclosures", ONE),
    "PortalInvite": ("portal invitation", MANY),
    "User": ("account", MANY),
    "AccessRequest": ("clinical access request", MANY),
    "BreakGlassGrant": ("emergency access", MANY),
    "KeptForm": ("form kept after the session ended", MANY),
    "RecoveryCode": ("recovery code", MANY),
    "PrintedDocument": ("printed document", MANY),
    "AuditLog": ("audit log", ONE),
    "Message": ("message", MANY),
    "MessageThread": ("message thread", MANY),
}

# The pages whose opening is audited (object_type "page", object_id the
# endpoint): what the page shows, as "opened ___ of C-2026-0009" reads.
PAGES = {
    "cases.overview": "the overview",
    "cases.edit": "the case details form",
    "cases.change_phase": "the phase page",
    "cases.reassign": "the reassignment form",
    "cases.new_contact": "the new contact form",
    "cases.edit_contact": "a contact",
    "cases.timeline": "the timeline",
    "cases.caseload": "the caseload",
    "scheduling.index": "the sessions",
    "scheduling.new": "the new session form",
    "scheduling.detail": "a session",
    "scheduling.edit": "a session's form",
    "scheduling.session_ics": "a session's calendar file",
    "scheduling.handout": "a session handout",
    "scheduling.calendar": "the calendar",
    "assessment.overview": "the assessment",
    "assessment.edit": "the assessment form",
    "assessment.version": "an earlier version of the assessment",
    "assessment.new_screening": "a screening form",
    "assessment.safety_plan": "the safety plan",
    "assessment.safety_review": "the safety review form",
    "assessment.summary_pdf": "the assessment summary",
    "education.case_education": "the education page",
    "education.new_packet": "the packet builder",
    "education.packet_pdf": "a packet",
    "intervention.index": "the intervention plan",
    "intervention.member": "a team member",
    "intervention.new_member": "the new team member form",
    "intervention.new_placement": "the new placement form",
    "intervention.placement": "a placement",
    "intervention.outcome": "the outcome form",
    "intervention.run_sheet": "the run sheet",
    "intervention.letter_sheet": "a letter sheet",
    "aftercare.index": "the aftercare page",
    "aftercare.new_check_in": "the new check-in form",
    "aftercare.check_in": "a check-in",
    "aftercare.summary_pdf": "the aftercare summary",
    "notes.index": "the notes",
    "notes.new": "the new note form",
    "notes.for_session": "a session's note",
    "notes.show": "a note",
    "notes.edit": "a note's form",
    "notes.print_one": "a note",
    "messages.index": "the messages",
    "messages.thread": "a message thread",
    "notes.print_all": "the notes",
    "notes.record_json": "the case record",
    "notes.record_pdf": "the case record",
    "notes.queue": "the notes awaiting a supervisor",
    "consent.index": "the consents",
    "consent.new": "the new consent form",
    "consent.detail": "a consent",
    "consent.accounting": "the accounting of disclosures",
    "consent.accounting_pdf": "the accounting of disclosures",
    "consent.print_form": "a consent form",
    # The family portal, in the member's own terms.
    "portal.home": "their sessions",
    "portal.intervention": "their part in the intervention",
    "portal.check_in": "their check-in",
    "portal.consents": "their consents",
    "portal.consents_page": "their consents",
}

# A case's areas, for a refused request that changes something (a POST to
# any of the area's actions): "was refused a change to the notes of C-...".
AREAS = {
    "cases": "the case",
    "scheduling": "the sessions",
    "assessment": "the assessment",
    "education": "the education",
    "intervention": "the intervention plan",
    "aftercare": "the support after the intervention",
    "notes": "the notes",
    "consent": "the consents",
    "messages": "the messages",
}

# A list page audited as one event naming the cases it showed.
LISTS = {
    "cases.caseload": "the caseload",
    "scheduling.calendar": "the calendar",
    "notes.queue": "the notes awaiting a supervisor",
}


@dataclass(frozen=True)
class Event:
    """The columns a sentence is made of."""

    action: str
    actor: str | None = None  # the actor's name
    family: bool = False  # the actor is a family member (in the portal)
    object_type: str | None = None
    object_id: str | None = None
    case: str | None = None  # the case reference
    shown: int | None = None  # how many cases a list page showed
    subject: str | None = None  # the name of the account an event is about


@dataclass(frozen=True)
class Sentence:
    text: str
    # False when a part had no phrase of its own and a stand-in was used:
    # the tests keep every action, record and page the app writes readable.
    known: bool = True

    def __str__(self) -> str:
        return self.text


def sentence(event: Event) -> Sentence:
    who = event.actor or "Someone"
    if event.action in _ACCOUNT:
        text, known = _ACCOUNT[event.action](event)
        return Sentence(f"{who} {text}" if text[0].islower() else text, known)
    if event.action == "list":
        page, known = _page(event.object_id, LISTS)
        count = event.shown or 0
        return Sentence(f"{who} viewed {page} ({count} case{'' if count == 1 else 's'})", known)
    if event.action in ("phase_change", "override", "reassign"):
        text = {
            "phase_change": "moved {case} to another phase",
            "override": "overrode a check on moving {case} to another phase",
            "reassign": "reassigned {case}",
        }[event.action].format(case=event.case or "a case")
        return Sentence(f"{who} {text}", True)
    if event.action.startswith("access_") and event.action != "access_denied":
        decided = {"access_requested": "asked for", "access_confirmed": "confirmed",
                   "access_declined": "declined"}[event.action]  # fmt: skip
        return Sentence(f"{who} {decided} a clinical access request", True)
    if event.action == "feed_fetch":
        return Sentence(f"{who}'s calendar feed was fetched", True)
    if event.action == "export" and event.object_type in ("Consent", "Disclosure"):
        return _disclosure(who, event)
    verb = "sent" if (event.action, event.object_type) == ("create", "Message") else None
    verb = verb or VERBS.get(event.action)
    thing, known = _thing(event)
    if verb is None:
        verb, known = event.action.replace("_", " "), False
    if event.family:
        verb = "viewed" if event.action == "view" else verb
        return Sentence(f"{who} {verb} {thing} (portal)", known)
    return Sentence(f"{who} {verb} {thing}", known)


def _thing(event: Event) -> tuple[str, bool]:
    """The record an event is about, with its case: "note 41 of C-2026-0009"."""
    case = f" of {event.case}" if event.case else ""
    if event.object_type == "page" and (event.object_id or "").startswith("portal."):
        return _page(event.object_id, PAGES)  # a member's own case: the page says "their"
    if event.object_type == "page":
        page, known = _page(event.object_id, PAGES)
        area = (event.object_id or "").partition(".")[0]
        if not known and area in AREAS:
            page, known = f"a change to {AREAS[area]}", True
        return page + case, known
    if event.object_type == "FamilyCase" or (event.object_type is None and event.case):
        return f"case {event.case}" if event.case else "a case", event.case is not None
    if event.object_type == "User" and event.subject:
        return f"the account of {event.subject}", True
    known = event.object_type in RECORDS
    name, one = RECORDS.get(event.object_type or "", (_words(event.object_type), MANY))
    if event.family and name == "account":
        return "their account", known
    if one:
        thing = f"the {name}"
    elif event.object_id and event.object_id.isdigit():
        thing = f"{name} {event.object_id}"
    else:
        thing = f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"
    return thing + case, known


def _page(endpoint: str | None, table: dict) -> tuple[str, bool]:
    if endpoint in table:
        return table[endpoint], True
    area = (endpoint or "").partition(".")[0] or "the app"
    return f"a page of {area.replace('_', ' ')}", False


def _disclosure(who: str, event: Event) -> Sentence:
    under = f" under consent {event.object_id}" if event.object_type == "Consent" else ""
    case = event.case or "a case"
    if event.family:
        return Sentence(f"{who} was shown information from {case}{under} (portal)", True)
    return Sentence(f"{who} disclosed information from {case}{under}", True)


def _words(name: str | None) -> str:
    """A stand-in name from a class name: "MessageThread" -> "message thread"."""
    if not name:
        return "record"
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()


def _subject(event: Event, fallback: str) -> str:
    return event.subject or fallback


# Sign-in and account events: (event) -> (text, known). Text starting in
# lower case follows the actor's name; in upper case it is the whole sentence.
_ACCOUNT = {
    "login": lambda e: ("signed in" + (" (portal)" if e.family else ""), True),
    "logout": lambda e: ("signed out" + (" (portal)" if e.family else ""), True),
    "login_failed": lambda e: (
        (f"A sign-in as {e.actor} failed", True)
        if e.actor
        else ("A sign-in failed (an unknown account, or too many attempts)", True)
    ),
    "two_factor_enrol": lambda e: ("set up two-factor sign-in", True),
    "two_factor_reset": lambda e: (
        f"reset two-factor sign-in for {_subject(e, 'an account')}",
        True,
    ),
}
