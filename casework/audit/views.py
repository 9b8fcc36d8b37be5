import re
from datetime import date, time, timedelta

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from casework.audit import export, queries
from casework.audit.models import Action
from casework.audit.sentences import ACTION_LABELS
from casework.audit.service import record
from casework.auth.guards import admin_required
from casework.auth.models import User
from casework.extensions import db
from casework.forms import FilterForm, Page, options, page_number
from casework.timeutil import local_to_utc

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

# The days the filter takes: any day the log can hold, and none so far off
# that turning it into UTC (or adding a day to it) runs past the calendar.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def within_the_log(form, field) -> None:
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(f"Enter a day between {FIRST_DAY:%Y} and {LAST_DAY:%Y}.")


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class AuditFilterForm(FilterForm):
    person = StringField(
        "Person (name or email)",
        validators=[Optional(), Length(max=254)],
        filters=[_stripped],
        render_kw={"list": "audit-people", "autocomplete": "off"},
    )
    case = StringField(
        "Case reference",
        validators=[
            Optional(),
            Length(max=20),
            Regexp(r"^C-\d{4}-\d{4,}$", message="Enter a case reference like C-2026-0009."),
        ],
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
    )
    action = SelectField(
        "Action",
        choices=options([("", "Any action")] + [(a.value, ACTION_LABELS[a.value]) for a in Action]),
        default="",
    )
    since = DateField("From", validators=[Optional(), within_the_log])
    until = DateField("To", validators=[Optional(), within_the_log])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The last day comes before the first.")

    def log_filter(self) -> queries.LogFilter | None:
        """The filter the form asks for, or None (with the field's message)
        when it names no one or no case the log knows."""
        given = {}
        if self.person.data:
            given["actor_ids"] = tuple(queries.people_named(self.person.data))
            if not given["actor_ids"]:
                self.person.errors.append(f"No account is named “{self.person.data}”.")
        if self.case.data:
            given["case_id"] = queries.case_id_of(self.case.data)
            if given["case_id"] is None:
                self.case.errors.append(f"No case has the reference {self.case.data}.")
        if self.person.errors or self.case.errors:
            return None
        # Dates are the practice's days, as the times in the list are shown.
        if self.since.data:
            given["since"] = local_to_utc(self.since.data, time())
        if self.until.data:
            given["until"] = local_to_utc(self.until.data + timedelta(days=1), time())
        return queries.LogFilter(action=self.action.data or None, **given)


def _form() -> tuple[AuditFilterForm, queries.LogFilter | None]:
    form = AuditFilterForm(request.args)
    staff = db.session.scalars(
        select(User.name).where(User.role != "family").order_by(User.name).distinct()
    )
    form.staff_names = list(staff)
    return form, (form.log_filter() if form.validate() else None)


@bp.get("/")
@admin_required
def index():
    form, given = _form()
    if given is None:
        return render_template("audit/index.html", form=form, page=None), 400
    per_page = current_app.config["AUDIT_PAGE_SIZE"]
    number = page_number()
    rows = queries.log_rows(given, limit=per_page, offset=(number - 1) * per_page)
    page = Page(rows, number, per_page, queries.log_count(given))
    return render_template("audit/index.html", form=form, page=page)


def _filtered_by(form: AuditFilterForm) -> str:
    """The filter of an export, for its own event: names, references, days."""
    parts = [
        f"{f.label.text.split(' (')[0].lower()} {f.data}"
        for f in (form.person, form.case, form.action, form.since, form.until)
        if f.data
    ]
    return f" ({', '.join(parts)})" if parts else ""


@bp.get("/export.csv")
@admin_required
def export_csv():
    """The filtered log as a spreadsheet, itself an event in the log."""
    form, given = _form()
    if given is None:
        return render_template("audit/index.html", form=form, page=None), 400
    limit = current_app.config["AUDIT_EXPORT_LIMIT"]
    rows = queries.log_rows(given, limit=limit + 1)
    if len(rows) > limit:
        form.since.errors.append(
            f"More than {limit:,} events match: choose fewer days or a person or case."
        )
        return render_template("audit/index.html", form=form, page=None), 400
    record(
        Action.EXPORT,
        object_type="AuditLog",
        summary=f"Audit log exported: {len(rows)} event{'' if len(rows) == 1 else 's'}"
        + _filtered_by(form),
    )
    name = "audit-log-" + re.sub(r"[^0-9-]", "", date.today().isoformat()) + ".csv"
    return Response(
        export.csv_bytes(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
