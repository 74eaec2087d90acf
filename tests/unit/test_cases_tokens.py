"""Tracking tokens and idempotency keys: long enough, stored only as hashes, sealed."""

from __future__ import annotations

import pytest

from geoportal.cases import tokens


def test_tracking_tokens_carry_256_random_bits():
    many = {tokens.new_tracking_token() for _ in range(1000)}
    assert len(many) == 1000
    assert all(tokens.is_tracking_token(token) and len(token) == 43 for token in many)


def test_idempotency_keys_carry_at_least_128_bits():
    key = tokens.new_idempotency_key()
    assert tokens.check_idempotency_key(key) == key and len(key) >= 22
    for bad in ("short", "x" * 21, "ł" * 30, "a b" * 10, None, "x" * 129):
        with pytest.raises(ValueError):
            tokens.check_idempotency_key(bad)


def test_a_sealed_token_opens_only_with_its_key():
    token, key = tokens.new_tracking_token(), tokens.new_idempotency_key()
    sealed = tokens.seal(token, key)
    assert len(sealed) == 32 and tokens.unseal(sealed, key) == token
    assert tokens.unseal(sealed, tokens.new_idempotency_key()) != token
    assert token.encode() not in sealed


def test_digests_are_sha256_hex():
    assert tokens.digest("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")  # fmt: skip


@pytest.mark.parametrize("text", ["", "x" * 42, "x" * 44, "x" * 42 + "!", None, 7])
def test_what_is_not_a_token_is_said_without_a_database(text):
    assert not tokens.is_tracking_token(text)
