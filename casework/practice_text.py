"""Text the practice prints and shows families, defined once: the crisis
lines and the 42 CFR Part 2 re-disclosure statement.

Pages and printed documents take them from the Jinja globals `crisis_lines`
and `redisclosure_statement` (casework.templating registers these very
objects); tests/test_practice_text.py fails if a copy appears anywhere else.
"""

from typing import NamedTuple


class CrisisLine(NamedTuple):
    name: str  # who answers
    number: str  # as printed
    how: str  # when and how to reach them, in a sentence
    href: str  # the link a phone dials


CRISIS_LINES: tuple[CrisisLine, ...] = (
    CrisisLine("988 Suicide and Crisis Lifeline", "988", "Call or text 988, any time", "tel:988"),
    CrisisLine("Emergency", "911", "Call 911 if someone is in immediate danger", "tel:911"),
    CrisisLine(
        "Poison Control",
        "1-800-222-1222",
        "Call 1-800-222-1222 for an overdose or poisoning question",
        "tel:18002221222",
    ),
)

# The wording of 42 CFR 2.32(a)(1) as amended in 2024 (89 FR 12472), carried by
# every page and PDF that discloses case information outside staff.
REDISCLOSURE_STATEMENT = (
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, "
    "or testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with "
    "42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from making any other "
    "use or disclosure of this record unless at least one of the following applies: "
    "(i) Further use or disclosure is expressly permitted by the written consent of the "
    "individual whose information is being disclosed in this record or as otherwise "
    "permitted by 42 CFR part 2. (ii) You are a covered entity or business associate and "
    "have received the record for treatment, payment, or health care operations, or "
    "(iii) You have received the record from a covered entity or business associate as "
    "permitted by 45 CFR part 164, subparts A and E. A general authorization for the "
    "release of medical or other information is NOT sufficient to meet the required "
    "elements of written consent to further use or redisclose the record (see 42 CFR 2.31)."
)
