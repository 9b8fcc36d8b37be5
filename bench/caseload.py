"""The caseload stays flat with a practice's history.

Two databases side by side, each seeded by `seed-demo`: the demo practice
alone, and the demo practice plus `--cases 100000` (a history of about 97 %
closed cases spread over 200 synthetic interventionists). `/cases/` for the
interventionist and for the supervisor must run the same statements on both
and take at most 1.2 x the demo-size time. Then a heavy caseload: one
interventionist holding 2,000 open cases.

Run: .venv/bin/python -m bench.caseload [sqlite|postgresql|both] [N]
"""

import sys

from sqlalchemy import text

from bench._common import compare, make_app, scratch_database, statements_of
from bench.workload import PASSWORD
from casework.extensions import db

RUNS = 31
PAGES = (
    ("interventionist@example.org", "/cases/"),
    ("interventionist@example.org", "/cases/?q=whit"),
    ("supervisor@example.org", "/cases/"),
    ("supervisor@example.org", "/cases/?phase=aftercare"),
    ("supervisor@example.org", "/cases/?q=whit"),
)


def seeded(url: str, bulk: int):
    app = make_app(url)
    runner = app.test_cli_runner()
    with app.app_context():
        args = ["seed-demo", "--password", PASSWORD]
        result = runner.invoke(args=args + (["--cases", str(bulk)] if bulk else []))
        assert result.exit_code == 0, result.output
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return app


def client_for(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def count(app, client, path: str) -> int:
    with app.app_context():
        engine = db.engine
    with statements_of(engine) as seen:
        assert client.get(path).status_code == 200
    return len(seen)


def flat(kind: str, bulk: int) -> None:
    with scratch_database(kind, "small") as small_url, scratch_database(kind, "big") as big_url:
        small, big = seeded(small_url, 0), seeded(big_url, bulk)
        print(f"\n{kind}: demo practice vs demo + {bulk} cases (medians of {RUNS}, alternated)")
        print(f"{'user':34} {'page':26} {'demo':>9} {'history':>9} {'ratio':>6} statements")
        for email, path in PAGES:
            a, b = client_for(small, email), client_for(big, email)
            for c in (a, b):
                c.get(path)  # warm
            times = compare(
                {
                    "demo": lambda a=a, path=path: a.get(path),
                    "history": lambda b=b, path=path: b.get(path),
                },
                RUNS,
            )
            counts = (count(small, a, path), count(big, b, path))
            demo_ms, history_ms = times["demo"] * 1000, times["history"] * 1000
            print(
                f"{email:34} {path:26} {demo_ms:7.2f}ms {history_ms:7.2f}ms"
                f" {history_ms / demo_ms:5.2f}x {counts[0]} / {counts[1]}"
            )
        heavy(big, kind)


def heavy(app, kind: str, size: int = 2000) -> None:
    """Hand one interventionist `size` open cases of the synthetic history."""
    with app.app_context():
        lead = db.session.scalar(
            text("SELECT id FROM users WHERE email = 'interventionist2@example.org'")
        )
        db.session.execute(
            text(
                "UPDATE cases SET interventionist_id = :lead, status = 'active', "
                "phase = 'aftercare', phase_rank = 4, closing_reason = NULL "
                "WHERE id IN (SELECT id FROM cases WHERE interventionist_id <> :lead "
                "AND reference NOT IN (SELECT reference FROM cases c JOIN users u "
                "ON u.id = c.interventionist_id WHERE u.email LIKE 'interventionist%') "
                "ORDER BY id LIMIT :size)"
            ),
            {"lead": lead, "size": size},
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    client = client_for(app, "interventionist2@example.org")
    client.get("/cases/")
    times = compare({"heavy": lambda: client.get("/cases/")}, RUNS)
    print(
        f"{kind}: interventionist with {size} open cases, /cases/: "
        f"{times['heavy'] * 1000:.2f} ms, {count(app, client, '/cases/')} statements"
    )


def main() -> None:
    kinds = sys.argv[1] if len(sys.argv) > 1 else "both"
    bulk = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    for kind in ("sqlite", "postgresql") if kinds == "both" else (kinds,):
        flat(kind, bulk)


if __name__ == "__main__":
    main()
