"""Each order box of the packet builder is labelled with its module, so a
screen reader hears "Order for Overdose and naloxone", not a row of "order"."""

from html.parser import HTMLParser

from sqlalchemy import select

from casework.education import library
from casework.education.models import EducationModule
from casework.extensions import db


class Labels(HTMLParser):
    """Order inputs by id, and the text of each label by the id it is for."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labels, self._for = [], {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and (attrs.get("name") or "").startswith("pos-"):
            self.inputs.append(attrs)
        if tag == "label":
            self._for = attrs.get("for")
            self.labels[self._for] = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self._for = None

    def handle_data(self, data):
        if self._for is not None:
            self.labels[self._for] += data


def test_every_order_box_names_its_module(people, as_user):
    library.sync()
    db.session.commit()
    titles = {str(m.latest.id): m.latest.title for m in db.session.scalars(select(EducationModule))}
    case = people["case"]
    html = (
        as_user(people["owner"]).get(f"/cases/{case.reference}/packets/new").get_data(as_text=True)
    )
    parser = Labels()
    parser.feed(html)
    assert len(parser.inputs) == len(titles) > 3
    names = []
    for box in parser.inputs:
        version = box["name"].removeprefix("pos-")
        name = " ".join(parser.labels[box["id"]].split())
        assert name == f"Order for {titles[version]}"
        names.append(name)
    assert len(set(names)) == len(names)
