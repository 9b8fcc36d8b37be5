"""A packet of every library module: the app's render time against WeasyPrint's
own time on the same HTML string, and a cached download against the render.

Run: .venv/bin/python -m bench.packet
Targets: app render <= 1.15 x WeasyPrint alone; cached download < 2 % of render.
"""

import os
import statistics
import tempfile
import time

from sqlalchemy import delete, select

RUNS = 5


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(SECRET_KEY="bench", DATABASE_URL=f"sqlite:///{tmp}/b.sqlite3")
        from flask_migrate import upgrade

        from casework import create_app, demo
        from casework.auth.models import User
        from casework.cases.models import FamilyCase
        from casework.education import library, service
        from casework.education.models import EducationModule
        from casework.education.packet import packet_context, render_packet
        from casework.extensions import db
        from casework.printing import render_html
        from casework.printing.fetcher import INTERNAL_BASE_URL, StaticOnlyFetcher
        from casework.printing.models import PrintedDocument

        app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
            library.sync()
            demo.seed_practice("bench-password")
            db.session.commit()
            me = db.session.scalar(select(User).where(User.email == "interventionist@example.org"))
            case = db.session.scalar(
                select(FamilyCase).where(FamilyCase.interventionist_id == me.id)
            )
            modules = db.session.scalars(select(EducationModule).order_by(EducationModule.slug))
            packet = service.create_packet(
                case,
                me,
                title="Everything in the library",
                family_name="Bench",
                cover_letter="Dear family,\n\nEverything we have.",
                versions=[m.latest for m in modules],
                include_schedule=True,
                include_contacts=True,
            )
            db.session.commit()
            ref, packet_id = case.reference, packet.id

            with app.test_request_context():
                practice = {
                    "name": app.config["PRACTICE_NAME"],
                    "phone": app.config["PRACTICE_PHONE"],
                }
                html = render_html(
                    "packet.html",
                    packet_context(
                        packet,
                        service.packet_versions(packet),
                        case=case,
                        sessions=[],
                        practice=practice,
                    ),
                )
            from weasyprint import HTML

            def weasyprint_alone():
                HTML(
                    string=html, base_url=INTERNAL_BASE_URL, url_fetcher=StaticOnlyFetcher()
                ).write_pdf()

            weasyprint_alone()  # warm fonts and imports for both sides
            render_packet(packet, case=case, sessions=[])
            db.session.rollback()

        client = app.test_client()
        client.post(
            "/login", data={"email": "interventionist@example.org", "password": "bench-password"}
        )
        url = f"/cases/{ref}/packets/{packet_id}.pdf"

        def clear_cache():
            with app.app_context():
                db.session.execute(delete(PrintedDocument))
                db.session.commit()

        def app_render():
            clear_cache()
            return timed(lambda: client.get(url))

        # Interleaved, so both sides meet the same machine load.
        alone_runs, app_runs = [], []
        for _ in range(RUNS):
            alone_runs.append(timed(weasyprint_alone))
            app_runs.append(app_render())
        alone, rendered = statistics.median(alone_runs), statistics.median(app_runs)
        from io import BytesIO

        from pypdf import PdfReader

        pages = len(PdfReader(BytesIO(client.get(url).data)).pages)
        cached = statistics.median(timed(lambda: client.get(url)) for _ in range(10))
        print(f"packet of {len(html):,} characters of HTML, {pages} pages")
        print(f"WeasyPrint alone on the same HTML: {alone:.2f} s (median of {RUNS})")
        print(f"app render (GET, empty cache):     {rendered:.2f} s = {rendered / alone:.3f} x")
        print(
            f"cached download (GET):             {cached * 1000:.1f} ms = "
            f"{cached / rendered * 100:.2f} % of the render"
        )


if __name__ == "__main__":
    main()
