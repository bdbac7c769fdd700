"""Secrets: random tokens, keyed hashes of tokens, and sealing data keys with AES-256-GCM.

API keys are long random strings, so a keyed hash (HMAC-SHA256 under the server secret) is enough to
store them: it cannot be reversed, costs microseconds to verify, and a stolen database alone does not
even allow an offline guess. Data keys (for stored credentials) are sealed either under the server
secret or under a key's decrypt password; both use an authenticated cipher, so a wrong password is
detected instead of producing garbage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets as _random
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_SEAL_VERSION = b"\x01"


class UnsealError(Exception):
    """The sealed value could not be opened: wrong password or secret, or tampered data."""


def new_token(length: int = 32) -> str:
    """A random URL-safe token of `length` characters (6 bits of entropy each)."""
    return _random.token_urlsafe(length * 3 // 4 + 1)[:length]


def new_data_key() -> bytes:
    """A fresh 256-bit key for AES-256-GCM."""
    return AESGCM.generate_key(bit_length=256)


def _derive(secret: bytes, salt: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=purpose).derive(secret)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise UnsealError("not a sealed value") from error


def seal(key: bytes, plaintext: bytes, context: bytes) -> str:
    """Encrypts `plaintext` under `key`, bound to `context` (which must be given again to open it)."""
    nonce = os.urandom(12)
    return _b64(_SEAL_VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, context))


def unseal(key: bytes, sealed: str, context: bytes) -> bytes:
    """Opens a value made by `seal`; raises UnsealError if the key, context or data do not match."""
    raw = _unb64(sealed)
    if len(raw) < 29 or raw[:1] != _SEAL_VERSION:
        raise UnsealError("not a sealed value")
    try:
        return AESGCM(key).decrypt(raw[1:13], raw[13:], context)
    except InvalidTag as error:
        raise UnsealError("wrong key or tampered value") from error


def seal_with_password(password: str, plaintext: bytes, context: bytes) -> str:
    """Seals under a key derived from a high-entropy generated password (HKDF, random salt)."""
    salt = os.urandom(16)
    sealed = seal(_derive(password.encode(), salt, b"flowsuite password seal"), plaintext, context)
    return _b64(salt) + "." + sealed


def unseal_with_password(password: str, sealed: str, context: bytes) -> bytes:
    """Opens a value made by `seal_with_password`; UnsealError on a wrong password."""
    salt_text, _, body = sealed.partition(".")
    salt = _unb64(salt_text)
    return unseal(_derive(password.encode(), salt, b"flowsuite password seal"), body, context)


class ServerSecret:
    """The server's own secret, from which the token-hash key and the sealing key are derived."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the server secret must be at least 32 bytes")
        self._hash_key = _derive(secret, b"", b"flowsuite token hash")
        self._seal_key = _derive(secret, b"", b"flowsuite server seal")
        self._fingerprint_key = _derive(secret, b"", b"flowsuite secret fingerprint")

    @classmethod
    def load(cls, secret: str | None, secret_file: Path) -> ServerSecret:
        """The secret given in settings, else the one in `secret_file`, created there if missing."""
        return cls.read(secret, secret_file) or cls.create(secret_file)

    @classmethod
    def read(cls, secret: str | None, secret_file: Path) -> ServerSecret | None:
        """The secret given in settings, else the one in `secret_file`; None if that file does not exist."""
        if secret:
            return cls(secret.encode())
        try:
            return cls(secret_file.read_bytes().strip())
        except FileNotFoundError:
            return None

    @classmethod
    def create(cls, secret_file: Path) -> ServerSecret:
        """A new random secret written to `secret_file` (mode 0600); the existing one if another process won."""
        value = new_token(64).encode()
        temporary = secret_file.with_name(f".{secret_file.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(value + b"\n")
        try:
            # A hard link publishes the whole file at once and fails if another process won the race.
            os.link(temporary, secret_file)
        except FileExistsError:
            value = secret_file.read_bytes().strip()
        finally:
            os.unlink(temporary)
        return cls(value)

    def fingerprint(self) -> str:
        """A keyed hash of a fixed label under the secret: a database keeps it to recognise its secret, and it
        reveals nothing of the secret itself."""
        return hmac.new(self._fingerprint_key, b"flowsuite server secret", hashlib.sha256).hexdigest()

    def hash_token(self, token: str) -> str:
        """The stored form of an API key or access token: hex HMAC-SHA256 under the server secret."""
        return hmac.new(self._hash_key, token.encode(), hashlib.sha256).hexdigest()

    def seal(self, plaintext: bytes, context: bytes) -> str:
        return seal(self._seal_key, plaintext, context)

    def unseal(self, sealed: str, context: bytes) -> bytes:
        return unseal(self._seal_key, sealed, context)


def same_digest(a: str, b: str) -> bool:
    """Constant-time equality of two hex digests."""
    return hmac.compare_digest(a.encode(), b.encode())
