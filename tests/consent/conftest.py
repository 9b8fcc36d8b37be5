"""Helpers for the consent tests: what a reader sees of a page or a PDF."""

import html
import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.cases.models import Contact
from casework.extensions import db


def text_of(response) -> str:
    """A page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    body = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    pages = PdfReader(BytesIO(response.data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def flat(words: str) -> str:
    return " ".join(words.split())


@pytest.fixture
def fran(people):
    """The family member with a portal account, as a contact of the case."""
    return db.session.scalar(select(Contact).where(Contact.user_id == people["family"].id))
