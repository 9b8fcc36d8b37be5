"""Printing: PDFs by their text, the cache, and the fetcher that loads nothing
but data: URIs and casework/static."""

import base64
import builtins
import io
import os
import shutil
import socket
import tempfile
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from flask import Blueprint
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from casework import printing
from casework.extensions import db
from casework.printing import (
    FetchRefused,
    PrintedDocument,
    html_to_pdf,
    render_html,
    render_pdf,
    static_digest,
)
from casework.printing import fetcher as fetcher_module
from casework.printing.fetcher import INTERNAL_BASE_URL, STATIC_DIR, StaticOnlyFetcher

PRACTICE = "Harbor Family Intervention"
LONG_PARAGRAPH = (
    "Recovery is a process, and families recover too. Each of you will read a short "
    "letter, say what you have seen and what you hope for, and ask your loved one to "
    "accept the help that has been arranged today."
)


def letter(name="Ada Lovelace", **extra):
    context = {"name": name, "paragraphs": [LONG_PARAGRAPH] * 3}
    context.update(extra)
    return context


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(PrintedDocument))


def png_data_uri() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (31, 95, 139)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def print_app(make_app_with):
    """An app of its own, plus this folder's test-only templates under print/."""
    app = make_app_with()
    app.register_blueprint(Blueprint("printing_tests", __name__, template_folder="templates"))
    with app.app_context():
        yield app


@pytest.fixture
def weasyprint_calls(monkeypatch):
    """Counts real WeasyPrint renders."""
    import weasyprint

    calls = []
    real_write_pdf = weasyprint.HTML.write_pdf

    def counting_write_pdf(self, *args, **kwargs):
        calls.append(self)
        return real_write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting_write_pdf)
    return calls


