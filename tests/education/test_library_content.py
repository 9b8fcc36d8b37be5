"""The shipped family education library: front matter, coverage, language and
reading level of every Markdown module in casework/education/library/."""

import math
import re
from functools import cache
from pathlib import Path

import pytest
import textstat

LIBRARY = Path(__file__).resolve().parents[2] / "casework" / "education" / "library"
MODULES = sorted(LIBRARY.glob("*.md"))

FRONT_MATTER_KEYS = {
    "slug",
    "title",
    "audience",
    "summary",
    "reading_time",
    "version",
    "topics",
    "sources",
}

# One slug per topic the practice promises every family.
REQUIRED_SLUGS = {
    "addiction-as-a-health-condition",
    "how-recovery-works",
    "motivation-and-stages-of-change",
    "enabling-versus-supporting",
    "communicating-with-your-loved-one",
    "what-happens-at-an-intervention",
    "writing-your-letter",
    "levels-of-treatment",
    "mutual-help-and-peer-support",
    "mental-health-and-substance-use",
    "return-to-use",
    "family-self-care-and-resilience",
    "setting-and-keeping-boundaries",
    "overdose-and-naloxone",
    "crisis-resources",
    "celebrating-progress-and-milestones",
}

STIGMATISING = re.compile(
    r"\b(addicts?|abusers?|junkies?|alcoholics?|clean|dirty|substance\s+abuse|drug\s+abuse)\b",
    re.IGNORECASE,
)
HTML_TAG = re.compile(r"</?[A-Za-z!][^>]*>")
REMOTE_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
MARKDOWN_LINK_OR_IMAGE = re.compile(r"!\[|\]\(")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

WORDS_PER_MINUTE = 200
MIN_WORDS, MAX_WORDS = 450, 900
# Flesch-Kincaid grade (textstat, syllables by Pyphen) of a module's plain
# text. The library aims at a 6th-8th grade reading level, so nothing may
# measure above the 8th grade: 8.5 leaves room for the measure's own wobble
# between textstat versions. The floor is lower than the aim because every
# heading and list item counts as a short sentence of its own; it catches a
# body that lost its prose. Today's modules measure between 5 and 7.
MIN_GRADE, MAX_GRADE = 4.0, 8.5

# Written for the test, not shipped: one paragraph in a family module's plain
# voice, and the same facts as a college textbook would put them.
PLAIN_PARAGRAPH = (
    "Addiction is a health problem, and it can be treated. Your loved one is not a bad "
    "person. Many people get better, and many families heal too. Recovery often takes "
    "more than one try, so a setback does not mean that treatment has failed. You can "
    "help by staying calm, keeping your promises, and taking care of yourself. Talk "
    "with your interventionist whenever you feel stuck or worried."
)
COLLEGE_PARAGRAPH = (
    "Substance use disorders are increasingly understood as chronic medical conditions "
    "rather than failures of character. Longitudinal research indicates that recovery "
    "frequently requires several attempts, and that outcomes improve considerably when "
    "medication is combined with behavioral therapy. Family involvement, particularly "
    "approaches emphasizing positive reinforcement over confrontation, is associated "
    "with higher rates of treatment entry."
)


