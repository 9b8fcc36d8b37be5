"""A packet of every library module: the app's render time against WeasyPrint's
own time on the very HTML the view rendered, and a cached download against the render.

Run: .venv/bin/python -m bench.packet [sqlite|postgresql]
Targets: app render <= 1.15 x WeasyPrint alone; cached download <= 2 % of render.

Fair by construction: WeasyPrint alone is fed the HTML string the view itself
rendered for the GET (with the case's upcoming sessions on the schedule page,
as the view passes them), through the same static-only fetcher; the two sides
alternate, garbage is collected before every run, and medians are reported.
Emptying the cache before each app render is not timed.
"""

import os
import sys
from io import BytesIO

from sqlalchemy import delete, select

from bench._common import compare, make_app, scratch_database, sign_in, statements_of

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
CACHED_RUNS = 41


def build(url: str):
    from bench.workload import add_sessions, new_case, staff
    from casework.education import library, service
    from casework.education.models import EducationModule
    from casework.extensions import db

    app = make_app(url)
    with app.app_context():
        library.sync()
        lead = staff()
        case = new_case(lead, phase="education")
        add_sessions(case, lead, 12)  # four still to come: the packet's schedule page
        modules = db.session.scalars(select(EducationModule).order_by(EducationModule.slug))
        packet = service.create_packet(
            case,
            lead,
            title="Everything in the library",
            family_name="Bench",
            cover_letter="Dear family,\n\nEverything we have.",
            versions=[m.latest for m in modules],
            include_schedule=True,
            include_contacts=True,
        )
        db.session.commit()
        url = f"/cases/{case.reference}/packets/{packet.id}.pdf"
    return app, sign_in(app, "bench@example.org"), url


def html_the_view_renders(client, url) -> str:
    """The HTML string the view hands to WeasyPrint for this GET."""
    import casework.printing as printing

    seen = []
    real = printing.render_html

    def keep(template_name, context):
        seen.append(real(template_name, context))
        return seen[-1]

    printing.render_html = keep
    try:
        assert client.get(url).status_code == 200
    finally:
        printing.render_html = real
    (html,) = seen
    return html


def main(kind: str = "sqlite") -> None:
    from pypdf import PdfReader
    from weasyprint import HTML

    from casework.extensions import db
    from casework.printing.fetcher import INTERNAL_BASE_URL, StaticOnlyFetcher
    from casework.printing.models import PrintedDocument

    with scratch_database(kind, "packet") as database:
        app, client, url = build(database)

        def clear_cache():
            with app.app_context():
                db.session.execute(delete(PrintedDocument))
                db.session.commit()

        def app_render():
            response = client.get(url)
            assert response.status_code == 200 and response.data.startswith(b"%PDF")

        clear_cache()
        html = html_the_view_renders(client, url)
        assert "Follow-up 9" in html, "the schedule page lists the upcoming sessions"

        def weasyprint_alone():
            HTML(
                string=html, base_url=INTERNAL_BASE_URL, url_fetcher=StaticOnlyFetcher()
            ).write_pdf()

        # Warm both sides: imports, fonts, templates.
        weasyprint_alone()
        clear_cache()
        app_render()

        medians = compare(
            {"alone": weasyprint_alone, "app": app_render},
            RUNS,
            setup={"app": clear_cache},
        )
        alone, rendered = medians["alone"], medians["app"]

        app_render()  # fills the cache
        pages = len(PdfReader(BytesIO(client.get(url).data)).pages)
        with app.app_context(), statements_of(db.engine) as statements:
            app_render()
        cached = compare({"cached": app_render}, CACHED_RUNS)["cached"]
        with app.app_context():
            db.engine.dispose()

    print(f"{kind}: packet of {len(html):,} characters of HTML, {pages} pages")
    print(f"WeasyPrint alone on the view's HTML: {alone:.3f} s (median of {RUNS})")
    print(f"app render (GET, empty cache):       {rendered:.3f} s = {rendered / alone:.3f} x")
    print(
        f"cached download (GET):               {cached * 1000:.1f} ms = "
        f"{cached / rendered * 100:.2f} % of the render, {len(statements)} SQL statements "
        f"(median of {CACHED_RUNS})"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
