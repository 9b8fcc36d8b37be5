"""The audit log as CSV for a spreadsheet: the sentence the screen shows and
the columns it is made of. No summary and no reason, so nothing clinical."""

import csv
import io

from casework.audit.queries import LogRow
from casework.audit.sentences import ACTION_LABELS
from casework.timeutil import format_local

COLUMNS = ("What happened", "When (practice time)", "Who", "Action", "Case", "Record", "Address")

# A cell a spreadsheet would run as a formula (or whose leading tab or
# carriage return hides one) is written as text: with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row_cells(row: LogRow) -> list[str]:
    who = f"{row.actor} <{row.actor_email}>" if row.actor else ""
    case = row.case or ", ".join(row.cases_shown or [])
    values = (
        row.sentence.text,
        format_local(row.occurred_at, "%Y-%m-%d %H:%M:%S"),
        who,
        ACTION_LABELS.get(row.action, row.action),
        case,
        row.record,
        row.ip,
    )
    return [cell(value) for value in values]


def csv_bytes(rows: list[LogRow]) -> bytes:
    """UTF-8 with a byte order mark, so a spreadsheet reads the names right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row_cells(row) for row in rows)
    return out.getvalue().encode("utf-8-sig")
