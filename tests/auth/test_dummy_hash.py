"""The hash spent on unknown emails is made when first needed, not at import."""

import subprocess
import sys
import textwrap

from casework.auth import passwords
from tests.conftest import login

# A fresh interpreter: in this one the suite has long since imported everything.
STARTUP = textwrap.dedent(
    """
    import argon2

    calls = []
    real_hash = argon2.PasswordHasher.hash

    def counting_hash(self, *args, **kwargs):
        calls.append(args)
        return real_hash(self, *args, **kwargs)

    argon2.PasswordHasher.hash = counting_hash

    from casework import create_app
    from casework.auth import passwords

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        from casework import models  # noqa: F401
    assert passwords.dummy_hash.cache_info().currsize == 0, passwords.dummy_hash.cache_info()
    assert calls == [], calls
    passwords.burn_time("anything at all")
    assert len(calls) == 1 and passwords.dummy_hash.cache_info().currsize == 1
    print("ok")
    """
)


def test_importing_the_app_hashes_nothing():
    done = subprocess.run(
        [sys.executable, "-c", STARTUP], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_an_unknown_email_still_verifies_against_the_dummy_hash(app, people, monkeypatch):
    verified = []
    real_verify = passwords.verify_password

    def spy(stored_hash, password):
        verified.append(stored_hash)
        return real_verify(stored_hash, password)

    monkeypatch.setattr(passwords, "verify_password", spy)
    passwords.dummy_hash.cache_clear()

    for _ in range(2):
        response = login(app.test_client(), "nobody@example.org", "some guess at a password")
        assert response.status_code == 401  # the form again, with its message

    made_once = passwords.dummy_hash.cache_info()
    assert (made_once.misses, made_once.hits) == (1, 1)
    assert verified == [passwords.dummy_hash()] * 2
    # The same cost as a real account's hash: argon2id at argon2-cffi's defaults.
    assert verified[0].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
