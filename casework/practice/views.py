"""The practice page: supervisors only (an administrator too, with
supervisor access)."""

from flask import Blueprint, render_template
from flask_login import current_user

from casework.aftercare.section import this_week
from casework.assessment.section import safety_step_text
from casework.audit.service import record_list
from casework.auth.guards import supervisor_required
from casework.domain import followups
from casework.domain.practice import STALL_FACTOR, STALL_MINIMUM_DAYS
from casework.notes.queries import awaiting_cosign, supervision_counts
from casework.practice import queries

bp = Blueprint("practice", __name__, url_prefix="/practice")

# The notes waiting longest; the rest are a link away on Notes to sign off.
COSIGN_SHOWN = 10


@bp.get("/")
@supervisor_required
def index():
    safety = queries.safety_without_plan()
    overdue = [item for item in this_week(current_user) if item.state == followups.OVERDUE]
    cosign = awaiting_cosign(limit=COSIGN_SHOWN)
    sessions = queries.sessions_this_week()
    stalled = queries.stalled()
    shown = [
        *(c.reference for c in safety),
        *(f.reference for f in overdue),
        *(n.case_reference for n in cosign),
        *(s.reference for s in sessions),
        *(c.reference for c in stalled),
    ]
    # A page that names families: one audit event with the references shown.
    record_list(shown)
    return render_template(
        "practice/index.html",
        safety=[(c, safety_step_text(c)) for c in safety],
        overdue=overdue,
        cosign=cosign,
        cosign_total=supervision_counts()[0],
        caseloads=queries.caseloads(),
        sessions=sessions,
        week=queries.week_days(),
        stalled=stalled,
        families=queries.families(shown),
        stall_factor=STALL_FACTOR,
        stall_minimum=STALL_MINIMUM_DAYS,
    )
