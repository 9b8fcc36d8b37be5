"""Every printed document a user downloads: a render (empty cache) against a
download served from the cache, with the SQL statements the cached one runs.

Run: .venv/bin/python -m bench.cached_print [sqlite|postgresql ...]
     BENCH_DOCUMENTS="session handout" to time only some documents.
Target: a cached download costs at most 2 % of a render.

The documents: a session handout, the assessment summary, an education packet
of three modules (staff), the same packet from the family portal. The two sides
alternate, garbage is collected before every run, medians of RUNS; emptying
the cache before a render is not timed. "Printing's part" is the time spent
inside `render_pdf` on a cached download (the Jinja step, the key, the
lookup): the rest of a cached download is the request itself (signing in,
loading the records, the audit events, the commit).

The floor, taken apart: a signed-in staff request that writes nothing (the
least any page costs), the same with one audit insert and its commit (the
least any audited download costs), the commit's own time within it, and one
fsync of 4 KiB in the database's folder at the same moments (what a durable
commit waits for at least once, on this disk, with its other users).
"""

import gc
import os
import statistics
import sys
import tempfile
import time

from sqlalchemy import delete, select

from bench._common import compare, make_app, scratch_database, sign_in, statements_of

RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def build(url: str):
    from bench.workload import add_screenings, add_sessions, new_case, staff
    from casework.assessment.models import Assessment
    from casework.cases.models import Contact
    from casework.education import library, service
    from casework.education.models import EducationModule
    from casework.extensions import db
    from casework.scheduling.models import CaseSession, session_contacts
    from casework.timeutil import utcnow

    app = make_app(url)
    add_floor(app)
    with app.app_context():
        library.sync()
        lead = staff()
        case = new_case(lead, phase="education")
        add_sessions(case, lead, 12)
        add_screenings(case, lead, 12)
        db.session.add(
            Assessment(
                case_id=case.id,
                status="completed",
                data={},
                created_by_id=lead.id,
                completed_by_id=lead.id,
                completed_at=utcnow(),
            )
        )
        member = staff("family@example.org", role="family")
        contact = Contact(
            case_id=case.id,
            name="Fran Family",
            relationship_to_loved_one="Mother",
            email=member.email,
            user_id=member.id,
        )
        db.session.add(contact)
        db.session.flush()
        sessions = db.session.scalars(
            select(CaseSession).where(CaseSession.case_id == case.id).order_by(CaseSession.id)
        ).all()
        db.session.execute(
            session_contacts.insert(),
            [{"session_id": s.id, "contact_id": contact.id} for s in sessions],
        )
        modules = db.session.scalars(
            select(EducationModule).order_by(EducationModule.slug).limit(3)
        ).all()
        packet = service.create_packet(
            case,
            lead,
            title="First reading",
            family_name="Family",
            cover_letter="Dear family,\n\nHere is where to start.",
            versions=[m.latest for m in modules],
            include_schedule=True,
            include_contacts=True,
        )
        packet.shared_at = utcnow()
        db.session.commit()
        upcoming = [s for s in sessions if s.status == "scheduled"][0]
        ref = case.reference
        urls = {
            "session handout": ("staff", f"/cases/{ref}/sessions/{upcoming.id}/handout.pdf"),
            "assessment summary": ("staff", f"/cases/{ref}/assessment/summary.pdf"),
            "packet (staff)": ("staff", f"/cases/{ref}/packets/{packet.id}.pdf"),
            "packet (portal)": ("family", f"/portal/packets/{packet.id}.pdf"),
        }
    clients = {
        "staff": sign_in(app, "bench@example.org"),
        "family": sign_in(app, "family@example.org"),
    }
    return app, clients, urls


FLOOR = "/bench/floor"
SIGNED_IN = "/bench/signed-in"


def add_floor(app) -> None:
    """The least a cached download can cost: a signed-in staff request that
    writes one audit event and commits, and answers a few bytes; and the
    same request writing nothing."""
    from casework.audit.models import Action
    from casework.audit.service import record
    from casework.auth.guards import clinical_required

    @app.get(FLOOR)
    @clinical_required
    def floor():
        record(Action.VIEW, object_type="page", object_id="floor")
        return "ok"

    @app.get(SIGNED_IN)
    @clinical_required
    def signed_in():
        return "ok"


