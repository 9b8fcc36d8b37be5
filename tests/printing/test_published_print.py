"""Print that looks published: tagged PDF/UA, no near-empty pages, a book's
measure, typographic quotes, hyphenation, and every page looked at as a picture.

The library packet (every shipped module) is rendered once for this file.
The visual check compares one page of a fixed packet with
tests/printing/reference/packet-module-page.png; after a deliberate change of
layout, regenerate it with

    CASEWORK_UPDATE_PRINT_REFERENCE=1 .venv/bin/pytest --db sqlite \
        tests/printing/test_published_print.py -k reference

and look at the new picture before committing it.
"""

import io
import os
import re
import shutil
import statistics
import subprocess
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import Markup
from PIL import Image, ImageChops, ImageFont, ImageStat
from pypdf import PdfReader

from casework import markdown
from casework.assessment import charts
from casework.domain import sessions as session_rules
from casework.domain.instruments import INSTRUMENTS
from casework.education import library
from casework.education.packet import letter_paragraphs, packet_context
from casework.printing import html_to_pdf, render_html
from casework.printing.fetcher import STATIC_DIR
from tests.conftest import login

REFERENCE = Path(__file__).with_name("reference") / "packet-module-page.png"
UPDATE_REFERENCE = os.environ.get("CASEWORK_UPDATE_PRINT_REFERENCE") == "1"
# Mean absolute difference per pixel (0-255, greyscale at 40 dpi). Font
# rasterising differs a little between machines; a moved line or a changed
# margin costs several times this.
REFERENCE_TOLERANCE = 1.5
DEMO_PASSWORD = "demo-print-password-1"
# A page that continues a chapter with fewer lines than this is a defect (a
# stray list item, or the sources alone).
MIN_LINES_ON_A_CONTINUED_PAGE = 8
SOFT_HYPHEN_BREAK = "\u2010"  # what WeasyPrint prints where it hyphenated a word

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdfinfo") and shutil.which("pdffonts")),
    reason="poppler-utils (pdftoppm, pdfinfo, pdffonts) not installed",
)


PRACTICE = {"name": "Harbor Family Intervention", "phone": "(555) 010-0100"}


def version(slug, title, summary, minutes, sources, body):
    """A module version as packet_context reads it, its body cleaned as at save."""
    return SimpleNamespace(
        module=SimpleNamespace(slug=slug),
        title=title,
        summary=summary,
        reading_minutes=minutes,
        sources=sources,
        body=Markup(markdown.render(body)),  # noqa: S704 - cleaned by nh3
    )


def packet_with(versions, **fields) -> dict:
    """The print context of a packet of these versions (the real packet_context)."""
    item = SimpleNamespace(
        **{
            "title": "Understanding addiction and recovery",
            "family_name": "Whitaker",
            "created_at": datetime(2026, 3, 4, 17, 0),
            "cover_letter": "",
            "include_schedule": True,
            "include_contacts": True,
            **fields,
        }
    )
    case = SimpleNamespace(
        interventionist=SimpleNamespace(
            name="Jordan Reyes", phone="(555) 010-0102", email="jordan@example.org"
        )
    )
    return packet_context(item, versions, case=case, sessions=[], practice=PRACTICE)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def without_sources(text: str) -> str:
    """A page's text before its sources line (sources come last on a page)."""
    return text.split("Sources:")[0]


