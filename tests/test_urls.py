"""Links are built once per process and kept (casework/urls.py): a kept link
is the one Flask builds, for each case, each script root and each form."""

from flask import url_for


def test_kept_links_are_the_links_flask_builds(app):
    with app.test_request_context("/cases/"):
        first = url_for("cases.overview", ref="C-2026-0001")
        assert first == "/cases/C-2026-0001/"
        assert url_for("cases.overview", ref="C-2026-0001") == first
        assert url_for("cases.overview", ref="C-2026-0002") == "/cases/C-2026-0002/"
        assert url_for("cases.caseload", page=2, q="whit") in (
            "/cases/?page=2&q=whit",
            "/cases/?q=whit&page=2",
        )
        assert url_for("cases.caseload", phase=None) == "/cases/"
        assert url_for("cases.overview", ref="C-2026-0001", _anchor="next") == first + "#next"
        assert url_for("cases.overview", ref="C-2026-0001", _external=True) == (
            "http://localhost/cases/C-2026-0001/"
        )
    # The same link under another script root is that root's, not the one kept.
    with app.test_request_context("/cases/", base_url="http://localhost/practice/"):
        assert url_for("cases.overview", ref="C-2026-0001") == "/practice/cases/C-2026-0001/"
