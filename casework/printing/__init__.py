"""Printing: a template from templates/print/ and a plain-dict context in, PDF out.

    pdf = render_pdf("packet.html", {"family_name": "...", "modules": [...]})

The context holds plain data only (str, int, float, bool, None, lists, dicts
with string keys): copy what the document needs out of the ORM objects, and
format dates, before calling. Anything else raises TypeError.

WeasyPrint loads nothing but `data:` URIs and files under casework/static/
(see `fetcher.py`); any other URL stops the render with `FetchRefused`.

Rendered PDFs are cached in `printed_documents` under a SHA-256 of everything
that decides the output (see `cache_key`). A hit returns the stored bytes; a
miss renders and inserts the row into the current transaction. Nothing here
commits: the view does.

WeasyPrint is imported on first use, not with the app (it takes most of a second).
"""

import hashlib
import os
import threading
from collections.abc import Mapping
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from casework.extensions import db
from casework.printing.models import PrintedDocument
from casework.timeutil import utcnow

__all__ = [
    "FetchRefused",
    "PrintedDocument",
    "StaticOnlyFetcher",
    "cache_key",
    "html_to_pdf",
    "render_html",
    "render_pdf",
    "static_digest",
]

# Part of every cache key: change it when this module's pipeline changes what
# the same HTML prints as (fetcher behaviour, write_pdf options, ...).
PIPELINE_VERSION = "casework-print-2"

# Tagged PDF/UA-1: a structure tree, the title from <title> shown as the window
# title, and the language from <html lang>, so screen readers can read packets.
PDF_VARIANT = "pdf/ua-1"

_PLAIN_SCALARS = (str, int, float, bool, type(None))


