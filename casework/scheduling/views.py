from datetime import datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import and_, func, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import lazyload, raiseload
from sqlalchemy.orm.attributes import set_committed_value

from casework.audit.models import Action
from casework.audit.service import record, record_list, record_together
from casework.auth.guards import clinical_required
from casework.auth.models import User
from casework.cases import sections
from casework.cases.access import load_case, load_child
from casework.cases.models import FamilyCase
from casework.cases.service import staff_choices
from casework.domain import sessions as rules
from casework.extensions import db
from casework.forms import ConfirmForm, Page, options, page_number
from casework.printing.delivery import file_response, ics_response, pdf_response, practice_details
from casework.scheduling import feeds, ical, queries, service
from casework.scheduling.forms import CalendarFilterForm, ReasonForm, SessionForm
from casework.scheduling.models import CaseSession
from casework.timeutil import local_to_utc, local_today, to_local, utcnow
from casework.transaction import CONFLICTS, roll_back_conflict

bp = Blueprint("scheduling", __name__)


def _form_choices(form: SessionForm, case) -> None:
    form.contacts.choices = options(
        (c.id, f"{c.name} ({c.relationship_to_loved_one})") for c in case.active_contacts
    )
    form.staff.choices = options((u.id, u.name) for u in staff_choices())


def _form_data(form: SessionForm, case) -> service.SessionData:
    contacts = [c for c in case.active_contacts if c.id in (form.contacts.data or [])]
    staff = [u for u in staff_choices() if u.id in (form.staff.data or [])]
    return service.SessionData(
        kind=form.kind.data,
        title=form.title.data or rules.KINDS[form.kind.data],
        starts_at=local_to_utc(form.date.data, form.time.data),
        duration_minutes=form.duration_minutes.data,
        place_kind=form.place_kind.data,
        place=form.place.data,
        notes=form.notes.data,
        contacts=contacts,
        staff=staff,
    )


# Sessions on one page of a case's Sessions tab (SESSIONS_PAGE_SIZE overrides).
SESSIONS_PAGE_SIZE = 20


