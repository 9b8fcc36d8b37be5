"""The app's Flask class: URLs built once per process and kept.

A page of cases links every row to its case and its next step, and the
landing panels link every session and note: about a hundred links a page.
Werkzeug builds each in about 10 µs, the same ones on every request. The URL
map never changes once the app serves, and no `url_defaults` hook is
registered, so a path is a function of its endpoint, its values and the
script root: kept in a bounded dict, it costs a lookup.

Only plain paths are kept (no anchor, method, scheme or external URL; values
that are strings, numbers or None; absolute endpoint names); anything else is
built by Flask as usual.
"""

from flask import Flask
from flask.globals import _cv_request

KEPT_URLS = 50_000  # per process; emptied when full


class Casework(Flask):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept_urls: dict[tuple, str] = {}

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values,
    ) -> str:
        plain = (
            _anchor is None
            and _method is None
            and _scheme is None
            and not _external
            and endpoint[:1] != "."
            and not any(self.url_default_functions.values())
            and all(v is None or type(v) in (str, int) for v in values.values())
        )
        context = _cv_request.get(None) if plain else None
        if context is None or context.url_adapter is None:
            return super().url_for(
                endpoint,
                _anchor=_anchor,
                _method=_method,
                _scheme=_scheme,
                _external=_external,
                **values,
            )
        key = (context.url_adapter.script_name, endpoint, *sorted(values.items()))
        url = self._kept_urls.get(key)
        if url is None:
            url = super().url_for(endpoint, **values)
            if len(self._kept_urls) >= KEPT_URLS:
                self._kept_urls.clear()
            self._kept_urls[key] = url
        return url
