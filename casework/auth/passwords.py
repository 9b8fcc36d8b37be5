"""Password hashing with argon2id at argon2-cffi's defaults."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash() -> str:
    """A hash of no one's password, made once per process when first needed
    (hashing costs about 64 MiB and 100 ms, so not at import)."""
    return _hasher.hash("not-a-real-password")


def burn_time(password: str) -> None:
    """Spent on unknown emails so a failed login takes as long either way."""
    verify_password(dummy_hash(), password)
