"""Screening instruments and their scoring.

Each instrument is plain data: its items with the options a respondent picks
from, the bands its total falls into, and the flags certain answers raise.
``score`` checks a set of answers strictly and turns it into a ``Score``.

Item wording and cut-offs belong to the published instruments and are kept as
published; the source of each is named in its ``source`` text. Everything
else here (purposes, notes, band wording) is this project's own.

Answers map ``"q1"``...``"qN"`` to the raw value of the option chosen. For
most items the raw value is the points scored; the exception is an item marked
``reverse`` (DAST-10 item 3), which scores the mirror of its raw value.
"""

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "FLAG_LABELS",
    "INSTRUMENTS",
    "SEXES",
    "Band",
    "Instrument",
    "Item",
    "ItemFlag",
    "Option",
    "Score",
    "get_instrument",
    "options_for",
    "score",
]

# Respondent sex values the AUDIT-C thresholds depend on.
SEXES = ("male", "female")

# Short labels for the keys that may appear in ``Score.flags``.
FLAG_LABELS: dict[str, str] = {
    "poor_wellbeing": "Poor wellbeing (WHO-5)",
    "self_harm": "Thoughts of death or self-harm reported",
    "possible_dependence": "Possible alcohol dependence",
    "positive_screen": "Positive alcohol screen",
    "further_evaluation": "Further evaluation advised",
    "intensive_assessment": "Intensive assessment advised",
    "likely_remission": "Likely sustained remission",
}


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    options: tuple[Option, ...]
    # A reverse-scored item scores (highest value + lowest value - chosen value).
    reverse: bool = False

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    def points(self, value: int) -> int:
        if self.reverse:
            return max(self.values) + min(self.values) - value
        return value


@dataclass(frozen=True)
class Band:
    min: int
    max: int
    label: str
    # How much concern the band signals: none, low, mild, moderate,
    # moderately_severe, high, severe. For an instrument whose
    # ``higher_is_better`` is true (BARC-10) it names the level of the
    # strength measured instead, so "high" is the good end there.
    severity: str
    # Flag keys raised whenever the total falls in this band.
    flags: tuple[str, ...] = ()

    def contains(self, total: int) -> bool:
        return self.min <= total <= self.max


@dataclass(frozen=True)
class ItemFlag:
    """Raise ``flag`` when the raw answer to ``item`` is ``min_value`` or more."""

    item: str
    min_value: int
    flag: str


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    purpose: str
    respondent: str
    timeframe: str
    items: tuple[Item, ...]
    min_total: int
    max_total: int
    bands: tuple[Band, ...]
    source: str
    item_flags: tuple[ItemFlag, ...] = ()
    # Band sets that replace ``bands`` when the respondent's sex is known.
    sex_bands: tuple[tuple[str, tuple[Band, ...]], ...] = ()
    higher_is_better: bool = False
    note: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise ValueError(f"{self.code} has no item {key!r}")

    def bands_for(self, sex: str | None = None) -> tuple[Band, ...]:
        for band_sex, bands in self.sex_bands:
            if band_sex == sex:
                return bands
        return self.bands


@dataclass(frozen=True)
class Score:
    total: int
    band: str
    flags: list[str]
    severity: str = ""
    max_total: int = 0
    min_total: int = 0
    code: str = ""


def _items(options: tuple[Option, ...], *texts: str) -> tuple[Item, ...]:
    return tuple(
        Item(key=f"q{n}", text=text, options=options) for n, text in enumerate(texts, start=1)
    )


# --- AUDIT ---------------------------------------------------------------

_NEVER_TO_DAILY = (
    Option(0, "Never"),
    Option(1, "Less than monthly"),
    Option(2, "Monthly"),
    Option(3, "Weekly"),
    Option(4, "Daily or almost daily"),
)
_NO_YES_WHEN = (
    Option(0, "No"),
    Option(2, "Yes, but not in the last year"),
    Option(4, "Yes, during the last year"),
)

