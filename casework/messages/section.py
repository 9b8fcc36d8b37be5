"""Messages' part of the case hub: the Messages tab with its unread count,
and unread family messages as a next step on the caseload (a count, never
what they say)."""

from flask import url_for

from casework.cases import sections
from casework.domain import messages as rules
from casework.domain.nextsteps import Step, Urgency
from casework.messages import service


def facts(case_ids: list[int]) -> dict[int, int]:
    return service.unread_for_staff(case_ids)


def steps(case, unread: int | None) -> list[Step]:
    if not unread:
        return []
    return [
        Step(
            f"Read {rules.unread_words(unread)} from the family",
            Urgency.TODAY,
            href=url_for("messages.index", ref=case.reference),
        )
    ]


def tab_count(case) -> int:
    return service.unread_for_staff([case.id]).get(case.id, 0)


def init_app(app) -> None:
    sections.register(
        app,
        sections.Section(
            name="messages",
            tab=sections.Tab(
                "Messages", "messages.index", order=70, blueprint="messages", count=tab_count
            ),
            facts=facts,
            steps=steps,
        ),
    )
