"""Kinds of consent: the two every practice starts with, and those a practice
adds (a label, a default purpose, default scopes) and may later archive.

A built-in kind gets its `consent_kinds` row the first time a consent of it
is drafted; a practice's own kind is a row from the start. A new consent
starts from its kind's defaults (see `service.draft_from_kind`).
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casework.audit.models import Action
from casework.audit.service import record
from casework.consent.models import ConsentKind
from casework.domain.consent import KIND_LABELS, Kind, Scope
from casework.extensions import db
from casework.timeutil import utcnow


class KindError(ValueError):
    """A kind the practice may not add or archive, said for the form."""

    def __init__(self, message: str, field_name: str = "label"):
        super().__init__(message)
        self.field_name = field_name


@dataclass(frozen=True)
class KindInfo:
    code: str
    label: str
    purpose: str
    scopes: tuple[str, ...]
    recipient_class: str = ""
    expiry_event: str = ""
    built_in: bool = False
    id: int | None = None
    archived_at: datetime | None = None
    archive_reason: str | None = None


BUILT_IN = {
    Kind.FAMILY_INVOLVEMENT.value: KindInfo(
        code=Kind.FAMILY_INVOLVEMENT.value,
        label=KIND_LABELS[Kind.FAMILY_INVOLVEMENT],
        purpose=(
            "To involve my family in my care: so that the family members named here can "
            "take part in the family's sessions, read what the practice prepares for them, "
            "and follow how my treatment and recovery are going."
        ),
        scopes=(Scope.SESSIONS, Scope.PACKETS, Scope.INTERVENTION, Scope.AFTERCARE),
        expiry_event="When my case with the practice closes",
        built_in=True,
    ),
    Kind.PROVIDER_COORDINATION.value: KindInfo(
        code=Kind.PROVIDER_COORDINATION.value,
        label=KIND_LABELS[Kind.PROVIDER_COORDINATION],
        purpose=(
            "To coordinate my treatment: so that the practice and my treatment providers "
            "can plan my admission, my care and my follow-up together."
        ),
        scopes=(Scope.INTERVENTION, Scope.AFTERCARE),
        recipient_class="My treating providers",
        expiry_event="When my follow-up with the practice ends",
        built_in=True,
    ),
}


def _info(row: ConsentKind) -> KindInfo:
    base = BUILT_IN.get(row.code)
    if base is not None:
        return base
    return KindInfo(
        code=row.code,
        label=row.label,
        purpose=row.default_purpose or "",
        scopes=tuple(row.default_scopes or ()),
        id=row.id,
        archived_at=row.archived_at,
        archive_reason=row.archive_reason,
    )


def practice_kinds(include_archived: bool = True) -> list[KindInfo]:
    """The kinds the practice added, archived ones last (one statement)."""
    query = select(ConsentKind).where(ConsentKind.code.not_in(list(BUILT_IN)))
    if not include_archived:
        query = query.where(ConsentKind.archived_at.is_(None))
    rows = db.session.scalars(
        query.order_by(ConsentKind.archived_at.is_not(None), ConsentKind.label)
    )
    return [_info(r) for r in rows]


def available() -> list[KindInfo]:
    """What a new consent may be: the built-in kinds, then the practice's own."""
    return [*BUILT_IN.values(), *practice_kinds(include_archived=False)]


def find(code: str | None) -> KindInfo | None:
    """A kind a new consent may be drafted from (not an archived one)."""
    if not code:
        return None
    if code in BUILT_IN:
        return BUILT_IN[code]
    row = db.session.scalar(
        select(ConsentKind).where(ConsentKind.code == code, ConsentKind.archived_at.is_(None))
    )
    return _info(row) if row is not None else None


def row_for(code: str) -> ConsentKind:
    """The kind's row, made on first use for a built-in kind. A second request
    making the same row at the same moment is answered by reading it back."""
    found = db.session.scalar(select(ConsentKind).where(ConsentKind.code == code))
    if found is not None:
        return found
    info = BUILT_IN[code]  # a practice's own kind always has its row
    made = ConsentKind(
        code=code, label=info.label, default_purpose=info.purpose, default_scopes=list(info.scopes)
    )
    try:
        with db.session.begin_nested():
            db.session.add(made)
    except IntegrityError:
        return db.session.scalar(select(ConsentKind).where(ConsentKind.code == code))
    return made


def _code_for(label: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:30] or "kind"
    taken = set(db.session.scalars(select(ConsentKind.code))) | set(BUILT_IN)
    code, n = stem, 1
    while code in taken:
        n += 1
        code = f"{stem}_{n}"
    return code


def add_kind(label: str, purpose: str, scopes: list[str], by) -> ConsentKind:
    label = " ".join(label.split())
    names = {k.label.casefold() for k in available()}
    if label.casefold() in names:
        raise KindError(f"There is a kind called {label} already.")
    unknown = set(scopes) - {s.value for s in Scope}
    if unknown or not scopes:
        raise KindError("Choose at least one kind of information.", "scopes")
    made = ConsentKind(
        code=_code_for(label),
        label=label,
        default_purpose=purpose.strip(),
        default_scopes=[s.value for s in Scope if s.value in scopes],
    )
    db.session.add(made)
    db.session.flush()
    record(Action.CREATE, obj=made, summary=f"Consent kind added: {label}", actor=by)
    return made


def archive_kind(kind: ConsentKind, reason: str, by) -> None:
    if kind.code in BUILT_IN:
        raise KindError("The practice's starting kinds stay.", "reason")
    if kind.archived_at is not None:
        raise KindError(f"{kind.label} was archived already.", "reason")
    kind.archived_at = utcnow()
    kind.archive_reason = reason
    record(Action.UPDATE, obj=kind, summary=f"Consent kind archived: {kind.label}", actor=by)