_AUDIT_CONSUMPTION = (
    Item(
        key="q1",
        text="How often do you have a drink containing alcohol?",
        options=(
            Option(0, "Never"),
            Option(1, "Monthly or less"),
            Option(2, "2 to 4 times a month"),
            Option(3, "2 to 3 times a week"),
            Option(4, "4 or more times a week"),
        ),
    ),
    Item(
        key="q2",
        text="How many drinks containing alcohol do you have on a typical day when you are "
        "drinking?",
        options=(
            Option(0, "1 or 2"),
            Option(1, "3 or 4"),
            Option(2, "5 or 6"),
            Option(3, "7, 8 or 9"),
            Option(4, "10 or more"),
        ),
    ),
    Item(
        key="q3",
        text="How often do you have six or more drinks on one occasion?",
        options=_NEVER_TO_DAILY,
    ),
)

_AUDIT_SOURCE = (
    "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use "
    "Disorders Identification Test. Guidelines for Use in Primary Care, 2nd edition. "
    "Geneva: World Health Organization, 2001 (WHO/MSD/MSB/01.6a). Risk zones as given "
    "there: 0-7, 8-15, 16-19, 20-40."
)

AUDIT = Instrument(
    code="AUDIT",
    name="Alcohol Use Disorders Identification Test",
    purpose="Finds drinking that is risky, already causing harm, or may be dependence.",
    respondent="The person of concern answers about their own drinking, on paper or by "
    "interview. A 'drink' means a standard drink.",
    timeframe="In the last year",
    items=_AUDIT_CONSUMPTION
    + (
        Item(
            key="q4",
            text="How often during the last year have you found that you were not able to "
            "stop drinking once you had started?",
            options=_NEVER_TO_DAILY,
        ),
        Item(
            key="q5",
            text="How often during the last year have you failed to do what was normally "
            "expected from you because of drinking?",
            options=_NEVER_TO_DAILY,
        ),
        Item(
            key="q6",
            text="How often during the last year have you needed a first drink in the "
            "morning to get yourself going after a heavy drinking session?",
            options=_NEVER_TO_DAILY,
        ),
        Item(
            key="q7",
            text="How often during the last year have you had a feeling of guilt or remorse "
            "after drinking?",
            options=_NEVER_TO_DAILY,
        ),
        Item(
            key="q8",
            text="How often during the last year have you been unable to remember what "
            "happened the night before because you had been drinking?",
            options=_NEVER_TO_DAILY,
        ),
        Item(
            key="q9",
            text="Have you or someone else been injured as a result of your drinking?",
            options=_NO_YES_WHEN,
        ),
        Item(
            key="q10",
            text="Has a relative or friend or a doctor or another health worker been "
            "concerned about your drinking or suggested you cut down?",
            options=_NO_YES_WHEN,
        ),
    ),
    min_total=0,
    max_total=40,
    bands=(
        Band(0, 7, "Zone I: low risk", "low"),
        Band(8, 15, "Zone II: hazardous drinking", "moderate"),
        Band(16, 19, "Zone III: harmful drinking", "high"),
        Band(20, 40, "Zone IV: possible dependence", "severe", ("possible_dependence",)),
    ),
    source=_AUDIT_SOURCE,
    note="Items 9 and 10 offer only 0, 2 or 4 points. WHO treats the zone cut-offs as a "
    "guide to be weighed with clinical judgement, and suggests the next level of help when "
    "items 4-6 score 2 or more or item 9 or 10 scores 4.",
)


# --- AUDIT-C -------------------------------------------------------------

AUDIT_C = Instrument(
    code="AUDIT-C",
    name="AUDIT Alcohol Consumption Questions",
    purpose="A three-question check for drinking above safe limits or an active alcohol "
    "use disorder.",
    respondent="The person of concern answers about their own drinking. A 'drink' means a "
    "standard drink. Record their sex so the right threshold applies.",
    timeframe="In the last year",
    items=_AUDIT_CONSUMPTION,
    min_total=0,
    max_total=12,
    # With sex unknown, the lower (women's) threshold is used so no positive screen is missed.
    bands=(
        Band(0, 2, "Negative (below 3; sex not recorded, lower threshold used)", "low"),
        Band(
            3,
            12,
            "Positive (3 or more; sex not recorded, lower threshold used)",
            "moderate",
            ("positive_screen",),
        ),
    ),
    sex_bands=(
        (
            "male",
            (
                Band(0, 3, "Negative for men (below 4)", "low"),
                Band(4, 12, "Positive for men (4 or more)", "moderate", ("positive_screen",)),
            ),
        ),
        (
            "female",
            (
                Band(0, 2, "Negative for women (below 3)", "low"),
                Band(3, 12, "Positive for women (3 or more)", "moderate", ("positive_screen",)),
            ),
        ),
    ),
    source=(
        "Items 1-3 of the WHO AUDIT (Babor et al. 2001). Thresholds: 4 or more for men, "
        "Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol consumption "
        "questions (AUDIT-C). Archives of Internal Medicine 1998;158(16):1789-1795; 3 or more "
        "for women, Bradley KA et al. Two brief alcohol-screening tests from the AUDIT: "
        "validation in a female Veterans Affairs patient population. Archives of Internal "
        "Medicine 2003;163(7):821-829. See also Bradley KA et al. AUDIT-C as a brief screen "
        "for alcohol misuse in primary care. Alcoholism: Clinical and Experimental Research "
        "2007;31(7):1208-1217."
    ),
    note="Some national guidance (for example in the UK) uses 5 or more for everyone; this "
    "instrument follows the US sex-specific thresholds. When every point comes from item 1, "
    "drinking is often within limits: review recent intake before acting on a positive screen.",
)


