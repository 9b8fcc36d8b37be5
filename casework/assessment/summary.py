"""The assessment as plain, readable data: for its pages and its printed summary."""

from dataclasses import asdict

from casework.assessment import forms
from casework.domain import risk

SECTION_FORMS = {
    "interviewed": forms.InterviewedForm,
    "use": forms.UseForm,
    "mental_health": forms.MentalHealthForm,
    "medical": forms.MedicalForm,
    "safety": forms.SafetyForm,
    "life": forms.LifeForm,
    "family": forms.FamilyForm,
    "readiness": forms.ReadinessForm,
    "preferences": forms.PreferencesForm,
}
ROW_FORMS = {"substances": forms.SubstanceRow, "prior_treatment": forms.TreatmentRow}


def _shown(field, value) -> str | None:
    """A field's value as words, or None when nothing was recorded."""
    if value is None or value is False or value == "" or value == []:
        return None
    if value is True:
        return "Yes"
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(c.value): c.label for c in choices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    return str(value)


def readable_sections(data: dict | None) -> list[dict]:
    """Each section with its recorded answers: {"title", "rows"} or {"title", "table"}."""
    data = data or {}
    out = []
    for key, title in forms.SECTIONS:
        if key in ROW_FORMS:
            form = ROW_FORMS[key]()
            columns = [f.label.text for f in form]
            table = [
                [_shown(f, row.get(f.name)) or "" for f in form] for row in data.get(key) or []
            ]
            out.append({"title": title, "columns": columns, "table": table})
        else:
            form = SECTION_FORMS[key]()
            values = data.get(key) or {}
            rows = [
                (f.label.text, shown)
                for f in form
                if (shown := _shown(f, values.get(f.name))) is not None
            ]
            out.append({"title": title, "rows": rows})
    return out


def summary_context(case, assessment, charts, screenings, *, practice: str) -> dict:
    """Plain data for templates/print/assessment_summary.html."""
    return {
        "practice": practice,
        "reference": case.reference,
        "loved_one": case.display_name,
        "interventionist": case.interventionist.name,
        "number": assessment.number,
        "status": assessment.status,
        "completed_by": assessment.completed_by.name if assessment.completed_by else None,
        "completed_on": assessment.completed_at.strftime("%B %-d, %Y")
        if assessment.completed_at
        else None,
        "updated_on": assessment.updated_at.strftime("%B %-d, %Y"),
        "flags": [
            {"label": risk.FLAGS[f][0], "advice": risk.FLAGS[f][1]} for f in case.risk_flags or []
        ],
        "sections": readable_sections(assessment.data),
        "scores": [
            {
                "code": c["instrument"].code,
                "name": c["instrument"].name,
                "total": c["latest"].total,
                "max": c["instrument"].max_total,
                "band": c["latest"].band,
                "on": c["latest"].administered_on.strftime("%b %-d, %Y"),
                "count": c["count"],
                "chart": asdict(c["chart"]),
            }
            for c in charts
        ],
        "screening_count": len(screenings),
    }
