"""Password hashing with argon2id at argon2-cffi's defaults."""

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


# Spent on unknown emails so a failed login takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def burn_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)
