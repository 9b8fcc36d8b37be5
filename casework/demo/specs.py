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
  the assessment's second version;
- `[case.intervention]`, for a case that reached the intervention phase:
  `approach` (and `approach_other`), `chair = "lead"` when the interventionist
  chairs, `[[case.intervention.arise]]` levels (level, reason, `at`: how far
  through the phase; the first is the starting level), `day_after_days` (a
  case still getting ready: the day is booked this many days ahead), and
  `rehearsal_left` (checklist items not ticked after the rehearsal);
  - `[[case.intervention.member]]`: `contact` (a contact's name) or `name` and
    `relationship` for someone who is not a contact; `role`, `reading`, `seat`,
    `rehearsal` and `day` (attends; true unless false), `staff_notes`;
    `letter` (the state it reaches: draft, shared, returned, final) with
    `letter_text`, `comment` (staff's, when it was returned) and `first_draft`
    (the text returned, when it was then rewritten), `[...member.reopened]`
    (reason, letter_text: a final letter reopened and made final again);
    `bottom_line`; `stop` (enabling behaviours) and `own_words`. Members with
    a portal account write their own letter and bottom line;
  - `[[case.intervention.placement]]`: the placement's fields, with
    `bed_held_hours` and `admission_hours` counted from the day's start,
    `verified_by` (insurance verified, when), `financial` (the relationship)
    with `financial_text`, `chosen = true`;
  - `[case.intervention.outcome]` (a case past the day): `kind`, `detail`,
    `placement` (a facility), `admitted_hours`, `at_hours` (after the day's
    start, 2 unless given), `narrative` (the note of the day; {family} and
    {loved_one} as in notes.toml). Recording it moves the case to support.

- `[[case.consent]]`: the loved one's consents. `kind` (a built-in kind's
  code, or the label of one of the practice's own kinds, `[[consent_kind]]`
  in practice.toml), `recipients` (contacts' names; every contact unless
  given), `recipient_class`, `purpose`, `information`, `scopes` (the kind's
  defaults unless given), `phase` and `at` (when it was drafted: by default
  just before the portal invitations), `expires_after_days` (an end date
  that many days after it was drafted), `signed = false` (printed, not back
  yet; otherwise signed on paper and the scan received that day),
  `[...consent.revoked]` (phase, at, note) and `[...consent.event]` (phase,
  at: its ending event happened). A case with family on the portal and no
  consents given has the family-involvement consent naming every contact.

After the day, `aftercare.toml` holds each past-the-day case's follow-up as
`[story."<loved one's name>"]` (see `aftercare()`). Each entry is dated by
`day` (days after the first pathway's start: the day of the intervention, or
of the admission) or `days_ago` (days before the demo is seeded, for what
must stand the same way relative to today: a follow-up due now, one overdue):

- `[[...check_in]]`: `method`, `reached` ("loved_one" or contacts' names),
  `status` (domain.followups.LOVED_ONE_STATUSES), `days_since_use`,
  `returned_to_use` with `return_detail`, `medication`, `meetings`,
  `work_and_housing`, `narrative` (the note, signed; {family} and
  {loved_one} as in notes.toml), `barc10` (a BARC-10 total given at the
  check-in), and `[[...check_in.member]]` (contact, wellbeing, commitments,
  supports, `who5`: that member's WHO-5 total). A status of left_early or a
  return to use switches the pathway, as the service does;
- `[[...pathway]]`: a change of pathway made by staff (pathway, reason);
- `[[...support]]`: a family member's support (contact, kind, detail);
- `[...family_check_in]`: a check-in a family member sent from the portal
  (contact, status, loved_one_words, wellbeing, needs, who5), answering the
  follow-up open on its day and left waiting for staff to review.
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


def aftercare() -> dict[str, dict]:
    """Each past-the-day case's follow-up story, by the loved one's name."""
    return load("aftercare")["story"]


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
