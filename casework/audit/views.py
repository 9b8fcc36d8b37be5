from datetime import date, time, timedelta

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from casework.audit.models import Action, AuditEvent
from casework.auth.guards import admin_required
from casework.auth.models import User
from casework.extensions import db
from casework.forms import FilterForm, options, page_number
from casework.timeutil import local_to_utc

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

# The days the filter takes: any day the log can hold, and none so far off
# that turning it into UTC (or adding a day to it) runs past the calendar.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def within_the_log(form, field) -> None:
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(f"Enter a day between {FIRST_DAY:%Y} and {LAST_DAY:%Y}.")


class AuditFilterForm(FilterForm):
    user = SelectField("User", coerce=int, default=0)
    case = StringField(
        "Case reference",
        validators=[Optional(), Length(max=20)],
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
    )
    action = SelectField(
        "Action",
        choices=options(
            [("", "Any action")] + [(a.value, a.value.replace("_", " ")) for a in Action]
        ),
        default="",
    )
    since = DateField("From", validators=[Optional(), within_the_log])
    until = DateField("To", validators=[Optional(), within_the_log])


@bp.get("/")
@admin_required
def index():
    form = AuditFilterForm(request.args)
    users = db.session.scalars(select(User).order_by(User.name)).all()
    form.user.choices = options([(0, "Anyone")] + [(u.id, f"{u.name} ({u.email})") for u in users])
    if not form.validate():
        return render_template("audit/index.html", form=form, page=None), 400
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.case))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    if form.user.data:
        query = query.where(AuditEvent.actor_id == form.user.data)
    if form.case.data:
        # Through the event's own relationship: the log knows no area's model.
        query = query.where(AuditEvent.case.has(reference=form.case.data))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    # Dates are the practice's days, as the times in the list are shown.
    if form.since.data:
        query = query.where(AuditEvent.occurred_at >= local_to_utc(form.since.data, time()))
    if form.until.data:
        end = local_to_utc(form.until.data + timedelta(days=1), time())
        query = query.where(AuditEvent.occurred_at < end)
    page = db.paginate(
        query, page=page_number(), per_page=current_app.config["AUDIT_PAGE_SIZE"], error_out=False
    )
    return render_template("audit/index.html", form=form, page=page)
