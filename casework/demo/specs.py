"""The demo's records, read from the TOML files in `data/`.

A case (`[[case]]` in cases_*.toml) has the intake fields (loved_one_name,
preferred_name, pronouns, age, concerns, urgency, referral_source, summary),
and:

- `interventionist` (and optionally `co_interventionist`): staff emails;
- `opened_days_ago`: when the family first called;
- `phase`: where the case is today; a closed case also has `closing_reason`
  and `closed_from` (the phase it closed from);
- `booked_ahead = false` when no session is booked yet;
- `[[case.contact]]`: name, relationship, phone, email; `portal = true` when
  the contact has accepted a portal invitation;
- `[case.assessment]`: sections in the shape of the assessment form's data;
- `[[case.screening]]`: code, total, the phase it was given in and `at` how far
  through it (0 to 1), `reporter` (a contact's name) when a family member
  answered, `fixed` answers to pin (PHQ-9 item 9);
- `[case.safety_plan]`: the plan's fields;
- `[case.revision]`: phase, at, reason, and the sections that changed in
  the assessment's second version.
"""

import tomllib
from functools import cache
from importlib.resources import files

DATA = files("casework.demo") / "data"


@cache
def load(name: str) -> dict:
    """One data file, parsed (`name` without the .toml)."""
    return tomllib.loads((DATA / f"{name}.toml").read_text(encoding="utf-8"))


def practice() -> dict:
    return load("practice")


def notes() -> dict:
    return load("notes")


def synthetic() -> dict:
    return load("synthetic")


def cases() -> list[dict]:
    """Every named case, in the order of the files (by phase) and within them."""
    names = sorted(
        entry.name.removesuffix(".toml")
        for entry in DATA.iterdir()
        if entry.name.startswith("cases_") and entry.name.endswith(".toml")
    )
    return [case for name in names for case in load(name)["case"]]
