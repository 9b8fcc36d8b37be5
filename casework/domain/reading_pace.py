"""How the portal speaks of a family member's reading: a date is a suggestion,
never a deadline they have failed, and progress is praised. Plain Python.
(Staff keep the plain facts: what is overdue stays overdue on their side.)"""

from datetime import date


def suggested_by(due: date, today: date) -> str:
    """'Suggested by today', 'Suggested by Friday' within the week ahead, and
    the date itself otherwise ('Suggested by Mar 3'), even once it has passed."""
    days = (due - today).days
    if days == 0:
        return "Suggested by today"
    if days == 1:
        return "Suggested by tomorrow"
    if 1 < days < 7:
        return f"Suggested by {due:%A}"
    return f"Suggested by {due:%b} {due.day}"


def progress_words(finished: int, total: int) -> str:
    """A word about the member's reading that encourages whatever the count."""
    if total == 0:
        return ""
    if finished == 0:
        return f"{total} to read, whenever you are ready. There is no rush."
    if finished == total:
        return (
            "You have read it — well done."
            if total == 1
            else f"You have read all {total} — well done."
        )
    return f"You have read {finished} of {total} — well done."
