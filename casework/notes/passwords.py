"""Signing asks for the signer's password again, throttled like a sign-in."""


class PasswordThrottled(Exception):
    pass


def password_confirmed(user, password: str) -> bool:
    from casework.auth.passwords import verify_password

    return verify_password(user.password_hash, password)
