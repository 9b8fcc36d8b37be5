"""The case record export: the whole case as JSON (`record.json`) and as a
printable PDF (`record.pdf`). Staff with clinical access only; every export
is audited. The document is built by `casework.notes.record` from every case
section's part; these views load, build, audit and hand over."""

import json

from flask_login import current_user

from casework.audit.models import Action
from casework.audit.service import record as audit
from casework.auth.guards import clinical_required
from casework.cases.access import load_case
from casework.consent.disclosures import record_disclosure
from casework.domain.consent import Scope
from casework.notes import record
from casework.notes.views import bp
from casework.printing import render_pdf
from casework.printing.delivery import file_response, pdf_response


@bp.get("/cases/<ref>/record.json")
@clinical_required
def record_json(ref):
    case = load_case(ref)
    data = record.case_record(case, current_user._get_current_object())
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    audit(
        Action.EXPORT, case=case, object_type="CaseRecord", summary="Case record exported as JSON"
    )
    _disclosed(case, "The case record (JSON)")
    return file_response(body, "application/json", f"record-{case.reference}.json", attachment=True)


@bp.get("/cases/<ref>/record.pdf")
@clinical_required
def record_pdf(ref):
    case = load_case(ref)
    data = record.case_record(case, current_user._get_current_object())
    pdf = render_pdf("record.html", record.print_context(data))
    audit(Action.EXPORT, case=case, object_type="CaseRecord", summary="Case record exported as PDF")
    _disclosed(case, "The case record (PDF)")
    return pdf_response(pdf, f"record-{case.reference}.pdf")


def _disclosed(case, what: str) -> None:
    """A copy of the whole record leaves the system with whoever exported it:
    it is listed in the case's accounting of disclosures."""
    user = current_user._get_current_object()
    record_disclosure(
        case.id,
        scope=Scope.RECORD,
        what=what,
        channel="export",
        recipient=f"{user.name} (staff), a copy to hand on",
        by_user=user,
    )
