"""Secrets: tokens, keyed hashes, sealing (AES-256-GCM), and the server secret's file.

Depends on: core.secrets (new_token, new_data_key, seal, unseal, seal_with_password, unseal_with_password,
ServerSecret, same_digest, UnsealError).
"""

from __future__ import annotations

import base64
import os
import stat
import string
from pathlib import Path

import pytest

from flowsuite.core.secrets import (
    ServerSecret,
    UnsealError,
    new_data_key,
    new_token,
    same_digest,
    seal,
    seal_with_password,
    unseal,
    unseal_with_password,
)

CONTEXT = b"itflow credential 7"
URL_SAFE = set(string.ascii_letters + string.digits + "-_")


def _flip_byte(sealed: str, position: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(sealed))
    raw[position] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).decode()


def test_tokens_are_random_url_safe_text_of_the_length_asked() -> None:
    tokens = {new_token(32) for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) == 32 and set(token) <= URL_SAFE for token in tokens)
    assert len(new_token(64)) == 64


def test_a_sealed_value_opens_with_its_key_and_context_only() -> None:
    key = new_data_key()
    sealed = seal(key, b"hunter2", CONTEXT)

    assert b"hunter2" not in base64.urlsafe_b64decode(sealed)
    assert unseal(key, sealed, CONTEXT) == b"hunter2"
    assert seal(key, b"hunter2", CONTEXT) != sealed  # a fresh nonce each time
    with pytest.raises(UnsealError):
        unseal(new_data_key(), sealed, CONTEXT)
    with pytest.raises(UnsealError):
        unseal(key, sealed, b"itflow credential 8")


@pytest.mark.parametrize("position", [0, 5, 20, -1])  # version, nonce, ciphertext, tag
def test_a_tampered_sealed_value_is_refused(position: int) -> None:
    key = new_data_key()
    sealed = seal(key, b"hunter2", CONTEXT)

    with pytest.raises(UnsealError):
        unseal(key, _flip_byte(sealed, position), CONTEXT)


@pytest.mark.parametrize("garbage", ["", "not base64!", base64.urlsafe_b64encode(b"\x01short").decode(), "é"])
def test_what_was_never_sealed_is_refused(garbage: str) -> None:
    with pytest.raises(UnsealError):
        unseal(new_data_key(), garbage, CONTEXT)


def test_a_value_sealed_with_a_password_opens_with_that_password_only() -> None:
    password = new_token(32)
    sealed = seal_with_password(password, b"data key", CONTEXT)

    assert unseal_with_password(password, sealed, CONTEXT) == b"data key"
    assert seal_with_password(password, b"data key", CONTEXT).split(".")[0] != sealed.split(".")[0]  # fresh salt
    with pytest.raises(UnsealError):
        unseal_with_password(password[:-1] + ("a" if password[-1] != "a" else "b"), sealed, CONTEXT)
    with pytest.raises(UnsealError):
        unseal_with_password(password, sealed, b"another context")


def test_token_hashes_are_keyed_by_the_server_secret() -> None:
    secret = ServerSecret(b"a" * 32)
    digest = secret.hash_token("the api key")

    assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")
    assert digest == ServerSecret(b"a" * 32).hash_token("the api key")
    assert digest != secret.hash_token("the api kez")
    assert digest != ServerSecret(b"b" * 32).hash_token("the api key")
    assert same_digest(digest, secret.hash_token("the api key"))
    assert not same_digest(digest, secret.hash_token("the api kez"))


def test_the_server_secret_seals_for_itself() -> None:
    secret = ServerSecret(b"a" * 32)
    sealed = secret.seal(b"data key", CONTEXT)

    assert ServerSecret(b"a" * 32).unseal(sealed, CONTEXT) == b"data key"
    with pytest.raises(UnsealError):
        ServerSecret(b"b" * 32).unseal(sealed, CONTEXT)


def test_a_short_server_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        ServerSecret(b"a" * 31)


def test_loading_without_a_secret_creates_a_private_file_and_reuses_it(tmp_path: Path) -> None:
    secret_file = tmp_path / "flowsuite.secret"

    first = ServerSecret.load(None, secret_file)

    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert len(secret_file.read_bytes().strip()) == 64
    assert os.listdir(tmp_path) == ["flowsuite.secret"]  # the temporary file is gone
    again = ServerSecret.load(None, secret_file)
    assert again.hash_token("key") == first.hash_token("key")
    assert ServerSecret.load(None, tmp_path / "other.secret").hash_token("key") != first.hash_token("key")


def test_a_secret_given_in_the_settings_wins_over_the_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "flowsuite.secret"
    from_file = ServerSecret.load(None, secret_file)

    given = ServerSecret.load("g" * 40, secret_file)

    assert given.hash_token("key") == ServerSecret(b"g" * 40).hash_token("key")
    assert given.hash_token("key") != from_file.hash_token("key")


def test_reading_a_missing_secret_file_creates_nothing(tmp_path: Path) -> None:
    assert ServerSecret.read(None, tmp_path / "flowsuite.secret") is None
    assert os.listdir(tmp_path) == []


def test_the_fingerprint_tells_secrets_apart_and_is_no_token_hash() -> None:
    secret = ServerSecret(b"a" * 32)

    assert secret.fingerprint() == ServerSecret(b"a" * 32).fingerprint()
    assert secret.fingerprint() != ServerSecret(b"b" * 32).fingerprint()
    # Its key is its own: the fingerprint is not the stored form of any API key.
    assert secret.fingerprint() != secret.hash_token("flowsuite server secret")
