"""What to do about a risk flag ("Recommend naloxone for the household ...")
is written on the case's pages beside the flag, not hidden in a tooltip."""

from html.parser import HTMLParser

import pytest

from casework.domain import risk
from casework.extensions import db


class Text(HTMLParser):
    """The page's text as a reader gets it, and its title attributes apart."""

    def __init__(self):
        super().__init__()
        self.text, self.titles = [], []

    def handle_starttag(self, tag, attrs):
        self.titles += [value for name, value in attrs if name == "title" and value]

    def handle_data(self, data):
        self.text.append(data)


def read(html: str) -> tuple[str, str]:
    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.text).split()), " ".join(parser.titles)


@pytest.mark.parametrize("page", ["", "assessment/", "sessions/"])
def test_each_flag_shows_its_guidance_as_text(people, as_user, page):
    case = people["case"]
    case.risk_flags = ["self_harm", "overdose_risk"]
    db.session.commit()
    html = as_user(people["owner"]).get(f"/cases/{case.reference}/{page}").get_data(as_text=True)
    text, titles = read(html)
    for flag in case.risk_flags:
        label, guidance = risk.FLAGS[flag]
        assert f"{label} {guidance}" in text
        assert guidance not in titles
    assert "Recommend naloxone for the household" in text
