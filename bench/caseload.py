"""The caseload page with 100000 cases: time per request and SQL statements.

Run: .venv/bin/python -m bench.caseload [N]
"""

import os
import sys
import tempfile
import time

from sqlalchemy import event


def main(count: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(SECRET_KEY="bench", DATABASE_URL=f"sqlite:///{tmp}/b.sqlite3")
        from flask_migrate import upgrade

        from casework import create_app, demo
        from casework.extensions import db

        app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
            demo.seed_practice("bench-password")
            db.session.commit()
            demo.bulk_cases(count)
            statements = []
            event.listen(
                db.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
            )
        for email in ("interventionist@example.org", "supervisor@example.org"):
            client = app.test_client()
            client.post("/login", data={"email": email, "password": "bench-password"})
            for path in ("/cases/", "/cases/?q=tran", "/cases/?phase=aftercare&page=40"):
                client.get(path)  # warm
                statements.clear()
                started = time.perf_counter()
                runs = 5
                for _ in range(runs):
                    assert client.get(path).status_code == 200
                took = (time.perf_counter() - started) / runs * 1000
                print(f"{email:32} {path:36} {took:7.1f} ms  {len(statements) // runs} queries")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
