"""The only way WeasyPrint may load anything while printing.

`StaticOnlyFetcher` serves `data:` URIs and the files under `casework/static/`,
and refuses every other URL before any I/O happens: no network (http, https,
ftp, ...), no file outside the static folder (symlinks and `..` are resolved
first), no devices.

Static files are addressed the way templates address them in the app,
`/static/css/print-base.css` (or relative to the static folder,
`css/print-base.css`), which the print pipeline resolves against its own
internal origin (`INTERNAL_BASE_URL`, under the reserved `.invalid` domain,
so it can never name a real host), or by their `file://` path inside the
package.

WeasyPrint catches ordinary exceptions raised by a fetcher, logs them and
carries on without the resource. To stop the render instead, the fetcher is
built with `fail_on_errors=True` (WeasyPrint then re-raises the refusal as a
`FatalURLFetchingError`), and it records every refusal in `refused`, so the
caller can fail the render even where WeasyPrint swallows that too (SVG
drawing catches `BaseException`).
"""

import base64
import binascii
import os
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_URL_PATH = "/static"
INTERNAL_ORIGIN = "https://print.casework.invalid"
# Relative URLs in printed documents are relative to the static folder.
INTERNAL_BASE_URL = INTERNAL_ORIGIN + STATIC_URL_PATH + "/"

_SHOWN_URL_LENGTH = 120

# Fixed here rather than read from the system's mime.types, so every server
# labels a file the same way.
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


def _shown(url: str) -> str:
    """The URL as an error message shows it: paths on the internal origin as
    written in templates (`/static/...`), and never a whole data: URI."""
    if url.startswith(INTERNAL_ORIGIN + "/"):
        url = url[len(INTERNAL_ORIGIN) :]
    return url if len(url) <= _SHOWN_URL_LENGTH else url[: _SHOWN_URL_LENGTH - 3] + "..."


class FetchRefused(Exception):
    """A printed document asked for a URL the print fetcher does not serve."""

    def __init__(self, url: str, reason: str = "only data: URIs and casework/static are served"):
        self.url = url
        self.reason = reason
        super().__init__(f"Printing refused to fetch {_shown(url)!r}: {reason}")

    def __reduce__(self):
        return (type(self), (self.url, self.reason))


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher limited to data: URIs and casework/static."""

    def __init__(self, static_dir: str | os.PathLike | None = None, **kwargs):
        kwargs["fail_on_errors"] = True
        super().__init__(**kwargs)
        # Drop urllib's handlers: nothing here may open a socket or a file
        # through the opener, whatever calls it.
        self.handlers = []
        self.handle_open = {}
        self.handle_error = {}
        self.process_request = {}
        self.process_response = {}
        self.static_dir = Path(os.path.realpath(static_dir or STATIC_DIR))
        self.refused: list[FetchRefused] = []
        self.served: list[str] = []

    # WeasyPrint calls fetch() (through __call__); open() also routes here.
    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            response = self._fetch(url)
        except FetchRefused as refusal:
            self.refused.append(refusal)
            raise
        except Exception as exc:  # a static file that cannot be read, a bad data: URI
            refusal = FetchRefused(url, f"{type(exc).__name__}: {exc}")
            self.refused.append(refusal)
            raise refusal from exc
        self.served.append(url)
        return response

    def _fetch(self, url: str) -> URLFetcherResponse:
        if not isinstance(url, str):
            raise FetchRefused(repr(url), "not a URL")
        if url[:5].lower() == "data:":
            return self._data(url)
        path = self.static_path(url)
        return self._static_file(url, path)

    def static_path(self, url: str) -> Path:
        """The file under the static folder that `url` names, or FetchRefused.

        Pure: looks at the URL and resolves the path; opens nothing."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise FetchRefused(url, "malformed URL") from exc
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            origin = f"{scheme}://{parts.netloc.lower()}"
            if origin != INTERNAL_ORIGIN:
                raise FetchRefused(url, "printing never uses the network")
            prefix = STATIC_URL_PATH + "/"
            if not parts.path.startswith(prefix):
                raise FetchRefused(url, f"only {prefix} is served")
            relative = unquote(parts.path[len(prefix) :])
            candidate = os.path.join(self.static_dir, relative)
        elif scheme == "file":
            if parts.netloc not in ("", "localhost"):
                raise FetchRefused(url, "remote file URLs are not served")
            candidate = unquote(parts.path)
        else:
            raise FetchRefused(url, f"the {scheme or 'missing'} scheme is not served")
        if "\x00" in candidate:
            raise FetchRefused(url, "malformed path")
        resolved = Path(os.path.realpath(candidate))
        if resolved == self.static_dir or not resolved.is_relative_to(self.static_dir):
            raise FetchRefused(url, "outside casework/static")
        return resolved

    def _static_file(self, url: str, path: Path) -> URLFetcherResponse:
        if not path.is_file():
            raise FetchRefused(url, "no such file in casework/static")
        body = path.read_bytes()
        content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    @staticmethod
    def _data(url: str) -> URLFetcherResponse:
        """Decodes a data: URI (RFC 2397) from the string alone."""
        header, comma, payload = url[len("data:") :].partition(",")
        if not comma:
            raise FetchRefused(url, "malformed data: URI")
        data = unquote_to_bytes(payload)
        if header.lower().endswith(";base64"):
            header = header[: -len(";base64")]
            try:
                data = base64.b64decode(b"".join(data.split()), validate=True)
            except binascii.Error as exc:
                raise FetchRefused(url, "malformed data: URI") from exc
        if not header.partition(";")[0]:  # no media type: text/plain, says RFC 2397
            header = "text/plain" + header
        return URLFetcherResponse(url, data, {"Content-Type": header})