def fsync_probe(folder: str):
    """One write of 4 KiB and its fsync in `folder`: seconds."""

    def probe() -> float:
        fd, path = tempfile.mkstemp(dir=folder)
        try:
            os.write(fd, b"\0" * 4096)
            started = time.perf_counter()
            os.fsync(fd)
            return time.perf_counter() - started
        finally:
            os.close(fd)
            os.unlink(path)

    return probe


def floor(app, staff, kind: str, database: str, get) -> None:
    """The floor and a signed-in request that writes nothing, alternating; then
    the floor again with its commit timed, an fsync probed between requests."""
    from casework.extensions import db

    sides = {
        "signed in": get(staff, SIGNED_IN, mimetype="text/html"),
        "the floor": get(staff, FLOOR, mimetype="text/html"),
    }
    counted = {}
    for name, fetch in sides.items():
        fetch()
        with app.app_context(), statements_of(db.engine) as statements:
            fetch()
        counted[name] = len(statements)
    took = compare(sides, RUNS)

    folder = os.path.dirname(database.split("///", 1)[1]) if kind == "sqlite" else None
    probe = fsync_probe(folder or tempfile.gettempdir())
    commits, fsyncs = [], []
    commit = db.session.commit

    def timed_commit():
        started = time.perf_counter()
        try:
            return commit()
        finally:
            commits.append(time.perf_counter() - started)

    db.session.commit = timed_commit
    try:
        for _ in range(RUNS):
            fsyncs.append(probe())
            gc.collect()
            sides["the floor"]()
    finally:
        del db.session.commit
    print(
        f"  {'signed in':20} a signed-in request that writes nothing: "
        f"{took['signed in'] * 1000:.2f} ms, {counted['signed in']} statement(s)"
    )
    print(
        f"  {'the floor':20} the same with one audit insert and the commit: "
        f"{took['the floor'] * 1000:.2f} ms, {counted['the floor']} statements; "
        f"of it the commit {statistics.median(commits) * 1000:.2f} ms; one fsync of 4 KiB "
        f"in between {statistics.median(fsyncs) * 1000:.2f} ms"
    )


def printing_part(fetch, runs: int = RUNS) -> float:
    """Median seconds spent inside render_pdf during a cached download."""
    import casework.printing as printing

    real = printing.render_pdf
    spent = []

    def timed_render_pdf(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    printing.render_pdf = timed_render_pdf
    try:
        for _ in range(runs):
            fetch()
    finally:
        printing.render_pdf = real
    return statistics.median(spent)


def emptier(app):
    from casework.extensions import db
    from casework.printing.models import PrintedDocument

    def clear_cache():
        with app.app_context():
            db.session.execute(delete(PrintedDocument))
            db.session.commit()

    return clear_cache


def main(kinds: list[str]) -> None:
    from casework.extensions import db

    for kind in kinds:
        with scratch_database(kind, "cached_print") as database:
            app, clients, urls = build(database)

            clear_cache = emptier(app)

            def get(client, url, mimetype="application/pdf"):
                def run():
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
                    assert response.mimetype == mimetype

                return run

            print(f"{kind}: medians of {RUNS}")
            floor(app, clients["staff"], kind, database, get)
            wanted = os.environ.get("BENCH_DOCUMENTS")
            if wanted:
                urls = {name: urls[name] for name in wanted.split(",")}
            for name, (who, url) in urls.items():
                fetch = get(clients[who], url)
                fetch()  # warm: imports, fonts, templates
                medians = compare(
                    {"render": fetch, "cached": fetch}, RUNS, setup={"render": clear_cache}
                )
                fetch()
                with app.app_context(), statements_of(db.engine) as statements:
                    fetch()
                render, cached = medians["render"], medians["cached"]
                printing = printing_part(fetch)
                print(
                    f"  {name:20} render {render * 1000:7.1f} ms   cached {cached * 1000:6.2f} ms"
                    f" = {cached / render * 100:5.2f} %   (printing's part {printing * 1000:.2f} ms"
                    f" = {printing / render * 100:.2f} %)   {len(statements)} statements cached"
                )
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:] or ["sqlite", "postgresql"])
