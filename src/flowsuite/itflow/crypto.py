"""Stored credentials: sealed at rest under the company's data key, which only a decrypt password opens.

Each company has one random data key for its stored credentials. It is kept twice, never in clear:
sealed under the server secret (so an operator can issue new API keys) and, for every API key, sealed
under that key's decrypt password. The API only ever opens the data key with the decrypt password the
caller sends, so a request without the right password can neither read nor write credentials, and a
wrong password is detected (authenticated encryption) instead of producing garbage.
"""

from __future__ import annotations

from flowsuite.core.secrets import (
    ServerSecret,
    UnsealError,
    new_data_key,
    seal,
    seal_with_password,
    unseal,
    unseal_with_password,
)


class WrongDecryptPassword(Exception):
    """The decrypt password does not open this key's data key."""


def _data_key_context(company_id: int) -> bytes:
    return f"itflow data key:{company_id}".encode()


def _field_context(company_id: int, column: str) -> bytes:
    return f"itflow credential:{company_id}:{column}".encode()


def new_company_data_key(secret: ServerSecret, company_id: int) -> tuple[bytes, str]:
    """A fresh data key and its seal under the server secret."""
    data_key = new_data_key()
    return data_key, secret.seal(data_key, _data_key_context(company_id))


def open_company_data_key(secret: ServerSecret, company_id: int, sealed: str) -> bytes:
    return secret.unseal(sealed, _data_key_context(company_id))


def seal_for_key(data_key: bytes, company_id: int, decrypt_password: str) -> str:
    """The data key sealed under an API key's decrypt password."""
    return seal_with_password(decrypt_password, data_key, _data_key_context(company_id))


def open_for_key(sealed: str, company_id: int, decrypt_password: str) -> bytes:
    try:
        return unseal_with_password(decrypt_password, sealed, _data_key_context(company_id))
    except UnsealError as error:
        raise WrongDecryptPassword from error


def encrypt_field(data_key: bytes, company_id: int, column: str, plaintext: str) -> str:
    return seal(data_key, plaintext.encode(), _field_context(company_id, column))


def decrypt_field(data_key: bytes, company_id: int, column: str, sealed: str) -> str:
    return unseal(data_key, sealed, _field_context(company_id, column)).decode()