# --- DAST-10 -------------------------------------------------------------

_NO_YES = (Option(0, "No"), Option(1, "Yes"))

DAST_10 = Instrument(
    code="DAST-10",
    name="Drug Abuse Screening Test (10 items)",
    purpose="Measures how far drug use, other than alcohol, has been causing problems.",
    respondent="The person of concern answers yes or no, alone or by interview. Drug use "
    "means prescribed or over-the-counter drugs beyond the directions, or any non-medical "
    "use; alcohol does not count.",
    timeframe="In the past 12 months",
    items=(
        Item("q1", "Have you used drugs other than those required for medical reasons?", _NO_YES),
        Item("q2", "Do you abuse more than one drug at a time?", _NO_YES),
        Item(
            "q3",
            "Are you always able to stop using drugs when you want to?",
            _NO_YES,
            reverse=True,
        ),
        Item("q4", 'Have you had "blackouts" or "flashbacks" as a result of drug use?', _NO_YES),
        Item("q5", "Do you ever feel bad or guilty about your drug use?", _NO_YES),
        Item(
            "q6",
            "Does your spouse (or parents) ever complain about your involvement with drugs?",
            _NO_YES,
        ),
        Item("q7", "Have you neglected your family because of your use of drugs?", _NO_YES),
        Item("q8", "Have you engaged in illegal activities in order to obtain drugs?", _NO_YES),
        Item(
            "q9",
            "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking "
            "drugs?",
            _NO_YES,
        ),
        Item(
            "q10",
            "Have you had medical problems as a result of your drug use (e.g., memory loss, "
            "hepatitis, convulsions, bleeding, etc.)?",
            _NO_YES,
        ),
    ),
    min_total=0,
    max_total=10,
    bands=(
        Band(0, 0, "No problems reported", "none"),
        Band(1, 2, "Low level", "low"),
        Band(3, 5, "Moderate level", "moderate"),
        Band(6, 8, "Substantial level", "high", ("intensive_assessment",)),
        Band(9, 10, "Severe level", "severe", ("intensive_assessment",)),
    ),
    source=(
        "Skinner HA. The Drug Abuse Screening Test. Addictive Behaviors 1982;7(4):363-371. "
        "Copyright 1982 Harvey A. Skinner and the Centre for Addiction and Mental Health, "
        "Toronto; may be reproduced for clinical, research and training use with credit to "
        "the author. Score bands and suggested actions as tabulated in the Australian "
        "comorbidity guidelines (Appendix W)."
    ),
    note="Item 3 is reverse-scored: answering 'No' scores 1 point.",
)


# --- PHQ-9 and GAD-7 -----------------------------------------------------

_FREQUENCY_2_WEEKS = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)

