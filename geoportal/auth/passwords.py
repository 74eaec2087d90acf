"""Password hashes of staff accounts: argon2id through argon2-cffi.

Decisions
    * argon2-cffi's defaults (argon2id, RFC 9106 "low memory" profile: 64 MiB, 3 passes,
      4 lanes, 16-byte salt) — tens of milliseconds per check on one core, the accepted
      cost for a sign-in form; the parameters travel inside each hash, so raising them
      later still verifies old hashes and :func:`needs_rehash` says which to renew.
    * At least 12 characters, nothing more prescribed (length is what resists guessing).
    * :func:`verify_password` answers only yes or no: a damaged hash is a no, not an
      exception the web layer might turn into a different answer.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; a megabyte "password" is an attack on the CPU
_HASHER = PasswordHasher()


class PasswordPolicyError(ValueError):
    """A password too short or too long to be accepted."""


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (PHC string ``$argon2id$v=19$…``)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise PasswordPolicyError(f"a password has {MIN_LENGTH} to {MAX_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def verify_unknown_login(password: str) -> bool:
    """Spend a check's time on a login that does not exist, and say no.

    The answer for an unknown login then takes as long as for a wrong password, so
    response times do not tell which logins exist.
    """
    verify_password(_dummy_hash(), password)
    return False


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("timing-equaliser-not-a-password")