def __getattr__(name: str):
    # The fetcher imports WeasyPrint; load it only when someone asks for it.
    if name in ("FetchRefused", "StaticOnlyFetcher", "INTERNAL_BASE_URL"):
        from casework.printing import fetcher

        return getattr(fetcher, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """PDF bytes of `templates/print/<template_name>` rendered with `context`.

    Served from the cache when the same inputs were printed before; otherwise
    rendered by WeasyPrint and added to the session (the caller commits).
    Raises TypeError for a context that is not plain data, and FetchRefused
    when the document refers to anything but data: URIs and static files."""
    html = render_html(template_name, context)
    base_url = _base_url(base_url)
    key = cache_key(template_name, html, base_url)
    cached = db.session.execute(
        select(PrintedDocument.pdf).where(PrintedDocument.key == key)
    ).scalar_one_or_none()
    if cached is not None:
        return bytes(cached)
    pdf = html_to_pdf(html, base_url=base_url)
    _store(key, template_name, pdf)
    return pdf


def render_html(template_name: str, context: dict) -> str:
    """The HTML a printed document is made from (the Jinja step alone).

    Templates see the context plus the app's Jinja globals and filters; no
    request, session or current user is added."""
    if not isinstance(context, Mapping):
        raise TypeError(f"print context must be a dict, not {type(context).__name__}")
    _check_plain(context, "context")
    template = current_app.jinja_env.get_template(f"print/{template_name}")
    return template.render(dict(context))


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """WeasyPrint alone, through the restricted fetcher; no cache, no database.

    Raises FetchRefused naming the first URL it refused, even where WeasyPrint
    itself would have logged the failure and printed without the resource."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from casework.printing.fetcher import FetchRefused, StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    try:
        document = HTML(string=html, base_url=_base_url(base_url), url_fetcher=fetcher)
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as exc:
        # A BaseException in WeasyPrint; hand the caller an ordinary one.
        if fetcher.refused:
            first = fetcher.refused[0]
            raise FetchRefused(first.url, first.reason) from exc
        raise RuntimeError(f"Printing failed: {exc}") from exc
    if fetcher.refused:  # swallowed inside WeasyPrint (e.g. while drawing an SVG)
        first = fetcher.refused[0]
        raise FetchRefused(first.url, first.reason)
    return pdf


def cache_key(template_name: str, html: str, base_url: str | None = None) -> str:
    """SHA-256 (hex) of everything that decides a printed document's bytes.

    - the rendered HTML: covers the context, the template and every template
      it extends, includes or imports, and the Jinja globals it used;
    - every file under casework/static (`static_digest`): stylesheets, fonts
      and images the document may load, including those a stylesheet pulls in,
      so editing any of them prints afresh;
    - the template name, the base URL, the WeasyPrint version,
      PIPELINE_VERSION and the PDF variant.
    """
    import weasyprint

    digest = hashlib.sha256()
    parts = (
        PIPELINE_VERSION,
        PDF_VARIANT,
        weasyprint.__version__,
        template_name,
        _base_url(base_url),
        static_digest(),
        html,
    )
    for part in parts:
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))  # length-prefixed: no ambiguity
        digest.update(data)
    return digest.hexdigest()


_file_digests: dict[str, tuple[tuple[int, int, int], str]] = {}
_file_digests_lock = threading.Lock()


def static_digest(root: str | os.PathLike | None = None) -> str:
    """SHA-256 over the names and contents of the files under casework/static.

    Each file is read once per process and again only when its size, mtime or
    inode changes, so a call costs a directory scan and a stat per file.
    Symlinks leading outside the folder are skipped, as the fetcher refuses them."""
    from casework.printing import fetcher

    root = os.path.realpath(root if root is not None else fetcher.STATIC_DIR)
    digest = hashlib.sha256()
    for relative, real, stat in sorted(_static_files(root, root, "")):
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        with _file_digests_lock:
            known = _file_digests.get(real)
        if known is None or known[0] != signature:
            with open(real, "rb") as file:
                known = (signature, hashlib.sha256(file.read()).hexdigest())
            with _file_digests_lock:
                _file_digests[real] = known
        digest.update(f"{relative}\0{known[1]}\n".encode())
    return digest.hexdigest()


def _static_files(root: str, folder: str, prefix: str):
    """(relative name, real path, stat) of each file under `folder`. Folders are
    not followed through symlinks; a symlinked file counts only when it leads
    to a file inside `root`."""
    with os.scandir(folder) as entries:
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                yield from _static_files(root, entry.path, relative + "/")
            elif entry.is_symlink():
                real = os.path.realpath(entry.path)
                if Path(real).is_relative_to(root) and os.path.isfile(real):
                    yield relative, real, os.stat(real)
            elif entry.is_file(follow_symlinks=False):
                yield relative, entry.path, entry.stat(follow_symlinks=False)


def _base_url(base_url: str | None) -> str:
    if base_url:
        return str(base_url)
    from casework.printing.fetcher import INTERNAL_BASE_URL

    return INTERNAL_BASE_URL


def _check_plain(value, path: str) -> None:
    if isinstance(value, _PLAIN_SCALARS):
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"print {path} has a non-string key {key!r}")
            _check_plain(item, f"{path}[{key!r}]")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_plain(item, f"{path}[{index}]")
        return
    raise TypeError(
        f"print {path} is a {type(value).__module__}.{type(value).__qualname__}; "
        "printed documents take plain data only (str, int, float, bool, None, "
        "lists and dicts): copy fields out of models and format dates first"
    )


def _store(key: str, template_name: str, pdf: bytes) -> None:
    """Adds the rendered PDF to the current transaction (the caller commits).

    Two requests printing the same new document at once must not fail on the
    unique key, so on PostgreSQL and SQLite the insert skips an existing key."""
    values = {
        "key": key,
        "template": template_name,
        "pdf": pdf,
        "size": len(pdf),
        "created_at": utcnow(),
    }
    dialect = db.session.get_bind(mapper=PrintedDocument.__mapper__).dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        db.session.add(PrintedDocument(**values))
        return
    db.session.execute(
        insert(PrintedDocument).values(**values).on_conflict_do_nothing(index_elements=["key"])
    )
