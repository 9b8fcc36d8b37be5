"""The real caseload page against a bare Flask app running the very same SQL,
both served by gunicorn (2 sync workers) on PostgreSQL.

Run: .venv/bin/python -m bench.bare_caseload [--cases N] [--seconds S] [--rounds R]
                                             [--threads T] [--sample K] [--profile K]
Target: the real `/cases/` serves at least half the bare view's requests per second.

1. A scratch PostgreSQL database gets the schema (`flask db upgrade`) and the
   demo practice plus N synthetic cases (`flask seed-demo --cases N`).
2. One real request for `/cases/` as interventionist@example.org is recorded
   statement by statement, parameters and all (tests/conftest.py's
   count_queries way: SQLAlchemy's before_cursor_execute).
3. `bare_app()` below is a Flask app with no Casework factory, no login, no
   ORM: its one view runs those recorded statements on a psycopg connection of
   its own (one per worker), commits as the real request does, and renders
   every value of every row they return with a minimal Jinja template (a
   cell each: at least what the real page shows of those rows, which reads
   the same columns).
4. Both run under gunicorn, 2 sync workers each, side by side. A load generator
   in this process (threads, http.client, a new connection per request as
   sync workers close them) drives one server at a time for S seconds; the
   servers take turns, garbage is collected before each turn, R turns each,
   medians. Worker CPU per request is read from /proc for the workers alone;
   PostgreSQL's CPU per request is the server processes' share.
5. Where the real page's CPU goes, in process: its CPU time sampled over K
   requests and each sample put to the part of the page it was in
   (`sample_real_page`; cProfile, with --profile K, inflates the code that
   makes many small calls, such as templates, several times over).

The load generator shares the 2-core machine with the workers and takes more
of it the faster a server answers, so the bare side's requests per second are
understated; worker CPU per request is the steadier comparison.
"""

import argparse
import cProfile
import gc
import http.client
import io
import os
import pickle
import pstats
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench._common import scratch_database

BIN = Path(sys.executable).parent
PASSWORD = "bench-password"
WHO = "interventionist@example.org"
REAL_PORT, BARE_PORT = 8711, 8712
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# A database of its own on the Redis server, emptied of the bench's sign-in counts after.
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")

