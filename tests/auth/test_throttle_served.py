"""Throttling against a real server: attempts sent at once, and several
gunicorn workers sharing one count in Redis."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from casework.audit.models import AuditEvent
from casework.extensions import db
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS = "redis://127.0.0.1:6379/0"


def post(port: int, path: str, fields: dict, cookie: str | None = None):
    """One POST on its own connection: (status, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        conn.request("POST", path, body=urlencode(fields), headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        conn.close()


def all_at_once(count: int, send) -> list[int]:
    """`count` threads released together, each sending one request; their statuses."""
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def run():
        barrier.wait()
        status = send()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == count
    return statuses


def summaries() -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditEvent.summary).where(AuditEvent.summary.is_not(None)))
    )


@pytest.fixture
def served(make_app_with):
    """The app with throttling on, served by werkzeug in a thread (threaded)."""
    app = make_app_with(RATELIMIT_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(timeout=5)


def test_wrong_passwords_sent_at_once_are_checked_no_more_than_the_limit(people, served):
    owner = people["owner"]
    guess = {"email": owner.email, "password": "guess"}

    statuses = all_at_once(40, lambda: post(served.server_port, "/login", guess)[0])

    # 401: the password was checked and was wrong; 429: refused unchecked.
    assert statuses.count(401) == 5, sorted(statuses)
    assert statuses.count(429) == 35
    events = summaries()
    assert events.count(f"Failed sign-in as {owner.email}") == 5
    assert events.count(f"Sign-in refused for {owner.email}: too many attempts") == 35
    # The account's owner, from elsewhere, is not held up by it.
    other_place = served.app.test_client()
    other_place.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    signed_in = other_place.post("/login", data={"email": owner.email, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_current_passwords_sent_at_once_are_checked_no_more_than_the_limit(people, served):
    owner = people["owner"]
    status, headers = post(
        served.server_port, "/login", {"email": owner.email, "password": PASSWORD}
    )
    assert status == 302
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    attempt = {"current": "guess", "password": "a new passphrase", "confirm": "a new passphrase"}

    statuses = all_at_once(
        30, lambda: post(served.server_port, "/account/password", attempt, cookie)[0]
    )

    assert statuses.count(422) == 5, sorted(statuses)  # checked: not the current password
    assert statuses.count(429) == 25
    events = summaries()
    assert events.count("Password re-entry failed") == 5
    assert events.count("Password re-entry refused: too many attempts") == 25


# ---- several workers -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not running at {REDIS}")
    return client


def gunicorn(database_url: str, port: int, storage: str, prefix: str):
    """Two workers of four threads each, on this test's database."""
    config = {
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": storage,
        "THROTTLE_KEY_PREFIX": prefix,
        "TWO_FACTOR_REQUIRED_FOR_STAFF": False,
        "HTTPS_ONLY": False,
    }
    env = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "DATABASE_URL")}
    return subprocess.Popen(
        [
            str(GUNICORN),
            "--workers=2",
            "--threads=4",
            f"--bind=127.0.0.1:{port}",
            f"casework:create_app({config!r})",
        ],
        cwd=ROOT,  # where gunicorn.conf.py is
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_up(server, port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{server.stdout.read()}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise AssertionError("gunicorn did not answer")


def stop(server) -> str:
    if server.poll() is None:
        server.terminate()
    try:
        out, _ = server.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        out, _ = server.communicate()
    return out


def test_two_gunicorn_workers_share_one_count_in_redis(people, database_url):
    client = redis_or_skip()
    prefix = f"signin-test-{uuid.uuid4().hex}"
    owner = people["owner"]
    guess = {"email": owner.email, "password": "guess"}
    port = free_port()
    server = gunicorn(database_url, port, REDIS, prefix)
    try:
        wait_until_up(server, port)
        statuses = []
        for _ in range(3):  # rounds of ten at once, spread over both workers
            statuses += all_at_once(10, lambda: post(port, "/login", guess)[0])
    finally:
        output = stop(server)
        for key in client.scan_iter(f"LIMITS:{prefix}:*"):
            client.delete(key)

    assert statuses.count(401) == 5, sorted(statuses)
    assert statuses.count(429) == 25
    assert output.count("Sign-in throttling counts in redis://127.0.0.1:6379/0") == 2, output
    assert summaries().count(f"Failed sign-in as {owner.email}") == 5


def test_several_workers_refuse_to_count_in_memory(app, database_url):
    port = free_port()
    server = gunicorn(database_url, port, "memory://", "unused")
    try:
        server.wait(timeout=60)
    finally:
        output = stop(server)

    assert server.returncode != 0
    assert "2 workers would each count sign-in attempts in their own memory" in output
    assert "RATELIMIT_STORAGE_URI=redis://" in output


def test_one_code_sent_from_several_browsers_at_once_signs_in_once(people, served):
    import pyotp

    from casework.auth import two_factor

    owner = people["owner"]
    secret = pyotp.random_base32()
    two_factor.enrol(owner, secret, pyotp.TOTP(secret).now())
    owner.totp_last_step = None
    db.session.commit()
    cookies = []
    for _ in range(5):  # five browsers past the password, each waiting for the code
        status, headers = post(
            served.server_port, "/login", {"email": owner.email, "password": PASSWORD}
        )
        assert status == 302 and headers["Location"] == "/login/code"
        cookies.append(headers["Set-Cookie"].split(";", 1)[0])
    code = pyotp.TOTP(secret).now()
    waiting = iter(cookies)
    lock = threading.Lock()

    def send():
        with lock:
            cookie = next(waiting)
        return post(served.server_port, "/login/code", {"code": code}, cookie)[0]

    statuses = all_at_once(5, send)

    assert sorted(statuses) == [302, 401, 401, 401, 401]
    assert summaries().count("Two-factor code refused: already used") == 4