PHQ_9 = Instrument(
    code="PHQ-9",
    name="Patient Health Questionnaire (9 items)",
    purpose="Screens for depression and measures how severe it is.",
    respondent="The person of concern answers how often each problem has bothered them.",
    timeframe="Over the last 2 weeks",
    items=_items(
        _FREQUENCY_2_WEEKS,
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    min_total=0,
    max_total=27,
    bands=(
        Band(0, 4, "Minimal depression", "none"),
        Band(5, 9, "Mild depression", "mild"),
        Band(10, 14, "Moderate depression", "moderate", ("further_evaluation",)),
        Band(
            15,
            19,
            "Moderately severe depression",
            "moderately_severe",
            ("further_evaluation",),
        ),
        Band(20, 27, "Severe depression", "severe", ("further_evaluation",)),
    ),
    item_flags=(ItemFlag("q9", 1, "self_harm"),),
    source=(
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
        "severity measure. Journal of General Internal Medicine 2001;16(9):606-613. Developed "
        "with an educational grant from Pfizer Inc.; free to reproduce, translate, display "
        "and distribute."
    ),
    note="Any answer above 'Not at all' on item 9 needs a safety check the same day, whatever "
    "the total.",
)

GAD_7 = Instrument(
    code="GAD-7",
    name="Generalized Anxiety Disorder scale (7 items)",
    purpose="Screens for anxiety and measures how severe it is.",
    respondent="The person of concern answers how often each problem has bothered them.",
    timeframe="Over the last 2 weeks",
    items=_items(
        _FREQUENCY_2_WEEKS,
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
    min_total=0,
    max_total=21,
    bands=(
        Band(0, 4, "Minimal anxiety", "none"),
        Band(5, 9, "Mild anxiety", "mild"),
        Band(10, 14, "Moderate anxiety", "moderate", ("further_evaluation",)),
        Band(15, 21, "Severe anxiety", "severe", ("further_evaluation",)),
    ),
    source=(
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing "
        "generalized anxiety disorder: the GAD-7. Archives of Internal Medicine "
        "2006;166(10):1092-1097. Developed with an educational grant from Pfizer Inc.; free "
        "to reproduce, translate, display and distribute."
    ),
    note="The authors suggest further evaluation at a total of 10 or more.",
)


# --- BARC-10 -------------------------------------------------------------

_AGREEMENT_6 = (
    Option(1, "Strongly disagree"),
    Option(2, "Disagree"),
    Option(3, "Somewhat disagree"),
    Option(4, "Somewhat agree"),
    Option(5, "Agree"),
    Option(6, "Strongly agree"),
)

BARC_10 = Instrument(
    code="BARC-10",
    name="Brief Assessment of Recovery Capital (10 items)",
    purpose="Measures the personal and social resources a person has to support recovery.",
    respondent="The person in recovery rates how much they agree with each statement.",
    timeframe="At present",
    items=_items(
        _AGREEMENT_6,
        "There are more important things to me in life than using substances.",
        "In general I am happy with my life.",
        "I have enough energy to complete the tasks I set myself.",
        "I am proud of the community I live in and feel part of it.",
        "I get lots of support from friends.",
        "I regard my life as challenging and fulfilling without the need for using drugs or "
        "alcohol.",
        "My living space has helped to drive my recovery journey.",
        "I take full responsibility for my actions.",
        "I am happy dealing with a range of professional people.",
        "I am making good progress on my recovery journey.",
    ),
    min_total=10,
    max_total=60,
    bands=(
        Band(10, 46, "Below the sustained-remission cut-off (46 or less)", "low"),
        Band(
            47,
            60,
            "At or above the sustained-remission cut-off (47 or more)",
            "high",
            ("likely_remission",),
        ),
    ),
    higher_is_better=True,
    source=(
        "Vilsaint CL, Kelly JF, Bergman BG, Groshkova T, Best D, White W. Development and "
        "validation of a Brief Assessment of Recovery Capital (BARC-10) for alcohol and drug "
        "use disorder. Drug and Alcohol Dependence 2017;177:71-76. Six-point agreement scale "
        "scored 1-6 (total 10-60); a total of 47 or more predicted sustained remission (more "
        "than 12 months) in the validation sample."
    ),
    note="Higher totals mean more recovery capital. The cut-off was found in one sample and "
    "is a guide, not a diagnosis.",
)


# --- WHO-5 -----------------------------------------------------------------

_TIME_6 = (
    Option(5, "All of the time"),
    Option(4, "Most of the time"),
    Option(3, "More than half of the time"),
    Option(2, "Less than half of the time"),
    Option(1, "Some of the time"),
    Option(0, "At no time"),
)

WHO_5 = Instrument(
    code="WHO-5",
    name="WHO-5 Well-Being Index",
    purpose="Measures current mental wellbeing; used here for each family member.",
    respondent="The person answers for themselves.",
    timeframe="Over the last two weeks",
    items=_items(
        _TIME_6,
        "I have felt cheerful and in good spirits.",
        "I have felt calm and relaxed.",
        "I have felt active and vigorous.",
        "I woke up feeling fresh and rested.",
        "My daily life has been filled with things that interest me.",
    ),
    min_total=0,
    max_total=25,
    bands=(
        Band(0, 12, "Poor wellbeing (raw score below 13)", "low", ("poor_wellbeing",)),
        Band(13, 25, "Wellbeing not in the poor range (13 or more)", "high"),
    ),
    higher_is_better=True,
    source=(
        "World Health Organization, Regional Office for Europe. Wellbeing measures in primary "
        "health care: the DepCare Project. Copenhagen: WHO; 1998. Topp CW, Østergaard SD, "
        "Søndergaard S, Bech P. The WHO-5 Well-Being Index: a systematic review of the "
        "literature. Psychotherapy and Psychosomatics 2015;84:167-176. Five items scored 0-5 "
        "(raw total 0-25); the percentage score is the raw total times 4; a raw total below "
        "13 indicates poor wellbeing."
    ),
    note="The percentage score is the raw total times 4 (0-100). Poor wellbeing is a reason "
    "to ask how the person is coping, and to offer support, not a diagnosis.",
)


def who5_percentage(raw_total: int) -> int:
    """The WHO-5 percentage score: the raw total (0-25) times 4."""
    if not 0 <= raw_total <= 25:
        raise ValueError(f"WHO-5 raw totals run from 0 to 25, not {raw_total}")
    return raw_total * 4


INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument
    for instrument in (AUDIT, AUDIT_C, DAST_10, PHQ_9, GAD_7, BARC_10, WHO_5)
}


def get_instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except (KeyError, TypeError):
        known = ", ".join(INSTRUMENTS)
        raise ValueError(f"Unknown instrument {code!r}; known: {known}") from None


def options_for(code: str, key: str) -> tuple[Option, ...]:
    """The options offered for item ``key`` of instrument ``code``."""
    return get_instrument(code).item(key).options


def _check_answers(instrument: Instrument, answers: Mapping[str, int]) -> None:
    if not isinstance(answers, Mapping):
        raise ValueError(f"{instrument.code}: answers must be a mapping of item keys to values")
    expected = instrument.keys
    missing = [key for key in expected if key not in answers]
    if missing:
        raise ValueError(f"{instrument.code}: missing answers for {', '.join(missing)}")
    extra = sorted(str(key) for key in answers if key not in expected)
    if extra:
        raise ValueError(f"{instrument.code}: unknown items {', '.join(extra)}")
    for item in instrument.items:
        value = answers[item.key]
        # bool is a subclass of int but never a valid answer.
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(
                f"{instrument.code} {item.key}: answer must be an int, not {type(value).__name__}"
            )
        if value not in item.values:
            allowed = ", ".join(str(v) for v in item.values)
            raise ValueError(
                f"{instrument.code} {item.key}: {value} is not an option (allowed: {allowed})"
            )


def score(code: str, answers: Mapping[str, int], *, sex: str | None = None) -> Score:
    """Score a complete set of answers.

    ``sex`` ("male", "female" or None) matters only where thresholds differ by
    sex (AUDIT-C); with None the lower threshold applies and the band says so.
    Raises ValueError for an unknown code, an unknown sex, or answers that are
    missing, extra, not ints, or not among an item's option values.
    """
    instrument = get_instrument(code)
    if sex is not None and sex not in SEXES:
        raise ValueError(f"sex must be one of {', '.join(SEXES)} or None, not {sex!r}")
    _check_answers(instrument, answers)

    total = sum(item.points(answers[item.key]) for item in instrument.items)
    band = next(b for b in instrument.bands_for(sex) if b.contains(total))

    # Item-level safety flags come first: they matter whatever the total.
    flags: list[str] = []
    for rule in instrument.item_flags:
        if answers[rule.item] >= rule.min_value and rule.flag not in flags:
            flags.append(rule.flag)
    flags.extend(flag for flag in band.flags if flag not in flags)

    return Score(
        total=total,
        band=band.label,
        flags=flags,
        severity=band.severity,
        max_total=instrument.max_total,
        min_total=instrument.min_total,
        code=instrument.code,
    )