def pictures(pdf: bytes, tmp_path: Path, dpi: int = 24, first: int | None = None) -> list[Path]:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    command = ["pdftoppm", "-gray", "-r", str(dpi)]
    if first:
        command += ["-f", str(first), "-l", str(first)]
    subprocess.run([*command, "-png", str(source), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def pdfinfo(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    source = tmp_path / "info.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(source)], check=True, capture_output=True, text=True)
    return dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in out.stdout.splitlines())
    )


@pytest.fixture(scope="module")
def print_context(shared_app):
    with shared_app.app_context():
        yield shared_app


@pytest.fixture(scope="module")
def library_packet(print_context):
    """Every shipped module in one packet, with a letter, schedule and contacts."""
    shipped = library.shipped()
    versions = [
        version(m.slug, m.title, m.summary, m.reading_time, m.sources, m.body) for m in shipped
    ]
    context = packet_with(versions, cover_letter="Dear Whitaker family,\r\n\r\nTake your time.")
    pdf = html_to_pdf(render_html("packet.html", context))
    return SimpleNamespace(pdf=pdf, pages=page_texts(pdf), modules=shipped)


FIXED_MODULE = version(
    "fixed",
    "Helping Without Enabling",
    "A fixed page for the visual check: headings, paragraphs and a list.",
    3,
    "None: written for this test.",
    "## Help that comes from love\n\n"
    + (
        'When someone you love is struggling, it is natural to say "I\'ll fix it" -- to '
        "call their boss, pay a late bill, or clear up a mess before anyone else sees it. "
        "Those acts come from love and from fear of what might happen otherwise.\n\n"
    )
    * 3
    + "## What you can do this week\n\n"
    + "".join(f"- Write down one thing you will stop doing, number {n}.\n" for n in range(1, 6)),
)


@pytest.fixture(scope="module")
def fixed_packet(print_context):
    context = packet_with([FIXED_MODULE], include_schedule=False, include_contacts=False)
    return html_to_pdf(render_html("packet.html", context))


# --- tagging ---------------------------------------------------------------


def struct_types(node, found: set[str]) -> set[str]:
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            struct_types(child, found)
    elif hasattr(node, "get"):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            struct_types(node["/K"], found)
    return found


@needs_poppler
def test_packet_is_tagged_pdf_ua_with_title_and_language(library_packet, tmp_path):
    info = pdfinfo(library_packet.pdf, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Understanding addiction and recovery"
    catalog = PdfReader(io.BytesIO(library_packet.pdf)).trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]  # readers announce the title
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()
    # Screen readers walk the structure tree: headings, paragraphs and lists.
    tags = struct_types(catalog["/StructTreeRoot"]["/K"], set())
    assert {"/H1", "/H2", "/P", "/L", "/LI"} <= tags, tags


# --- pages -----------------------------------------------------------------


def test_no_near_empty_page_in_the_library_packet(library_packet):
    chapter_titles = [m.title for m in library_packet.modules] + [
        "Contents",
        "A letter for your family",
        "Your upcoming sessions",
    ]
    thin = []
    for number, text in enumerate(library_packet.pages[1:], start=2):
        starts_a_chapter = any(text.startswith(t.split()[0] + " ") for t in chapter_titles)
        if not starts_a_chapter and len(lines_of(text)) < MIN_LINES_ON_A_CONTINUED_PAGE:
            thin.append(f"page {number}: {lines_of(text)}")
    assert not thin, "near-empty pages:\n" + "\n".join(thin)


def test_a_modules_sources_stay_with_its_last_section(library_packet):
    for module in library_packet.modules:
        last_heading = markdown.typeset(re.findall(r"^## (.+)$", module.body, re.M)[-1])
        sources = markdown.typeset(module.sources)[:40]
        page = next(p for p in library_packet.pages if sources in p)
        assert last_heading in page, f"{module.title}: sources apart from {last_heading!r}"


def test_schedule_and_contacts_share_a_page(library_packet):
    last = library_packet.pages[-1]
    assert "Your upcoming sessions" in last and "Who to call" in last


def test_a_short_letter_shares_the_contents_page(print_context):
    context = packet_with(
        [FIXED_MODULE], cover_letter="Dear Whitaker family,\r\n\r\nHere is your reading."
    )
    pages = page_texts(html_to_pdf(render_html("packet.html", context)))
    assert "Contents" in pages[1] and "Here is your reading." in pages[1]
    assert pages[2].startswith("Helping Without Enabling")


# --- type --------------------------------------------------------------------


def test_markdown_prints_typographic_quotes_and_dashes():
    html = markdown.render('She said "I\'ll call" -- then waited... `"as typed"`')
    assert "She said “I’ll call” – then waited…" in html
    assert '<code>"as typed"</code>' in html  # code stays as typed


def test_packet_text_has_curly_quotes_and_no_straight_ones(library_packet):
    body = "\n".join(without_sources(p) for p in library_packet.pages[2:])
    assert "“" in body and "”" in body and "’" in body
    assert '"' not in body and "'" not in body


def test_body_text_keeps_a_measure_of_60_to_75_characters(library_packet):
    # Full lines of running text; short ones end a paragraph or are headings.
    full = [
        len(line)
        for text in library_packet.pages[3:]
        for line in lines_of(without_sources(text))
        if len(line) > 45
    ]
    assert 60 <= statistics.median(full) <= 75, statistics.median(full)
    assert statistics.quantiles(full, n=20)[-1] <= 80  # 95th percentile


def test_english_words_are_hyphenated_at_line_ends(library_packet):
    ends = [
        line
        for text in library_packet.pages[2:]
        for line in lines_of(text)
        if line.rstrip().endswith(SOFT_HYPHEN_BREAK)
    ]
    assert len(ends) >= 10, "no hyphenation at line ends"


def test_hyphenation_splits_a_long_word_in_a_narrow_column(print_context):
    html = (
        '<!doctype html><html lang="en"><head><title>t</title>'
        '<link rel="stylesheet" href="/static/css/print-base.css">'
        '<link rel="stylesheet" href="/static/css/print-packet.css"></head><body>'
        '<p style="width: 20mm">Understanding responsibilities unquestionably</p></body></html>'
    )
    text = page_texts(html_to_pdf(html))[0]
    assert SOFT_HYPHEN_BREAK in text, text


# --- cover and letter ------------------------------------------------------------


def test_cover_date_is_the_practices_day(print_context, monkeypatch):
    monkeypatch.setitem(print_context.config, "PRACTICE_TIMEZONE", "America/Los_Angeles")
    # 04:30 UTC on March 5 is still the evening of March 4 in California.
    context = packet_with([FIXED_MODULE], created_at=datetime(2026, 3, 5, 4, 30))
    assert context["prepared_on"] == "March 4, 2026"
    html = render_html("packet.html", context)
    assert "<p>March 4, 2026</p>" in html


def test_cover_letter_typed_in_a_browser_keeps_its_paragraphs(print_context):
    typed = (
        "Dear Whitaker family,\r\n\r\nThank you for coming.\r\nWe start soon."
        "\r\n\r\n\r\nWith care,\r\nJordan"
    )
    assert letter_paragraphs(typed) == [
        ["Dear Whitaker family,"],
        ["Thank you for coming.", "We start soon."],
        ["With care,", "Jordan"],
    ]
    html = render_html("packet.html", packet_with([FIXED_MODULE], cover_letter=typed))
    assert "<p>Dear Whitaker family,</p>" in html
    assert "<p>Thank you for coming.<br>We start soon.</p>" in html
    assert "<p>With care,<br>Jordan</p>" in html


# --- handout -------------------------------------------------------------------


def test_handout_practical_text_fits_the_place():
    video = " ".join(session_rules.bring_list("intervention", "video"))
    phone = " ".join(session_rules.bring_list("intervention", "phone"))
    in_person = " ".join(session_rules.bring_list("intervention", "in_person"))
    for remote in (video, phone):
        assert "park" not in remote.lower() and "arrive" not in remote.lower()
    assert "Join the call" in video
    assert "park out of sight" in in_person
    for kind in session_rules.BRING:
        assert "park" not in " ".join(session_rules.bring_list(kind, "video")).lower()


def test_video_call_handout_has_no_parking_words(people, as_user, add_session):
    case = people["case"]
    session = add_session(
        case,
        kind="intervention",
        title="The intervention",
        place_kind="video",
        place="https://meet.example.org/whitaker",
    )
    response = as_user(people["owner"]).get(
        f"/cases/{case.reference}/sessions/{session.id}/handout.pdf"
    )
    assert response.status_code == 200
    text = " ".join(page_texts(response.data))
    assert "https://meet.example.org/whitaker" in text
    assert "Join the call 30 minutes early" in text
    assert "park" not in text.lower()


# --- charts ----------------------------------------------------------------------


def chart_document() -> str:
    template = (
        '{% extends "print/_layout.html" %}{% from "assessment/_trend.html" import trend_svg %}'
        '{% block head %}<link rel="stylesheet" href="/static/css/print-summary.css">{% endblock %}'
        '{% block content %}{% for c in charts %}<div class="score">{{ trend_svg(c) }}</div>'
        "{% endfor %}{% endblock %}"
    )
    from flask import current_app

    drawn = [
        charts.trend(i, [("Mar 1", i.max_total), ("Apr 12", i.min_total), ("May 3", i.max_total)])
        for i in INSTRUMENTS.values()
    ]
    return current_app.jinja_env.from_string(template).render(practice_name="H", charts=drawn)


def test_chart_band_labels_are_whole_and_fit_the_chart(print_context):
    font = ImageFont.truetype(os.path.join(STATIC_DIR, "fonts", "DejaVuSans.ttf"), 9)
    for instrument in INSTRUMENTS.values():
        chart = charts.trend(instrument, [("Mar 1", instrument.max_total)])
        # The score above a point at the top of the scale stays inside the chart.
        assert chart.points[0]["y"] - 7 - 10 >= 0, instrument.code
        for band in chart.bands:
            assert " ".join(band["label_lines"]) == band["label"]
            for line in band["label_lines"]:
                assert charts.LABEL_X + font.getlength(line) <= charts.WIDTH, line
    html = chart_document()
    assert "…" not in html
    for instrument in INSTRUMENTS.values():
        for band in instrument.bands:
            for word in band.label.split():
                assert word in html


@needs_poppler
def test_charts_print_in_the_embedded_font_only(print_context, tmp_path):
    source = tmp_path / "charts.pdf"
    source.write_bytes(html_to_pdf(chart_document()))
    out = subprocess.run(["pdffonts", str(source)], check=True, capture_output=True, text=True)
    fonts = [line.split()[0] for line in out.stdout.splitlines()[2:]]
    assert fonts and all("Casework-Print-Sans" in name for name in fonts), fonts
    assert all(" yes " in line for line in out.stdout.splitlines()[2:])  # embedded


# --- pictures --------------------------------------------------------------------


@needs_poppler
def test_every_page_has_ink_inside_its_margins(library_packet, print_context, tmp_path):
    """Every page of the library packet and of a page of charts, as pictures."""
    assert not ink_problems(library_packet.pdf, tmp_path / "packet", bleed_first=True)
    assert not ink_problems(html_to_pdf(chart_document()), tmp_path / "charts")


@needs_poppler
def test_module_page_matches_the_reference_picture(fixed_packet, tmp_path):
    text = page_texts(fixed_packet)
    assert text[2].startswith("Helping Without Enabling")
    page = Image.open(pictures(fixed_packet, tmp_path, dpi=40, first=3)[0]).convert("L")
    if UPDATE_REFERENCE or not REFERENCE.exists():
        if not UPDATE_REFERENCE:
            pytest.fail(
                f"no reference picture at {REFERENCE}; "
                "run with CASEWORK_UPDATE_PRINT_REFERENCE=1 to create it"
            )
        REFERENCE.parent.mkdir(exist_ok=True)
        page.save(REFERENCE)
    reference = Image.open(REFERENCE).convert("L")
    assert page.size == reference.size, f"page is {page.size}, reference {reference.size}"
    difference = ImageStat.Stat(ImageChops.difference(page, reference)).mean[0]
    if difference > REFERENCE_TOLERANCE:
        failed = tmp_path / "module-page-now.png"
        page.save(failed)
        pytest.fail(
            f"page 3 of the fixed packet differs from {REFERENCE.name} by {difference:.2f} "
            f"(tolerance {REFERENCE_TOLERANCE}); see {failed}. If the change is wanted, "
            "regenerate with CASEWORK_UPDATE_PRINT_REFERENCE=1 and look at the picture."
        )


def document_urls() -> dict[str, str]:
    """One URL of each kind of printed document in the demo practice."""
    from sqlalchemy import select

    from casework.assessment.models import Screening
    from casework.cases.models import FamilyCase
    from casework.consent.models import Consent
    from casework.education.models import Packet
    from casework.extensions import db
    from casework.intervention.models import InterventionPlan, TeamMember
    from casework.notes.models import Note
    from casework.scheduling.models import CaseSession

    def first(model, *where) -> tuple[str, int]:
        row = db.session.execute(
            select(FamilyCase.reference, model.id)
            .join(model, model.case_id == FamilyCase.id)
            .where(*where)
            .order_by(FamilyCase.id, model.id)
            .limit(1)
        ).first()
        assert row is not None, model.__name__
        return row

    ref, packet_id = first(Packet)
    session_ref, session_id = first(CaseSession, CaseSession.place_kind == "video")
    member_ref, member_id = first(TeamMember, TeamMember.archived_at.is_(None))
    consent_ref, consent_id = first(Consent)
    assessed, noted, planned = first(Screening)[0], first(Note)[0], first(InterventionPlan)[0]
    return {
        "packet": f"/cases/{ref}/packets/{packet_id}.pdf",
        "handout": f"/cases/{session_ref}/sessions/{session_id}/handout.pdf",
        "assessment summary": f"/cases/{assessed}/assessment/summary.pdf",
        "notes": f"/cases/{noted}/notes.pdf",
        "record": f"/cases/{noted}/record.pdf",
        "run sheet": f"/cases/{planned}/intervention/run-sheet.pdf",
        "letter sheet": f"/cases/{member_ref}/intervention/members/{member_id}/letter.pdf",
        "consent form": f"/cases/{consent_ref}/consents/{consent_id}/form.pdf",
        "consent accounting": f"/cases/{consent_ref}/consents/accounting.pdf",
    }


def ink_problems(pdf: bytes, folder: Path, *, bleed_first: bool = False) -> list[str]:
    """Each page drawn as a picture: blank pages, and ink in the outer 6 mm
    (where a printer cuts it off; the packet's cover is printed to the edge)."""
    folder.mkdir()
    problems = []
    for number, path in enumerate(pictures(pdf, folder), start=1):
        ink = ImageChops.invert(Image.open(path).convert("L"))
        if ink.getbbox() is None:
            problems.append(f"page {number} is blank")
            continue
        if bleed_first and number == 1:
            continue
        edge = round(6 / 25.4 * 24)
        inner = ink.crop((edge, edge, ink.width - edge, ink.height - edge))
        if ImageStat.Stat(inner).sum[0] != ImageStat.Stat(ink).sum[0]:
            problems.append(f"page {number} has ink at the edge")
    return problems


@needs_poppler
def test_every_kind_of_printed_document_reads_and_looks_printed(app, seed_demo, client, tmp_path):
    seed_demo(DEMO_PASSWORD)
    assert login(client, "supervisor@example.org", DEMO_PASSWORD).status_code == 302
    for name, url in document_urls().items():
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", name
        texts = page_texts(response.data)
        assert all(lines_of(t) for t in texts), f"{name}: a page without text"
        assert "Page 1 of" in texts[0], name
        info = pdfinfo(response.data, tmp_path)
        assert info["Tagged"] == "yes" and info["Title"], f"{name}: {info}"
        folder = tmp_path / name.replace(" ", "-")
        problems = ink_problems(response.data, folder, bleed_first=name == "packet")
        assert not problems, f"{name}: {problems}"
        if name == "handout":  # a video call: nothing about parking
            assert "park" not in " ".join(texts).lower()
