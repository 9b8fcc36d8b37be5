from datetime import date

import pytest

from casework.domain.reading_pace import progress_words, suggested_by

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("due", "words"),
    [
        (date(2026, 11, 23), "Suggested by today"),
        (date(2026, 11, 24), "Suggested by tomorrow"),
        (date(2026, 11, 27), "Suggested by Friday"),
        (date(2026, 11, 29), "Suggested by Sunday"),
        (date(2026, 11, 30), "Suggested by Nov 30"),
        (date(2027, 3, 3), "Suggested by Mar 3"),
        # Passed: still the calm date, never "overdue".
        (date(2026, 11, 20), "Suggested by Nov 20"),
    ],
)
def test_a_date_reads_as_a_suggestion(due, words):
    assert suggested_by(due, MONDAY) == words


def test_progress_is_encouraging_whatever_the_count():
    assert progress_words(0, 0) == ""
    assert progress_words(0, 3) == "3 to read, whenever you are ready. There is no rush."
    assert progress_words(3, 5) == "You have read 3 of 5 — well done."
    assert progress_words(5, 5) == "You have read all 5 — well done."
    assert progress_words(1, 1) == "You have read it — well done."