@pytest.fixture
def network_guard(monkeypatch):
    """Records (and fails) any attempt to open a connection."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("a print test tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return attempts


@pytest.fixture
def served(monkeypatch):
    """The static files the fetcher actually read."""
    paths = []
    real_static_file = StaticOnlyFetcher._static_file

    def recording(self, url, path):
        paths.append(Path(path))
        return real_static_file(self, url, path)

    monkeypatch.setattr(StaticOnlyFetcher, "_static_file", recording)
    return paths


@pytest.fixture
def tmp_static(tmp_path, monkeypatch):
    """A copy of casework/static that a test may change."""
    root = tmp_path / "static"
    shutil.copytree(STATIC_DIR, root, symlinks=True)
    monkeypatch.setattr(fetcher_module, "STATIC_DIR", root)
    return root


# ---- the PDF ---------------------------------------------------------------


def test_pdf_has_title_header_and_page_x_of_y(print_app, served):
    pdf = render_pdf("test-letter.html", letter(second_page="Our bottom lines"))

    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Letter for Ada Lovelace"
    first, second = pdf_pages(pdf)
    assert "Letter for Ada Lovelace" in first
    assert "Dear Ada Lovelace," in first
    assert "Page 1 of 2" in first
    assert first.count(PRACTICE) == 1  # the page header, no running header on page 1
    assert "Our bottom lines" in second
    assert "Page 2 of 2" in second
    # Running header from string-set: practice and title on later pages.
    assert PRACTICE in second
    assert "Letter for Ada Lovelace" in second

    # The shared stylesheet and its bundled fonts came from casework/static.
    names = {path.relative_to(STATIC_DIR).as_posix() for path in served}
    assert names == {"css/print-base.css", "fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf"}
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Every glyph, margin boxes included, is set in the bundled font.
    assert {name.split("+", 1)[1] for name in fonts} == {
        "Casework-Print-Sans",
        "Casework-Print-Sans-Bold",
    }


def test_one_page_document_says_page_1_of_1(print_app):
    (page,) = pdf_pages(render_pdf("test-letter.html", letter()))
    assert "Page 1 of 1" in page


def test_context_is_escaped(print_app):
    (page,) = pdf_pages(render_pdf("test-letter.html", letter(name="<b>Ada</b> & co")))
    assert "Dear <b>Ada</b> & co," in page


# ---- the cache -------------------------------------------------------------


def test_same_inputs_come_from_the_cache(print_app, weasyprint_calls):
    first = render_pdf("test-letter.html", letter())
    assert len(weasyprint_calls) == 1
    assert rows() == 1

    second = render_pdf("test-letter.html", letter())
    assert second == first
    assert len(weasyprint_calls) == 1  # not rendered again
    assert rows() == 1

    stored = db.session.scalars(select(PrintedDocument)).one()
    assert stored.template == "test-letter.html"
    assert stored.size == len(first)
    assert len(stored.key) == 64 and int(stored.key, 16) >= 0
    assert stored.created_at is not None


def test_cache_survives_the_request_that_committed_it(print_app, weasyprint_calls):
    first = render_pdf("test-letter.html", letter())
    db.session.commit()  # what the view does
    db.session.remove()

    assert render_pdf("test-letter.html", letter()) == first
    assert len(weasyprint_calls) == 1


def test_different_context_gives_a_different_pdf(print_app, weasyprint_calls):
    ada = render_pdf("test-letter.html", letter("Ada Lovelace"))
    grace = render_pdf("test-letter.html", letter("Grace Hopper"))

    assert ada != grace
    assert len(weasyprint_calls) == 2
    assert rows() == 2
    assert "Dear Grace Hopper," in pdf_pages(grace)[0]
    assert "Grace" not in pdf_pages(ada)[0]


def test_printing_never_commits(print_app):
    render_pdf("test-letter.html", letter())
    assert rows() == 1
    db.session.rollback()  # the view failed after printing
    assert rows() == 0


def test_storing_a_key_twice_keeps_one_row(print_app):
    # Two requests printing the same new document at once.
    printing._store("a" * 64, "test-letter.html", b"%PDF-first")
    printing._store("a" * 64, "test-letter.html", b"%PDF-second")
    db.session.commit()
    assert rows() == 1


def test_changing_a_static_stylesheet_prints_afresh(print_app, tmp_static, weasyprint_calls):
    extra = tmp_static / "css" / "extra.css"
    extra.write_text("p { color: #000000; }")
    context = {"stylesheet": "/static/css/extra.css"}

    before = render_pdf("test-resource.html", context)
    assert render_pdf("test-resource.html", context) == before
    assert len(weasyprint_calls) == 1

    extra.write_text("p { color: #a4262c; font-size: 14pt; }")
    after = render_pdf("test-resource.html", context)
    assert len(weasyprint_calls) == 2
    assert after != before
    assert rows() == 2


def test_changing_a_font_changes_the_key(tmp_static):
    before = static_digest()
    font = tmp_static / "fonts" / "DejaVuSans.ttf"
    font.write_bytes(font.read_bytes() + b"\0")
    assert static_digest() != before


# ---- plain data only -------------------------------------------------------


@pytest.mark.parametrize(
    ("context", "where", "kind"),
    [
        ({"when": datetime(2026, 1, 2)}, "context['when']", "datetime"),
        ({"items": [{"tags": {"a", "b"}}]}, "context['items'][0]['tags']", "set"),
        ({"scores": {1: "one"}}, "context['scores']", "non-string key"),
        ({"blob": b"bytes"}, "context['blob']", "bytes"),
    ],
)
def test_context_must_be_plain_data(print_app, weasyprint_calls, context, where, kind):
    with pytest.raises(TypeError) as raised:
        render_pdf("test-letter.html", letter(**context))
    assert where in str(raised.value)
    assert kind in str(raised.value)
    assert weasyprint_calls == []


def test_orm_objects_are_refused(print_app, factory, weasyprint_calls):
    user = factory.user()
    with pytest.raises(TypeError, match=r"context\['author'\] is a casework\.auth\.models\.User"):
        render_pdf("test-letter.html", letter(author=user))
    with pytest.raises(TypeError, match="must be a dict"):
        render_pdf("test-letter.html", [("name", "Ada")])
    assert weasyprint_calls == []


# ---- what may be loaded ----------------------------------------------------

# (URL as written in the document, text the error must name)
REFUSED = [
    ("http://example.com/x.png", "http://example.com/x.png"),
    ("https://169.254.169.254/latest", "https://169.254.169.254/latest"),
    ("//169.254.169.254/latest/meta-data/", "https://169.254.169.254/latest/meta-data/"),
    ("ftp://example.com/x.png", "ftp://example.com/x.png"),
    ("file:///etc/passwd", "file:///etc/passwd"),
    ("/dev/urandom", "/dev/urandom"),
    ("file:///dev/urandom", "file:///dev/urandom"),
    ("/static/../../etc/passwd", "/etc/passwd"),
    ("../../../etc/passwd", "/etc/passwd"),
    ("/static/%2e%2e/%2e%2e/pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml"),
    ("/static/..%2f..%2fpyproject.toml", "/static/..%2f..%2fpyproject.toml"),
    (f"file://{STATIC_DIR}/../__init__.py", f"file://{STATIC_DIR}/../__init__.py"),
    ("http://print.casework.invalid/static/css/print-base.css", "http://print.casework"),
]


@pytest.mark.parametrize("kind", ["image", "stylesheet"])
@pytest.mark.parametrize(("url", "named"), REFUSED, ids=[url for url, _ in REFUSED])
def test_other_urls_stop_the_render(print_app, network_guard, kind, url, named):
    with pytest.raises(FetchRefused) as refused:
        render_pdf("test-resource.html", {kind: url})
    assert f"Printing refused to fetch '{named}" in str(refused.value)
    assert named in refused.value.url
    assert network_guard == []
    assert rows() == 0


@pytest.mark.parametrize(
    "css",
    [
        "@import url(http://example.com/print.css);",
        "@font-face { font-family: Remote; src: url(https://example.com/f.woff2); }"
        " p { font-family: Remote; }",
        "p { background: url(https://169.254.169.254/latest); }",
    ],
)
def test_urls_inside_css_stop_the_render(print_app, network_guard, css):
    with pytest.raises(FetchRefused, match=r"refused to fetch 'https?://(example\.com|169\.254)"):
        render_pdf("test-resource.html", {"css": css})
    assert network_guard == []
    assert rows() == 0


def test_local_fonts_outside_static_are_refused(print_app):
    # WeasyPrint turns local() into a file:// URL of a system font.
    css = "@font-face { font-family: Sys; src: local(DejaVu Sans); } p { font-family: Sys; }"
    with pytest.raises(FetchRefused, match="outside casework/static"):
        render_pdf("test-resource.html", {"css": css})


def test_url_inside_svg_stops_the_render(print_app, network_guard):
    # WeasyPrint swallows every error while drawing an SVG; the render fails anyway.
    with pytest.raises(FetchRefused, match="'https://169.254.169.254/latest'"):
        render_pdf("test-resource.html", {"svg_image": "https://169.254.169.254/latest"})
    assert network_guard == []
    assert rows() == 0


def test_url_inside_data_uri_svg_stops_the_render(print_app, network_guard):
    svg = (
        "data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2210%22"
        " height=%2210%22%3E%3Cimage href=%22file:///etc/passwd%22 width=%2210%22"
        " height=%2210%22/%3E%3C/svg%3E"
    )
    with pytest.raises(FetchRefused, match="'file:///etc/passwd'"):
        render_pdf("test-resource.html", {"image": svg})
    assert network_guard == []


def test_missing_static_file_stops_the_render(print_app):
    with pytest.raises(FetchRefused, match="no such file in casework/static"):
        render_pdf("test-resource.html", {"stylesheet": "/static/css/not-there.css"})


def test_symlink_out_of_static_is_refused(print_app, tmp_static, tmp_path):
    outside = tmp_path / "outside.css"
    outside.write_text("p { color: red; }")
    os.symlink(outside, tmp_static / "css" / "escape.css")

    with pytest.raises(FetchRefused, match="outside casework/static"):
        render_pdf("test-resource.html", {"stylesheet": "/static/css/escape.css"})
    # Nor does the cache key read it.
    before = static_digest()
    outside.write_text("p { color: blue; }")
    assert static_digest() == before


def test_data_uri_image_is_printed(print_app, network_guard):
    pdf = render_pdf("test-resource.html", {"image": png_data_uri()})
    (page,) = PdfReader(io.BytesIO(pdf)).pages
    assert len(page.images) == 1
    assert "Resource test body." in page.extract_text()
    assert network_guard == []


@pytest.mark.parametrize(
    "url", ["/static/favicon.svg", "favicon.svg", f"file://{STATIC_DIR}/favicon.svg"]
)
def test_static_files_are_served(print_app, served, url):
    render_pdf("test-resource.html", {"image": url, "stylesheet": "/static/css/print.css"})
    names = {path.relative_to(STATIC_DIR).as_posix() for path in served}
    assert {"favicon.svg", "css/print.css", "css/print-base.css"} <= names


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com/x.png", "never uses the network"),
        ("https://169.254.169.254/latest", "never uses the network"),
        ("https://print.casework.invalid/dev/urandom", "only /static/ is served"),
        ("file:///dev/urandom", "outside casework/static"),
        ("file:///etc/passwd", "outside casework/static"),
        (INTERNAL_BASE_URL, "outside casework/static"),
        ("file://otherhost/etc/passwd", "remote file URLs"),
        ("ftp://example.com/x", "ftp scheme"),
        ("gopher://example.com/x", "gopher scheme"),
        ("javascript:alert(1)", "javascript scheme"),
        ("data:image/png;base64", "malformed data: URI"),
        ("data:image/png;base64,abc", "malformed data: URI"),
    ],
)
def test_fetcher_refuses_before_any_io(monkeypatch, network_guard, url, reason):
    io_calls = []
    scratch = tempfile.gettempdir()

    def guard(original):
        def no_io(*args, **kwargs):
            # A finished render's temporary folder may be cleaned up by the garbage
            # collector at any moment; that I/O is not the fetcher's.
            if args and str(args[0]).startswith(os.path.join(scratch, "weasyprint-")):
                return original(*args, **kwargs)
            io_calls.append(args)
            raise AssertionError("I/O while refusing a URL")

        return no_io

    for owner, name in [
        (builtins, "open"),
        (io, "open"),
        (os, "open"),
        (Path, "open"),
        (Path, "read_bytes"),
        (Path, "is_file"),
    ]:
        monkeypatch.setattr(owner, name, guard(getattr(owner, name)))

    fetcher = StaticOnlyFetcher()
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch(url)
    assert reason in str(refused.value)
    assert refused.value.url == url
    assert fetcher.refused == [refused.value]
    assert io_calls == []
    assert network_guard == []


def test_fetcher_serves_data_uris_and_static_files():
    fetcher = StaticOnlyFetcher()
    response = fetcher.fetch("data:text/plain;charset=utf-8,hello%20there")
    assert response.read() == b"hello there"
    assert response.content_type == "text/plain"

    response = fetcher.fetch(INTERNAL_BASE_URL + "css/print-base.css")
    assert response.content_type == "text/css"
    assert b"counter(pages)" in response.read()
    assert fetcher.refused == []


def test_weasyprint_alone_for_benchmarks(print_app, weasyprint_calls):
    html = render_html("test-letter.html", letter())
    assert "Dear Ada Lovelace," in html
    assert 'href="/static/css/print-base.css"' in html

    pdf = html_to_pdf(html)
    assert "Dear Ada Lovelace," in pdf_pages(pdf)[0]
    assert len(weasyprint_calls) == 1
    assert rows() == 0  # no cache involved
