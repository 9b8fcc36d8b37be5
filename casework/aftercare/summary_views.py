"""The aftercare summary as a PDF: GET /cases/<ref>/aftercare/summary.pdf.
Registered on the aftercare blueprint (imported by casework.aftercare.init_app)."""

from casework.aftercare.summary import summary_context
from casework.aftercare.views import bp
from casework.audit.models import Action
from casework.audit.service import record
from casework.auth.guards import clinical_required
from casework.cases.access import load_case
from casework.printing import render_pdf
from casework.printing.delivery import pdf_response, practice_details


@bp.get("/cases/<ref>/aftercare/summary.pdf")
@clinical_required
def summary_pdf(ref):
    case = load_case(ref)
    pdf = render_pdf("aftercare_summary.html", summary_context(case, practice_details()))
    record(
        Action.PRINT, case=case, object_type="AftercareSummary", summary="Aftercare summary printed"
    )
    return pdf_response(pdf, f"aftercare-summary-{case.reference}.pdf")