BARE_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Caseload</title></head>
<body><main>
{% for rows in results %}<table>
{% for row in rows %}<tr>{% for value in row %}<td>{{ value }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}</main></body></html>
"""


# ---- the bare app (gunicorn imports this: bench.bare_caseload:bare_app()) -----------------


def bare_app():
    """Flask, a psycopg connection, the recorded statements, a Jinja template."""
    import psycopg
    from flask import Flask
    from jinja2 import Environment

    with open(os.environ["BARE_STATEMENTS"], "rb") as file:
        statements = pickle.load(file)  # noqa: S301  written by this bench, a moment ago
    template = Environment(autoescape=True).from_string(BARE_TEMPLATE)
    conninfo = os.environ["BARE_CONNINFO"]
    local = threading.local()

    app = Flask(__name__)

    @app.get("/")
    def caseload():
        conn = getattr(local, "conn", None)
        if conn is None or conn.closed:
            conn = local.conn = psycopg.connect(conninfo)
        results = []
        with conn.cursor() as cursor:
            for sql, parameters in statements:
                cursor.execute(sql, parameters)
                results.append(cursor.fetchall() if cursor.description else [])
        conn.commit()
        return template.render(results=results)

    return app


# ---- recording the real page --------------------------------------------------------


def real_app(url: str):
    from casework import create_app

    return create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})


def signed_in_test_client(app):
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": WHO, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/login/code", response.status_code
    token = csrf_token(client.get("/login/code").get_data(as_text=True))
    code = demo_code(app.config["SQLALCHEMY_DATABASE_URI"])
    response = client.post("/login/code", data={"code": code, "csrf_token": token})
    assert response.headers["Location"] == "/cases/", response.status_code
    return client


def demo_code(url: str) -> str:
    """The code the demo's staff authenticator shows now, the last one used
    forgotten first: each code signs in once, and the bench signs in thrice."""
    from sqlalchemy import create_engine, text

    from casework.demo.sign_in import current_code

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE users SET totp_last_step = NULL WHERE email = :email"), {"email": WHO}
        )
    engine.dispose()
    return current_code()[0]


def record_statements(url: str) -> list[tuple[str, object]]:
    from sqlalchemy import event

    from casework.extensions import db

    app = real_app(url)
    client = signed_in_test_client(app)
    assert client.get("/cases/").status_code == 200
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            assert client.get("/cases/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        db.engine.dispose()
    return seen


def profile_real_page(url: str, requests: int, top: int = 25) -> str:
    from casework.extensions import db

    app = real_app(url)
    client = signed_in_test_client(app)
    for _ in range(5):
        client.get("/cases/")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get("/cases/")
    profiler.disable()
    with app.app_context():
        db.engine.dispose()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"casework|templates|jinja2/environment", top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# Where a request's CPU goes: the part of the page each stack sample is in (the
# innermost of these frames that it passes through), and whether it was then
# inside SQLAlchemy or psycopg.
PARTS = (
    ("Flask, the session cookie, request and response", r"wsgi_app \([^;]*flask/app\.py"),
    ("signing in: the user's row (Flask-Login)", r"_load_user \([^;]*flask_login"),
    ("the view's own work (form, grouping, audit event)", r"caseload \([^;]*casework/cases/views"),
    (
        "statements: counts, page of cases, safety panel",
        r"(?<=cases/views\.py\);)(execute|_with_contacts) ",
    ),
    ("sections' facts (one statement each)", r"outlook \([^;]*casework/cases/sections"),
    ("next steps ranked", r"next_step \([^;]*casework/cases/sections"),
    ("panel: the week ahead", r"week_ahead \([^;]*casework"),
    ("panel: notes", r"landing \([^;]*casework/notes"),
    ("panel: follow-ups this week", r"this_week \([^;]*casework"),
    ("rendering the page", r"render_template \([^;]*flask"),
    ("the commit", r"commit_request \([^;]*casework"),
)


def sample_real_page(url: str, requests: int) -> str:
    """The real /cases/ in process, its CPU time sampled (SIGPROF every few
    milliseconds of CPU): unlike cProfile, this does not inflate code that
    makes many small calls, such as templates."""
    import collections
    import signal as signals

    from casework.extensions import db

    app = real_app(url)
    client = signed_in_test_client(app)
    for _ in range(20):
        client.get("/cases/")
    samples: collections.Counter = collections.Counter()

    def sample(signum, frame):
        stack = []
        while frame is not None:
            stack.append(f"{frame.f_code.co_name} ({frame.f_code.co_filename})")
            frame = frame.f_back
        samples[";".join(reversed(stack))] += 1

    signals.signal(signals.SIGPROF, sample)
    signals.setitimer(signals.ITIMER_PROF, 0.001, 0.001)
    started = time.process_time()
    for _ in range(requests):
        client.get("/cases/")
    cpu = (time.process_time() - started) / requests
    signals.setitimer(signals.ITIMER_PROF, 0, 0)
    with app.app_context():
        db.engine.dispose()
    parts = [(name, re.compile(pattern)) for name, pattern in PARTS]
    shares: collections.Counter = collections.Counter()
    in_sql: collections.Counter = collections.Counter()
    total = 0
    for stack, count in samples.items():
        if "flask/testing.py" not in stack:
            continue
        total += count
        where, deepest, after = "the test client", -1, stack
        for name, pattern in parts:  # the innermost part the stack passes through
            for found in pattern.finditer(stack):
                if found.start() > deepest:
                    where, deepest, after = name, found.start(), stack[found.end() :]
        shares[where] += count
        if "sqlalchemy" in after or "psycopg" in after:
            in_sql[where] += count
    lines = [f"{cpu * 1000:.2f} ms of CPU a request (sampled), {total} samples:"]
    for name, count in shares.most_common():
        lines.append(
            f"  {count / total * 100:5.1f} %  {cpu * count / total * 1000:5.2f} ms"
            f"  (in SQLAlchemy or psycopg {in_sql[name] / total * 100:4.1f} %)  {name}"
        )
    return "\n".join(lines)


# ---- serving ------------------------------------------------------------------------


def start(app_spec: str, port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            app_spec,
        ],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )


def get(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def wait_until_up(port: int, path: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn on {port} exited with {server.returncode}")
        try:
            if get(port, path).status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on {port} did not answer")


def sign_in_over_http(port: int, url: str) -> str:
    """The session cookie of the interventionist, signed in through the forms
    (the password, then the two-factor code)."""
    page = get(port, "/login")
    cookie = session_cookie(page, None)
    token = csrf_token(page.body.decode())
    response = post(
        port, "/login", {"email": WHO, "password": PASSWORD, "csrf_token": token}, cookie
    )
    assert response.getheader("Location") == "/login/code", response.status
    cookie = session_cookie(response, cookie)
    page = get(port, "/login/code", {"Cookie": cookie})
    cookie = session_cookie(page, cookie)
    token = csrf_token(page.body.decode())
    response = post(port, "/login/code", {"code": demo_code(url), "csrf_token": token}, cookie)
    assert response.getheader("Location") == "/cases/", response.status
    return session_cookie(response, cookie)


def session_cookie(response: http.client.HTTPResponse, before: str | None) -> str:
    """The `session=...` pair the response sets, or the one it leaves as it was."""
    for header in response.msg.get_all("Set-Cookie") or ():
        if header.startswith("session="):
            return header.split(";")[0]
    return before


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def post(port: int, path: str, form: dict, cookie: str) -> http.client.HTTPResponse:
    from urllib.parse import urlencode

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        path,
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def forget_sign_in_counts() -> None:
    import redis

    store = redis.Redis.from_url(REDIS)
    keys = list(store.scan_iter(match="*casework:*"))
    if keys:
        store.delete(*keys)
    store.close()


# ---- measuring ----------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def postgres_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() == "postgres":
                    pids.append(int(entry))
            except OSError:
                continue
    return pids


def drive(port: int, path: str, headers: dict, seconds: float, threads: int) -> int:
    """Requests answered 200 in `seconds`, `threads` at a time."""
    stop = time.monotonic() + seconds
    done = [0] * threads
    failed = []

    def worker(n: int) -> None:
        while time.monotonic() < stop:
            try:
                response = get(port, path, headers)
            except OSError as exc:  # a refused or reset connection is a failure
                failed.append(repr(exc))
                continue
            if response.status == 200:
                done[n] += 1
            else:
                failed.append(response.status)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failed:
        raise RuntimeError(f"{len(failed)} failed requests on {port}: {failed[:3]}")
    return sum(done)


def measure(side: dict, seconds: float, threads: int) -> dict:
    workers = children_of(side["server"].pid)
    database = postgres_pids()
    gc.collect()
    cpu_before, db_before = cpu_seconds(workers), cpu_seconds(database)
    started = time.perf_counter()
    answered = drive(side["port"], side["path"], side["headers"], seconds, threads)
    took = time.perf_counter() - started
    cpu = cpu_seconds(workers) - cpu_before
    db_cpu = cpu_seconds(database) - db_before
    return {
        "rps": answered / took,
        "cpu_ms": cpu / answered * 1000,
        "db_ms": db_cpu / answered * 1000,
    }


def main(cases: int, seconds: float, rounds: int, threads: int, profile: int, sample: int) -> None:
    with (
        scratch_database("postgresql", "bare_caseload") as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        env = {
            **os.environ,
            "SECRET_KEY": "bench-secret",
            "DATABASE_URL": url,
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        }
        flask = [str(BIN / "flask"), "--app", "casework"]
        subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
        seeded = subprocess.run(
            [*flask, "seed-demo", "--password", PASSWORD, "--cases", str(cases)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        print(seeded.stdout.strip())
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                url.rsplit("/", 1)[1],
                "-qc",
                "VACUUM ANALYZE",
            ],
            check=True,
        )

        statements = record_statements(url)
        path = Path(tmp) / "statements.pickle"
        path.write_bytes(pickle.dumps(statements))
        print(f"/cases/ as {WHO}: {len(statements)} SQL statements")
        for sql, _ in statements:
            print("   ", " ".join(sql.split())[:110])

        bare_env = {
            **env,
            "BARE_STATEMENTS": str(path),
            "BARE_CONNINFO": url.replace("postgresql+psycopg://", "postgresql://"),
        }
        # Two workers count sign-in attempts in Redis, as `make serve` runs
        # (the app refuses memory then); /cases/ itself asks Redis nothing.
        real_env = {**env, "RATELIMIT_STORAGE_URI": REDIS}
        servers = {
            "real": start("casework:create_app()", REAL_PORT, real_env),
            "bare": start("bench.bare_caseload:bare_app()", BARE_PORT, bare_env),
        }
        try:
            wait_until_up(REAL_PORT, "/healthz", servers["real"])
            wait_until_up(BARE_PORT, "/", servers["bare"])
            sides = {
                "real": {
                    "server": servers["real"],
                    "port": REAL_PORT,
                    "path": "/cases/",
                    "headers": {"Cookie": sign_in_over_http(REAL_PORT, url)},
                },
                "bare": {"server": servers["bare"], "port": BARE_PORT, "path": "/", "headers": {}},
            }
            real_page = get(REAL_PORT, "/cases/", sides["real"]["headers"])
            assert real_page.status == 200 and b"Caseload" in real_page.body, real_page.status
            bare_page = get(BARE_PORT, "/")
            sizes = len(real_page.body), len(bare_page.body)
            print(f"page sizes: real {sizes[0]:,} bytes, bare {sizes[1]:,} bytes")
            for side in sides.values():  # warm: imports, templates, connections
                drive(side["port"], side["path"], side["headers"], 2, threads)

            results = {name: [] for name in sides}
            for turn in range(rounds):
                order = ["real", "bare"] if turn % 2 == 0 else ["bare", "real"]
                for name in order:
                    results[name].append(measure(sides[name], seconds, threads))
        finally:
            for server in servers.values():
                server.send_signal(signal.SIGTERM)
            for server in servers.values():
                server.wait(timeout=30)
            forget_sign_in_counts()

        medians = {
            name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            for name, runs in results.items()
        }
        print(
            f"gunicorn, 2 sync workers each, {threads} client threads, {rounds} turns of "
            f"{seconds:g} s each, medians:"
        )
        for name in ("real", "bare"):
            m = medians[name]
            print(
                f"  {name:5} {m['rps']:7.1f} requests/s   worker CPU {m['cpu_ms']:6.2f} ms/request"
                f"   PostgreSQL CPU {m['db_ms']:5.2f} ms/request"
            )
        ratio = medians["real"]["rps"] / medians["bare"]["rps"]
        cpu_ratio = medians["real"]["cpu_ms"] / medians["bare"]["cpu_ms"]
        print(
            f"  real / bare throughput: {ratio:.2f} (target >= 0.5); "
            f"worker CPU per request: {cpu_ratio:.2f} x the bare view's"
        )
        if sample:
            print(f"\nThe real /cases/ in process, {sample} requests:")
            print(sample_real_page(url, sample))
        if profile:
            print(f"\nThe real /cases/ in process, cProfile over {profile} requests:")
            print(profile_real_page(url, profile))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args()
    main(args.cases, args.seconds, args.rounds, args.threads, args.profile, args.sample)
