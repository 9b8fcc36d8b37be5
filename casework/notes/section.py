"""Notes' part of the case hub: the Notes tab, a held session's note status
beside it wherever sessions are listed, a late note as a next step, and the
notes to write, sign and co-sign on the landing page."""

from dataclasses import dataclass

from flask import url_for

from casework.cases import sections
from casework.cases.sections import Mark
from casework.domain import notes as rules
from casework.domain.nextsteps import Step, Urgency
from casework.domain.sessions import KINDS as SESSION_KINDS
from casework.notes import queries
from casework.timeutil import local_today, to_local

TONES = {
    "none": "warn",
    rules.DRAFT: "warn",
    rules.AWAITING_COSIGN: "accent",
    rules.SIGNED: "muted",
}


def facts(case_ids: list[int]) -> dict[int, queries.LateNote]:
    return queries.late_notes(case_ids)


def _when(starts_at) -> str:
    local = to_local(starts_at)
    days = (local_today() - local.date()).days
    return f"{local:%A}'s" if days < 7 else f"the {local:%b %-d}"


def steps(case, late: queries.LateNote | None) -> list[Step]:
    if late is None or case.status == "closed":
        return []
    kind = SESSION_KINDS.get(late.kind, late.title).lower()
    verb = "Finish and sign" if late.note_id else "Write"
    href = (
        url_for("notes.edit", ref=case.reference, note_id=late.note_id)
        if late.note_id
        else url_for("notes.for_session", ref=case.reference, session_id=late.session_id)
    )
    return [
        Step(
            f"{verb} the note for {_when(late.starts_at)} {kind}",
            Urgency.OVERDUE,
            due=to_local(late.starts_at).date(),
            href=href,
        )
    ]


def marks(case, kind: str, ids: list[int]) -> dict[int, list[Mark]]:
    if kind == "CaseSession":
        result = {}
        for session_id, note in queries.held_session_notes(ids).items():
            state = rules.session_note_state(note.status)
            href = (
                url_for("notes.show", ref=case.reference, note_id=note.note_id)
                if note.note_id
                else url_for("notes.for_session", ref=case.reference, session_id=session_id)
            )
            result[session_id] = [Mark(rules.SESSION_NOTE_LABELS[state], href, TONES[state])]
        return result
    if kind == "Note":
        return {
            i: [Mark("Open the note", url_for("notes.show", ref=case.reference, note_id=i))]
            for i in ids
        }
    return {}


@dataclass(frozen=True)
class Landing:
    to_write: list
    to_sign: list
    awaiting: list
    to_review: list


def landing(user) -> Landing:
    if user.sees_every_case:
        return Landing([], queries.drafts_of(user.id), queries.awaiting_cosign(10), [])
    return Landing(queries.sessions_to_write(user.id), queries.drafts_of(user.id), [], [])


def record(case) -> dict:
    from casework.notes.record import notes_part

    return notes_part(case)


def init_app(app) -> None:
    app.jinja_env.globals.update(
        note_kinds=rules.KINDS,
        note_statuses=rules.STATUSES,
        # The supervisor's count in the navigation: notes to co-sign and to review.
        notes_waiting=lambda: sum(queries.supervision_counts()),
    )
    sections.register(
        app,
        sections.Section(
            name="notes",
            tab=sections.Tab("Notes", "notes.index", order=15, blueprint="notes"),
            actions="notes/_case_actions.html",
            caseload_panel=("notes/_landing.html", landing),
            facts=facts,
            steps=steps,
            marks=marks,
            record=record,
        ),
    )