def _sessions_page(case, number: int, per_page: int) -> tuple[Page, int]:
    """One page of the case's sessions, those still to come first (soonest
    first), then the rest (latest first), and how many of the page are still
    to come. One statement: the page is chosen from the sessions' keys alone,
    the total coming with it (a window count), then joined to its rows.
    A page past the last is a 404."""
    to_come = and_(CaseSession.status == "scheduled", CaseSession.starts_at >= utcnow())
    chosen = (
        select(
            CaseSession.id,
            to_come.label("to_come"),
            sql_case((to_come, 0), else_=1).label("past"),
            sql_case((to_come, CaseSession.starts_at)).label("soonest"),
            CaseSession.starts_at,
            func.count().over().label("total"),
        )
        .where(CaseSession.case_id == case.id)
        .order_by("past", "soonest", CaseSession.starts_at.desc(), CaseSession.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
        .subquery()
    )
    rows = db.session.execute(
        select(CaseSession, chosen.c.to_come, chosen.c.total)
        .join(chosen, chosen.c.id == CaseSession.id)
        # The list shows the session alone, and its case is this one (given below).
        .options(
            raiseload(CaseSession.case),
            raiseload(CaseSession.lead),
            raiseload(CaseSession.contacts),
            raiseload(CaseSession.staff),
        )
        .order_by(chosen.c.past, chosen.c.soonest, chosen.c.starts_at.desc(), chosen.c.id)
    ).all()
    if not rows and number > 1:
        abort(404)  # past the last page
    for row in rows:
        set_committed_value(row.CaseSession, "case", case)
    page = Page([row.CaseSession for row in rows], number, per_page, rows[0].total if rows else 0)
    return page, sum(1 for row in rows if row.to_come)


@bp.get("/cases/<ref>/sessions/")
@clinical_required
def index(ref):
    case = load_case(ref)
    per_page = current_app.config.get("SESSIONS_PAGE_SIZE", SESSIONS_PAGE_SIZE)
    page, to_come = _sessions_page(case, page_number(), per_page)
    html = render_template(
        "scheduling/index.html",
        case=case,
        page=page,
        upcoming=page.items[:to_come],
        past=page.items[to_come:],
        marks=sections.marks(case, "CaseSession", [s.id for s in page.items]),
    )
    return html


@bp.route("/cases/<ref>/sessions/new", methods=["GET", "POST"])
@clinical_required
def new(ref):
    case = load_case(ref)
    form = SessionForm()
    _form_choices(form, case)
    clashes = []
    if request.method == "GET":
        asked = request.args.get("kind")
        form.kind.data = asked if asked in rules.KINDS else rules.default_kind(case.phase)
        form.contacts.data = [c.id for c in case.active_contacts if c.is_primary]
    elif form.validate_on_submit():
        try:
            session = service.schedule(
                case,
                case.interventionist,
                _form_data(form, case),
                recording_held=form.record_held.data,
                confirmed=form.confirm_overlap.data,
            )
        except service.NeedsOverlapConfirmation as exc:
            clashes = exc.clashes
        except rules.SessionRuleError as exc:
            form.date.errors = [*form.date.errors, str(exc)]
        else:
            flash(f"{session.title} is on the calendar.", "success")
            return redirect(url_for("scheduling.detail", ref=ref, session_id=session.id))
    html = render_template(
        "scheduling/form.html", case=case, form=form, session=None, clashes=clashes
    )
    return html, 422 if (form.errors or clashes) else 200


@bp.get("/cases/<ref>/sessions/<int:session_id>")
@clinical_required
def detail(ref, session_id):
    case = load_case(ref)
    session = load_child(case, CaseSession, session_id)
    html = render_template(
        "scheduling/detail.html",
        case=case,
        session=session,
        cancel_form=ReasonForm(),
        status_form=ConfirmForm(),
        now=utcnow(),
        marks=_marks_of(case, session),
    )
    return html


def _marks_of(case, session) -> list:
    """What other areas say of a held session (its note)."""
    if session.status != "held":
        return []
    return sections.marks(case, "CaseSession", [session.id]).get(session.id, [])


@bp.route("/cases/<ref>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@clinical_required
def edit(ref, session_id):
    case = load_case(ref)
    session = load_child(case, CaseSession, session_id)
    if not session.is_open:
        flash("Only a scheduled session can be edited.", "error")
        return redirect(url_for("scheduling.detail", ref=ref, session_id=session.id))
    form = SessionForm() if request.method == "POST" else SessionForm(obj=session)
    _form_choices(form, case)
    clashes = []
    if request.method == "GET":
        local = to_local(session.starts_at)
        form.date.data, form.time.data = local.date(), local.time()
        form.contacts.data = [c.id for c in session.contacts]
        form.staff.data = [u.id for u in session.staff]
        form.version.data = session.version
    elif form.validate_on_submit():
        if form.version.data != str(session.version):
            return _session_conflict(case, session, form)
        try:
            service.update(
                session,
                _form_data(form, case),
                form.reason.data,
                confirmed=form.confirm_overlap.data,
            )
            db.session.flush()  # a save a moment ago shows here, while the form is at hand
        except CONFLICTS as error:
            roll_back_conflict(error)
            return _session_conflict(case, db.session.get(CaseSession, session.id), form)
        except service.NeedsOverlapConfirmation as exc:
            clashes = exc.clashes
        except rules.SessionRuleError as exc:
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            flash("Session saved.", "success")
            return redirect(url_for("scheduling.detail", ref=ref, session_id=session.id))
    html = render_template(
        "scheduling/form.html", case=case, form=form, session=session, clashes=clashes
    )
    return html, 422 if (form.errors or clashes) else 200


def _session_conflict(case, session, form):
    """Someone saved the session first: their version is on the page, this
    person's typing is in the form."""
    form.version.data = session.version
    html = render_template(
        "scheduling/form.html", case=case, form=form, session=session, clashes=[], conflict=True
    )
    return html, 409


def _status_change(ref, session_id, status, form):
    case = load_case(ref)
    session = load_child(case, CaseSession, session_id)
    if not form.validate_on_submit():
        return render_template(
            "scheduling/detail.html",
            case=case,
            session=session,
            cancel_form=form if status == "cancelled" else ReasonForm(),
            status_form=ConfirmForm(),
            now=utcnow(),
            marks=[],
        ), 422
    try:
        service.set_status(session, status, getattr(form, "reason", None) and form.reason.data)
    except rules.SessionRuleError as exc:
        flash(str(exc), "error")
        return redirect(url_for("scheduling.detail", ref=ref, session_id=session.id))
    flash(f"{session.title}: {rules.STATUSES[status].lower()}.", "success")
    # A held session's next piece of work (its note) opens straight away.
    follow = _marks_of(case, session)
    if follow and follow[0].href:
        return redirect(follow[0].href)
    return redirect(url_for("scheduling.detail", ref=ref, session_id=session.id))


@bp.post("/cases/<ref>/sessions/<int:session_id>/cancel")
@clinical_required
def cancel(ref, session_id):
    return _status_change(ref, session_id, "cancelled", ReasonForm())


@bp.post("/cases/<ref>/sessions/<int:session_id>/<any(held, no_show):outcome>")
@clinical_required
def mark(ref, session_id, outcome):
    return _status_change(ref, session_id, outcome, ConfirmForm())


@bp.get("/cases/<ref>/sessions/<int:session_id>.ics")
@clinical_required
def session_ics(ref, session_id):
    case = load_case(ref)
    session = load_child(case, CaseSession, session_id)
    record(Action.EXPORT, case=case, obj=session, summary="Session downloaded as .ics")
    body = ical.calendar_bytes(
        [session],
        name=f"{current_app.config['PRACTICE_NAME']} session",
        first_names=current_app.config["CALENDAR_FIRST_NAMES"],
    )
    return ics_response(body, f"session-{case.reference}-{session.id}.ics")


# ---- the interventionist's calendar ------------------------------------------


@bp.get("/calendar/")
@clinical_required
def calendar():
    form = CalendarFilterForm(request.args)
    people = staff_choices() if current_user.sees_every_case else []
    form.user.choices = options(
        [(0, "My calendar")] + [(u.id, u.name) for u in people if u.id != current_user.id]
    )
    if not form.validate():
        abort(400, description=_filter_problem(form))
    whose = current_user
    if form.user.data and current_user.sees_every_case:
        whose = db.session.get(User, form.user.data) or abort(404)
    today = local_today()
    # A week typed far off (year 1, year 9999) shows the nearest the calendar holds.
    week_start = rules.clamp_date(form.week.data or today, today)
    week_start -= timedelta(days=week_start.weekday())
    days = [week_start + timedelta(days=i) for i in range(7)]
    week_end, agenda_end = days[-1] + timedelta(days=1), today + timedelta(days=14)
    if week_start <= agenda_end and today <= week_end:  # one span holds both
        found = _sessions_between(whose, min(today, week_start), max(agenda_end, week_end))
    else:  # a week far off: not every session in between
        found = _sessions_between(whose, week_start, week_end)
        found += _sessions_between(whose, today, agenda_end)
    first, last = rules.date_range(today)
    prev_week, next_week = week_start - timedelta(days=7), week_end
    by_day = {day: [] for day in days}
    agenda: dict = {}
    for session in found:
        day = to_local(session.starts_at).date()
        if day in by_day:
            by_day[day].append(session)
        if today <= day < agenda_end:
            agenda.setdefault(day, []).append(session)
    # Every case the page names, in one audit event.
    shown = [s for sessions in (*by_day.values(), *agenda.values()) for s in sessions]
    record_list(s.case.reference for s in shown)
    return render_template(
        "scheduling/calendar.html",
        form=form,
        whose=whose,
        today=today,
        days=days,
        by_day=by_day,
        agenda=agenda,
        # No link past the days a session may fall on.
        prev_week=prev_week if prev_week + timedelta(days=6) >= first else None,
        next_week=next_week if next_week <= last else None,
    )


def _sessions_between(whose, first_day, end_day) -> list:
    """Sessions from local midnight on `first_day` to local midnight on `end_day`."""
    midnight = datetime.min.time()
    return queries.staff_sessions(
        whose, local_to_utc(first_day, midnight), local_to_utc(end_day, midnight)
    )


def _filter_problem(form) -> str:
    if form.week.errors:
        return "That week is not a date the calendar can show. Choose a week from its own links."
    return "That calendar is not one you can choose. Pick one from the list."


@bp.route("/calendar/feed", methods=["GET", "POST"])
@clinical_required
def feed_settings():
    form = ConfirmForm()
    url = None
    if form.validate_on_submit():
        if request.form.get("action") == "revoke":
            feeds.stop_feed(current_user)
            flash("Your calendar address has stopped working.", "success")
            return redirect(url_for("scheduling.feed_settings"))
        # Shown on this answer alone: only the token's hash is kept.
        url = url_for("scheduling.feed", token=feeds.make_feed(current_user), _external=True)
        flash("Your new calendar address is ready. Any old address has stopped working.", "success")
    elif request.method == "POST":
        abort(400)
    feed = feeds.current_feed(current_user) if url is None else None
    return render_template("scheduling/feed.html", form=form, feed=feed, url=url)


@bp.get("/calendar/feed/<token>.ics")
def feed(token):
    """A subscription URL: the token is the credential, so no login."""
    found = feeds.find_feed(token)
    if found is None:
        abort(404)
    feeds.record_fetch(found)
    since = utcnow() - timedelta(days=current_app.config["CALENDAR_FEED_DAYS_BACK"])
    sessions = queries.staff_sessions(found.user, since)
    body = ical.calendar_bytes(
        sessions,
        name=f"Casework · {current_app.config['PRACTICE_NAME']}",
        first_names=current_app.config["CALENDAR_FIRST_NAMES"],
        links=lambda s: url_for(
            "scheduling.detail", ref=s.case.reference, session_id=s.id, _external=True
        ),
    )
    return file_response(body, "text/calendar", "casework.ics")


# A handout is made of the session, its lead, and the names of its attendees
# and staff (one query, in handout_context): not the case's own contacts or
# people, nor the session's case again (loaded already).
HANDOUT_CASE = (
    lazyload(FamilyCase.contacts),
    lazyload(FamilyCase.interventionist),
    lazyload(FamilyCase.co_interventionist),
)
HANDOUT_SESSION = (
    lazyload(CaseSession.case),
    lazyload(CaseSession.contacts),
    lazyload(CaseSession.staff),
)


@bp.get("/cases/<ref>/sessions/<int:session_id>/handout.pdf")
@clinical_required
def handout(ref, session_id):
    from casework.printing import render_pdf
    from casework.scheduling.handout import handout_context

    case = load_case(ref, record_view=False, options=HANDOUT_CASE)
    session = load_child(case, CaseSession, session_id, options=HANDOUT_SESSION)
    pdf = render_pdf("session_handout.html", handout_context(session, practice_details()))
    record_together(  # the read and the print, in one statement
        {"action": Action.VIEW, "case": case, "object_type": "page", "object_id": request.endpoint},
        {
            "action": Action.PRINT,
            "case": case,
            "obj": session,
            "summary": "Session handout printed",
        },
    )
    return pdf_response(pdf, f"session-{case.reference}-{session.id}.pdf")