@cache
def parse(path: Path) -> tuple[dict[str, str], str]:
    """Splits a module into its front matter (simple `key: value` lines) and body."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0] == "---", f"{path.name}: no front matter"
    assert "---" in lines[1:], f"{path.name}: front matter is not closed"
    end = lines.index("---", 1)
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        assert sep, f"{path.name}: front matter line without a colon: {line!r}"
        assert key.strip() not in meta, f"{path.name}: {key.strip()} given twice"
        meta[key.strip()] = value.strip()
    return meta, "\n".join(lines[end + 1 :])


def plain_text(body: str) -> str:
    """The body as a reader hears it: Markdown syntax gone, and every heading,
    list item or lead-in line its own sentence."""
    sentences = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line or re.fullmatch(r"[-*_]{3,}", line):
            continue
        line = re.sub(r"^#+\s*", "", line)  # headings
        line = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", line)  # list markers
        line = line.replace("*", "").replace("`", "")  # emphasis, code
        line = re.sub(r":$", ".", line)
        if not line.endswith((".", "!", "?")):
            line += "."
        sentences.append(line)
    return "\n".join(sentences)


def word_count(path: Path) -> int:
    return len(plain_text(parse(path)[1]).split())


@pytest.fixture(scope="module")
def fk_grade():
    """fk_grade(text) -> Flesch-Kincaid grade, syllables counted by Pyphen alone.

    Newer textstat looks words up in NLTK's CMU dictionary and downloads it at
    run time when it is missing; these machines are offline, so the look-up is
    switched off and every machine counts syllables the same way."""
    try:
        from textstat.backend.counts import _count_syllables
    except ImportError:  # textstat before 0.7.11 counts with Pyphen alone
        _count_syllables = None
    with pytest.MonkeyPatch.context() as mp:
        if _count_syllables is not None and hasattr(_count_syllables, "get_cmudict"):
            mp.setattr(_count_syllables, "get_cmudict", lambda lang: None)
        yield textstat.flesch_kincaid_grade


def outside_reading_range(grades: dict[str, float]) -> dict[str, float]:
    """The texts whose grade lies outside [MIN_GRADE, MAX_GRADE]."""
    return {name: grade for name, grade in grades.items() if not MIN_GRADE <= grade <= MAX_GRADE}


def grades_report(grades: dict[str, float]) -> str:
    return ", ".join(f"{name} {grade:.1f}" for name, grade in sorted(grades.items()))


def test_library_has_the_required_modules():
    slugs = {path.stem for path in MODULES}
    assert len(MODULES) >= 14
    assert not REQUIRED_SLUGS - slugs, f"missing: {sorted(REQUIRED_SLUGS - slugs)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_front_matter(path):
    meta, _ = parse(path)
    assert set(meta) == FRONT_MATTER_KEYS
    assert meta["slug"] == path.stem
    assert SLUG.match(meta["slug"])
    for key in ("title", "audience", "summary", "topics", "sources"):
        assert meta[key], f"{key} is empty"
    assert meta["version"].isdigit() and int(meta["version"]) >= 1
    assert meta["reading_time"].isdigit() and int(meta["reading_time"]) >= 1


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_length_and_reading_time(path):
    meta, _ = parse(path)
    words = word_count(path)
    assert MIN_WORDS <= words <= MAX_WORDS, f"{words} words"
    expected = math.ceil(words / WORDS_PER_MINUTE)
    assert abs(int(meta["reading_time"]) - expected) <= 1, f"{words} words"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_body_shape(path):
    _, body = parse(path)
    assert re.search(r"^## \S", body, re.MULTILINE), "no ## heading"
    assert re.search(r"^- \S", body, re.MULTILINE), "no bullet list"
    assert re.search(r"^## What you can do this week$", body, re.MULTILINE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_person_first_language(path):
    found = STIGMATISING.findall(path.read_text(encoding="utf-8"))
    assert not found, f"stigmatising terms: {found}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_no_html_links_or_images(path):
    text = path.read_text(encoding="utf-8")
    assert not HTML_TAG.search(text)
    assert not REMOTE_LINK.search(text)
    assert not MARKDOWN_LINK_OR_IMAGE.search(text)


def test_reading_level_range(fk_grade):
    grades = {path.stem: fk_grade(plain_text(parse(path)[1])) for path in MODULES}
    assert len(grades) == len(MODULES) >= 14
    outside = outside_reading_range(grades)
    assert not outside, (
        f"Flesch-Kincaid grade outside {MIN_GRADE}-{MAX_GRADE}: {grades_report(outside)}; "
        f"every module measured: {grades_report(grades)}"
    )


def test_the_reading_range_check_refuses_college_prose(fk_grade):
    grades = {
        "plain": fk_grade(plain_text(PLAIN_PARAGRAPH)),
        "college": fk_grade(plain_text(COLLEGE_PARAGRAPH)),
    }
    assert grades["college"] > MAX_GRADE + 4, grades_report(grades)
    assert outside_reading_range(grades) == {"college": grades["college"]}, grades_report(grades)
