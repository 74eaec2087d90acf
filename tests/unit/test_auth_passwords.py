"""Staff passwords: argon2id hashes, checked yes or no."""

from __future__ import annotations

import pytest

from geoportal.auth.passwords import (
    PasswordPolicyError,
    hash_password,
    needs_rehash,
    verify_password,
    verify_unknown_login,
)


def test_hash_and_verify():
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse batterY")
    assert hash_password("correct horse battery") != hashed  # salted
    assert not needs_rehash(hashed)


def test_a_damaged_hash_is_a_no_not_an_error():
    assert not verify_password("$argon2id$nonsense", "correct horse battery")
    assert not verify_password("", "correct horse battery")
    assert not verify_unknown_login("correct horse battery")


@pytest.mark.parametrize("password", ["short", "x" * 11, "x" * 1025])
def test_password_length_policy(password):
    with pytest.raises(PasswordPolicyError):
        hash_password(password)
