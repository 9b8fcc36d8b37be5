"""The family portal: its own blueprint behind its own guard.

A family member sees only what belongs to their own contact record: their
reading, the sessions they attend, and the packets shared with their family.
Every page loads through casework.portal.access, which decides that, from
the consents on file for the loved one's information. Whatever a page or
file shows of that information goes into the accounting of disclosures
(casework.portal.disclosing) and carries the 42 CFR Part 2 notice.
Nothing clinical (assessment, scores, notes, flags) is ever loaded here.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.guards import family_required
from casework.consent import family as consents
from casework.domain.consent import SCOPE_LABELS, Scope
from casework.education import service as education
from casework.education.packet import render_packet
from casework.forms import ConfirmForm
from casework.intervention.service import InterventionRuleError, LetterRuleError
from casework.portal import access, check_ins, letters
from casework.portal.disclosing import disclose, with_notice
from casework.portal.forms import (
    LOVED_ONE_CHOICES,
    BottomLineForm,
    CheckInForm,
    CommitmentsForm,
    OwnLetterForm,
    RevokeConsentForm,
    SignConsentForm,
)
from casework.printing import render_pdf
from casework.printing.delivery import ics_response, pdf_response, practice_details
from casework.scheduling import ical
from casework.timeutil import local_today
from casework.transaction import flush_or_conflict

bp = Blueprint("portal", __name__, url_prefix="/portal")


# ---- pages ----------------------------------------------------------------------------


@bp.get("/")
@family_required
def home():
    contact = access.current_contact()
    if contact is None:
        return render_template("portal/home.html", contact=None)
    reading = access.own_assignments()
    sessions = access.own_upcoming_sessions()
    packets = access.own_packets()
    milestone = access.own_milestone()
    shown = [
        (Scope.SESSIONS, "Upcoming sessions", sessions),
        (Scope.PACKETS, "Packets shared with the family (titles)", packets),
        (Scope.AFTERCARE, "Recovery milestone", milestone),
    ]
    disclose(
        [(scope, what) for scope, what, items in shown if items],
        "portal_page",
        events=[
            {
                "action": Action.VIEW,
                "case": contact.case,
                "object_type": "page",
                "object_id": "portal.home",
            }
        ],
    )
    html = render_template(
        "portal/home.html",
        contact=contact,
        interventionist=contact.case.interventionist,
        reading=reading,
        finished=sum(1 for a in reading if a.finished_at is not None),
        today=local_today(),
        sessions=sessions,
        sessions_shared=access.consent_for(Scope.SESSIONS) is not None,
        packets=packets,
        on_team=access.own_team_member() is not None,
        plan_shared=access.consent_for(Scope.INTERVENTION) is not None,
        check_in=access.own_due_check_in(),
        milestone=milestone,
        not_shared=[SCOPE_WORDS[scope] for scope in access.not_shared_yet()],
        loved_one=access.loved_one_called(),
        to_sign=access.own_consents_to_sign(),
        discloses=any(items for _, _, items in shown),
    )
    return html


# What the home page says it cannot show yet, in a family's words.
SCOPE_WORDS = {
    Scope.SESSIONS: "the dates, times and places of your sessions",
    Scope.PACKETS: "the printed packets prepared for your family",
    Scope.INTERVENTION: "the plan for the intervention (the day, the place, who speaks, "
    "and the treatment lined up)",
    Scope.AFTERCARE: "how support is going after the intervention",
}


@bp.get("/reading/<int:assignment_id>")
@family_required
def reader(assignment_id):
    contact = access.member_contact()
    assignment = access.load_own_assignment(assignment_id)
    education.mark_opened(assignment)
    record(
        Action.VIEW,
        case=contact.case,
        obj=assignment,
        summary=f"{contact.name} opened a reading",
    )
    version = assignment.module_version
    html = render_template(
        "portal/reader.html",
        assignment=assignment,
        version=version,
        body=version.body,
        interventionist=contact.case.interventionist,
        today=local_today(),
        form=ConfirmForm(),
        discloses=True,
    )
    return html


@bp.post("/reading/<int:assignment_id>/finished")
@family_required
def finished(assignment_id):
    assignment = access.load_own_assignment(assignment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    education.mark_finished(assignment)
    flash(f"Well done: you finished “{assignment.module_version.title}”.", "success")
    return redirect(url_for("portal.home"))


@bp.get("/sessions/<int:session_id>.ics")
@family_required
def session_ics(session_id):
    contact = access.member_contact()
    session = access.load_own_session(session_id)
    disclose(
        [(Scope.SESSIONS, "A session's date, time and place (calendar file)")],
        "portal_file",
        events=[
            {
                "action": Action.EXPORT,
                "case": contact.case,
                "obj": session,
                "summary": "Session downloaded as .ics",
            }
        ],
    )
    body = ical.calendar_bytes(
        [session], name=f"{current_app.config['PRACTICE_NAME']} session", first_names=False
    )
    return ics_response(with_notice(body), f"session-{session.id}.ics")


@bp.get("/packets/<int:packet_id>.pdf")
@family_required
def packet_pdf(packet_id):
    contact = access.member_contact()
    packet = access.load_own_packet(packet_id)
    # Its schedule lists the member's sessions only while a consent covers them.
    sessions = access.own_upcoming_sessions() if packet.include_schedule else []
    pdf = render_packet(packet, case=contact.case, sessions=sessions)
    shown = [(Scope.PACKETS, f"Packet “{packet.title}” (PDF)")]
    if sessions:
        shown.append((Scope.SESSIONS, "Upcoming sessions, in the packet's schedule"))
    disclose(
        shown,
        "portal_pdf",
        events=[
            {
                "action": Action.EXPORT,
                "case": contact.case,
                "obj": packet,
                "summary": f"{contact.name} downloaded the packet “{packet.title}”",
            }
        ],
    )
    return pdf_response(pdf, f"packet-{packet.id}.pdf")


# ---- the member's part in the intervention ------------------------------------------

# What was just saved is said inside its own section (the page opens there),
# not at the top of a long page where a phone would not show it.
SAVED_KEY = "portal_intervention_saved"
SAVED = {
    "letter": "Your letter is saved. Only you and your interventionist can read it.",
    "shared": (
        "Your letter is on its way to your interventionist. When they have read it, "
        "their comments will show here."
    ),
    "bottom": "Your bottom line is saved. Only you and your interventionist can read it.",
    "stop": "Saved. Thank you: this is one of the most loving things you can do.",
}


def _saved(what: str, anchor: str):
    session[SAVED_KEY] = what
    return redirect(url_for("portal.intervention", _anchor=anchor))


def _intervention_page(member, forms=None, status=200, stale_body=None):
    """The member's page; `forms` replaces the forms built from the record
    (to send back what was typed, with its messages)."""
    contact = access.member_contact()
    part = access.own_part(member)
    forms = forms or {}
    letter_form = forms.get("letter") or OwnLetterForm(prefix="letter")
    bottom_form = forms.get("bottom") or BottomLineForm(prefix="bottom")
    stop_form = forms.get("stop") or CommitmentsForm(prefix="stop")
    if "letter" not in forms and not letter_form.restored:
        # (Kept text comes back with the version it was typed against.)
        letter_form.body.data = part.letter_body
        letter_form.version.data = part.letter_version
    if "bottom" not in forms and not bottom_form.restored:
        bottom_form.text.data = part.bottom_line
    if "stop" not in forms and not stop_form.restored:
        stop_form.behaviours.data = part.commitments
        stop_form.own_words.data = part.own_words
    plan = (Scope.INTERVENTION, "Their part in the intervention: role, reading order, the day")
    disclose(
        [plan] if part.plan_shared else [],
        "portal_page",
        events=[
            {
                "action": Action.VIEW,
                "case": contact.case,
                "obj": member,
                "summary": "Family member opened their part in the intervention",
            }
        ],
    )
    just_saved = session.pop(SAVED_KEY, None)
    html = render_template(
        "portal/intervention.html",
        just_saved=just_saved,
        saved_message=SAVED.get(just_saved or ""),
        contact=contact,
        part=part,
        interventionist=contact.case.interventionist,
        letter_form=letter_form,
        bottom_form=bottom_form,
        stop_form=stop_form,
        stale_body=stale_body,
        loved_one=access.loved_one_called(),
        discloses=part.plan_shared,
    )
    return html, status


def _not_on_team():
    contact = access.current_contact()
    if contact is None:
        return render_template("portal/intervention_none.html", contact=None, plan=False)
    plan = access.own_plan()
    record(
        Action.VIEW,
        case=contact.case,
        object_type="page",
        object_id="portal.intervention",
        summary="Family member opened the intervention page (not on the team)",
    )
    return render_template(
        "portal/intervention_none.html",
        contact=contact,
        plan=plan is not None,
        interventionist=contact.case.interventionist,
    )


@bp.get("/intervention")
@family_required
def intervention():
    member = access.own_team_member()
    if member is None:
        return _not_on_team()
    return _intervention_page(member)


@bp.post("/intervention")
@family_required
def intervention_post():
    member = access.load_own_team_member()
    case = access.member_contact().case
    if "letter-body" in request.form or "letter-version" in request.form:
        return _post_letter(case, member)
    if "bottom-text" in request.form:
        return _post_bottom_line(case, member)
    if "stop-save" in request.form or "stop-own_words" in request.form:
        return _post_commitments(case, member)
    abort(400)


def _post_letter(case, member):
    if not (member.speaks or member.letter is not None):
        abort(404)  # a member who reads no letter has none to write
    form = OwnLetterForm(prefix="letter")
    if not form.validate_on_submit():
        return _intervention_page(member, {"letter": form}, 422)
    share = bool(form.share.data)
    try:
        letters.write_own_letter(
            case,
            member,
            form.body.data or "",
            form.version.data or "",
            share,
            current_user._get_current_object(),
        )
    except letters.LetterLocked as locked:
        form.body.errors = [*form.body.errors, str(locked)]
        return _intervention_page(member, {"letter": form}, 409)
    except letters.LetterStale:
        # Show the letter as it is saved now beside what was typed; saving
        # again (against the new version) keeps what was typed.
        member = access.load_own_team_member()
        part = access.own_part(member)
        form.version.data = part.letter_version
        form.body.errors = [
            *form.body.errors,
            "Your letter was changed in another window or by your interventionist "
            "since you opened this page. What you typed is still in the box. The "
            "saved letter is shown above it: copy anything you want to keep, then save.",
        ]
        return _intervention_page(member, {"letter": form}, 409, stale_body=part.letter_body)
    except LetterRuleError as refused:
        form.body.errors = [*form.body.errors, str(refused)]
        return _intervention_page(member, {"letter": form}, 422)
    return _saved("shared" if share else "letter", "letter")


def _post_bottom_line(case, member):
    form = BottomLineForm(prefix="bottom")
    if not form.validate_on_submit():
        return _intervention_page(member, {"bottom": form}, 422)
    letters.write_own_bottom_line(case, member, form.text.data or "")
    return _saved("bottom", "bottom-line")


def _post_commitments(case, member):
    form = CommitmentsForm(prefix="stop")
    if not form.validate_on_submit():
        return _intervention_page(member, {"stop": form}, 422)
    try:
        letters.write_own_commitments(
            case, member, form.behaviours.data or [], form.own_words.data or ""
        )
    except InterventionRuleError as refused:
        form.own_words.errors = [*form.own_words.errors, str(refused)]
        return _intervention_page(member, {"stop": form}, 422)
    return _saved("stop", "commitments")


# ---- the member's check-in after the intervention ---------------------------------

JUST_SENT_KEY = "portal_check_in_sent"


def _check_in_page(form=None, status=200, summary="Family member opened the check-in"):
    """The check-in: the questions while one is due and not sent, a thank-you
    once it is, and a kind word when nothing is due. It shows nothing of the
    record, only what the member types (sent back to them with its messages)."""
    contact = access.current_contact()
    if contact is None:
        return render_template("portal/check_in.html", contact=None, due=None), status
    due = access.own_due_check_in()
    record(
        Action.VIEW,
        case=contact.case,
        object_type="page",
        object_id="portal.check_in",
        summary=summary,
    )
    # The thank-you once, straight after sending; a second send is told it arrived.
    just_sent = bool(session.pop(JUST_SENT_KEY, False)) and status == 200
    html = render_template(
        "portal/check_in.html",
        contact=contact,
        due=due,
        form=form if form is not None else CheckInForm(),
        just_sent=just_sent,
        interventionist=contact.case.interventionist,
        loved_one_choices=LOVED_ONE_CHOICES,
    )
    return html, status


@bp.get("/check-in")
@family_required
def check_in():
    return _check_in_page()


@bp.post("/check-in")
@family_required
def check_in_post():
    contact = access.member_contact()
    due = access.load_due_check_in()
    form = CheckInForm()
    if due.sent:
        return _already_sent()
    if not form.validate_on_submit():
        return _check_in_page(form, 422, "Family member's check-in sent back to correct")
    answers = check_ins.Answers(
        wellbeing=form.wellbeing.data or "",
        who5=form.who5_answers(),
        loved_one_status=form.loved_one_status.data,
        loved_one_words=form.loved_one_words.data or "",
        needs=form.needs.data or "",
    )
    try:
        check_ins.send_check_in(contact, due.due_on, answers, current_user._get_current_object())
    except check_ins.AlreadySent:
        return _already_sent()
    except ValueError:  # the instrument refused an answer the form let through
        abort(422)
    session[JUST_SENT_KEY] = True
    return redirect(url_for("portal.check_in"))


def _already_sent():
    """A second send for the same follow-up (another tab, a double-click):
    nothing is written, and the page says theirs has arrived."""
    return _check_in_page(status=409, summary="Family member's second check-in not kept")


# ---- the member's consents ----------------------------------------------------------


@bp.get("/consents")
@family_required
def consents_page():
    contact = access.current_contact()
    if contact is None:
        return render_template("portal/consents.html", contact=None)
    record(
        Action.VIEW,
        case=contact.case,
        object_type="page",
        object_id="portal.consents",
        summary="Family member opened their consents",
    )
    today = local_today()
    return render_template(
        "portal/consents.html",
        contact=contact,
        own=[(c, c.status(today)) for c in access.own_consents()],
        covering=access.consents_covering_me(),
        not_shared=[SCOPE_WORDS[scope] for scope in access.not_shared_yet()],
        loved_one=access.loved_one_called(),
        interventionist=contact.case.interventionist,
        scope_labels=SCOPE_LABELS,
    )


def _consent_page(consent, sign_form=None, revoke_form=None, status=200):
    contact = access.member_contact()
    sign_form = sign_form or SignConsentForm(prefix="sign")
    revoke_form = revoke_form or RevokeConsentForm(prefix="revoke")
    for form in (sign_form, revoke_form):
        if not form.version.data:  # a fresh page: the version it shows
            form.version.data = str(consent.version)
    record(
        Action.VIEW,
        case=contact.case,
        obj=consent,
        summary="Family member opened a consent",
    )
    html = render_template(
        "portal/consent.html",
        contact=contact,
        consent=consent,
        state=consent.status(local_today()),
        copy=consents.copy_context(consent, patient=contact.name, practice=practice_details()),
        sign_form=sign_form,
        revoke_form=revoke_form,
        just_done=session.pop(CONSENT_DONE_KEY, None),
        interventionist=contact.case.interventionist,
    )
    return html, status


CONSENT_DONE_KEY = "portal_consent_done"


@bp.get("/consents/<int:consent_id>")
@family_required
def consent(consent_id):
    return _consent_page(access.load_own_consent(consent_id))


@bp.post("/consents/<int:consent_id>")
@family_required
def consent_post(consent_id):
    contact = access.member_contact()
    consent = access.load_own_consent(consent_id)
    user = current_user._get_current_object()
    if "sign-signed_name" in request.form or "sign-agree" in request.form:
        form, page_form, done = SignConsentForm(prefix="sign"), "sign_form", "signed"

        def act():
            consents.sign_in_portal(
                consent,
                contact.case,
                typed_name=form.signed_name.data or "",
                address=request.remote_addr,
                user=user,
            )
    elif "revoke-confirm" in request.form or "revoke-version" in request.form:
        form, page_form, done = RevokeConsentForm(prefix="revoke"), "revoke_form", "revoked"

        def act():
            consents.revoke_in_portal(consent, contact.case, user=user)
    else:
        abort(400)
    # Signing and revoking meet the same checks: the form, the version the
    # page was opened with, and the service's own refusal.
    if not form.validate_on_submit():
        return _consent_page(consent, status=422, **{page_form: form})
    if form.version.data != str(consent.version):
        form.form_errors.append(STALE_CONSENT)
        form.version.data = str(consent.version)
        return _consent_page(consent, status=409, **{page_form: form})
    try:
        act()
    except consents.ConsentRefused as refused:
        form.form_errors.append(str(refused))
        return _consent_page(consent, status=409, **{page_form: form})
    flush_or_conflict(STALE_CONSENT)
    session[CONSENT_DONE_KEY] = done
    return redirect(url_for("portal.consent", consent_id=consent.id))


STALE_CONSENT = (
    "This consent changed since you opened the page (perhaps in another window, or "
    "your interventionist updated it). Please read it again below before you go on."
)


@bp.get("/consents/<int:consent_id>.pdf")
@family_required
def consent_pdf(consent_id):
    contact = access.member_contact()
    consent = access.load_own_consent(consent_id)
    pdf = render_pdf(
        "family_consent_copy.html",
        consents.copy_context(consent, patient=contact.name, practice=practice_details()),
    )
    record(
        Action.EXPORT,
        case=contact.case,
        obj=consent,
        summary="Family member downloaded a copy of their consent",
    )
    return pdf_response(pdf, f"consent-{consent.id}.pdf")
