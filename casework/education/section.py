"""Education's part of the case hub: the Education tab and overdue reading."""

from flask import url_for

from casework.cases import sections
from casework.domain.nextsteps import Step, Urgency
from casework.education import queries
from casework.education.record import education_part


def facts(case_ids: list[int]) -> dict[int, bool]:
    return {case_id: True for case_id in queries.cases_with_overdue_reading(case_ids)}


def steps(case, overdue: bool | None) -> list[Step]:
    if not overdue or case.status != "active":
        return []
    return [
        Step(
            "Follow up on overdue reading",
            Urgency.OVERDUE,
            href=url_for("education.case_education", ref=case.reference),
        )
    ]


def init_app(app) -> None:
    sections.register(
        app,
        sections.Section(
            name="education",
            tab=sections.Tab(
                "Education", "education.case_education", order=30, blueprint="education"
            ),
            facts=facts,
            steps=steps,
            record=education_part,
        ),
    )
