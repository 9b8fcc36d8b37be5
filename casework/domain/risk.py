"""Risk flags from the assessment and the screening scores, and the safety
gate before the intervention phase. Plain Python."""

from collections.abc import Iterable, Mapping
from datetime import datetime

# Order is the order they show in, most urgent first.
FLAGS: dict[str, tuple[str, str]] = {
    "self_harm": (
        "Self-harm risk",
        "Thoughts of suicide or self-harm were reported. Make a safety plan with the family "
        "and share 988 (call or text).",
    ),
    "violence": (
        "Violence risk",
        "Violence or weapons in the home were reported. Plan for everyone's safety before "
        "any family meeting.",
    ),
    "children_at_risk": (
        "Children or vulnerable adults at risk",
        "Children or vulnerable adults live in the home. Consider their safety in every plan.",
    ),
    "overdose_risk": (
        "Overdose risk",
        "Opioid use, injection or a past overdose. Recommend naloxone for the household and "
        "teach the family how to use it.",
    ),
    "withdrawal_risk": (
        "Medically supervised withdrawal",
        "Heavy recent use of alcohol, benzodiazepines or opioids. Stopping suddenly can be "
        "dangerous: line up medically supervised withdrawal.",
    ),
    "impaired_driving": (
        "Impaired driving",
        "Driving while impaired was reported.",
    ),
}

# Flags that stop a case entering the intervention phase without a safety plan.
SAFETY_FLAGS = frozenset({"self_harm", "violence", "children_at_risk"})

WITHDRAWAL_SUBSTANCES = frozenset({"alcohol", "benzodiazepines", "opioids"})
OPIOIDS = frozenset({"opioids", "heroin", "fentanyl"})


def _yes(section: Mapping | None, *keys: str) -> bool:
    return bool(section) and any(bool(section.get(k)) for k in keys)


def assessment_flags(data: Mapping | None) -> set[str]:
    """Flags the recorded assessment raises."""
    if not data:
        return set()
    flags = set()
    safety = data.get("safety") or {}
    medical = data.get("medical") or {}
    use = data.get("use") or {}
    substances = {
        (row.get("substance") or "").strip().lower() for row in data.get("substances") or []
    }
    if _yes(safety, "suicidal_thoughts", "suicide_attempts", "self_harm"):
        flags.add("self_harm")
    if _yes(safety, "violence", "weapons_in_home"):
        flags.add("violence")
    if _yes(safety, "children_in_home", "vulnerable_adults_in_home"):
        flags.add("children_at_risk")
    if _yes(safety, "impaired_driving"):
        flags.add("impaired_driving")
    if WITHDRAWAL_SUBSTANCES & set(medical.get("heavy_recent_use") or []):
        flags.add("withdrawal_risk")
    if _yes(use, "overdose_history", "injection_use") or substances & OPIOIDS:
        flags.add("overdose_risk")
    return flags


def instrument_flags(latest: Iterable[Iterable[str]]) -> set[str]:
    """Risk flags raised by the latest score of each instrument."""
    flags = set()
    for score_flags in latest:
        if "self_harm" in score_flags:
            flags.add("self_harm")
    return flags


def risk_flags(data: Mapping | None, latest_score_flags: Iterable[Iterable[str]] = ()) -> list[str]:
    found = assessment_flags(data) | instrument_flags(latest_score_flags)
    return [flag for flag in FLAGS if flag in found]


def open_safety_flags(flags: Iterable[str]) -> list[str]:
    """The safety flags among these, most urgent first."""
    present = set(flags) & SAFETY_FLAGS
    return [f for f in FLAGS if f in present]


def needs_safety_attention(
    flags: Iterable[str], *, raised_at: datetime | None, covered_at: datetime | None
) -> bool:
    """Whether an open safety flag still waits for a safety plan or a review.

    `raised_at` is when a screening last raised a safety flag (None when only
    the assessment raised it); `covered_at` is when the latest safety plan or
    documented safety review was recorded. A new positive screening after the
    plan opens the concern again.
    """
    if not open_safety_flags(flags):
        return False
    if covered_at is None:
        return True
    return raised_at is not None and covered_at < raised_at


def intervention_blockers(flags: Iterable[str], *, has_safety_plan: bool) -> list[str]:
    """Why the case may not enter the intervention phase yet (empty: it may)."""
    open_safety = open_safety_flags(flags)
    if open_safety and not has_safety_plan:
        names = ", ".join(FLAGS[f][0].lower() for f in open_safety)
        return [f"Open safety flag ({names}): record a safety plan before the intervention."]
    return []
