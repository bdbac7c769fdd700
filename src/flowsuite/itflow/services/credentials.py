"""credentials: stored logins. Username and password are sealed at rest under the company's data key.

Every request must bring the key's decrypt password (`api_key_decrypt_password`, body or query
string): it is the only thing that opens the data key. Unlike the original, a wrong password is
refused instead of answering `false` fields or storing values nobody can ever decrypt.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.secrets import UnsealError
from flowsuite.core.wiretext import Readable
from flowsuite.itflow import crypto, models
from flowsuite.itflow.commands import DecryptMaterial, RecordQuery, RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.errors import Refused, SecretMissing
from flowsuite.itflow.resources import Field, ReadFilter, Resource, WireRow

DECRYPT_PASSWORD = "api_key_decrypt_password"
MISSING_PASSWORD = "api_key_decrypt_password is required for credentials."
WRONG_PASSWORD = "The decrypt password (api_key_decrypt_password) does not match this API key."
SEALED_COLUMNS = ("credential_username", "credential_password")

# The original's "too long to store" guard on the fields sent, checked before anything else, in its order:
# bytes for the two sealed fields (as sent), characters for the rest (trimmed).
BYTE_LIMITS = (("credential_username", 350), ("credential_password", 350))
CHARACTER_LIMITS = (
    ("credential_name", 200),
    ("credential_description", 500),
    ("credential_uri", 500),
    ("credential_uri_2", 500),
    ("credential_otp_secret", 200),
)


class CredentialsResource(Resource):
    def data_key(self, scope: Scope, decrypt: DecryptMaterial | None) -> bytes:
        """The company's data key, opened with the decrypt password the request brings."""
        if decrypt is None or not decrypt.decrypt_password:
            raise SecretMissing(MISSING_PASSWORD)
        try:
            return crypto.open_for_key(decrypt.sealed_data_key, scope.company_id, decrypt.decrypt_password)
        except crypto.WrongDecryptPassword as error:
            raise Refused(WRONG_PASSWORD) from error

    def delete(self, session: Session, scope: Scope, command: RecordWrite) -> int:
        # Nothing is decrypted, but a key without its decrypt password may not touch credentials at all.
        self.data_key(scope, command.decrypt)
        return super().delete(session, scope, command)

    def before_create(self, session: Session, scope: Scope, values: dict[str, Any], command: RecordWrite) -> None:
        data_key = self.data_key(scope, command.decrypt)
        for column in SEALED_COLUMNS:
            values[column] = crypto.encrypt_field(data_key, scope.company_id, column, values[column])

    def before_update(
        self, session: Session, scope: Scope, row: Any, values: dict[str, Any], command: RecordWrite
    ) -> None:
        data_key = self.data_key(scope, command.decrypt)
        for column in SEALED_COLUMNS:
            if column not in values:
                continue
            # A fresh seal differs every time; only a different plaintext is a change.
            if self.opened(data_key, scope.company_id, column, getattr(row, column)) == values[column]:
                del values[column]
            else:
                values[column] = crypto.encrypt_field(data_key, scope.company_id, column, values[column])
        if "credential_password" in values:
            values["credential_password_changed_at"] = utc_now()

    def finish_rows(self, session: Readable, scope: Scope, query: RecordQuery, rows: list[WireRow]) -> list[WireRow]:
        data_key = self.data_key(scope, query.decrypt)
        for row in rows:
            for column in SEALED_COLUMNS:
                row[column] = self.opened(data_key, scope.company_id, column, row[column])
        return rows

    @staticmethod
    def opened(data_key: bytes, company_id: int, column: str, sealed: str | None) -> str | None:
        """The plaintext of a stored value; None for NULL or a value this data key did not seal
        (which only a row written outside the API can hold)."""
        if sealed is None:
            return None
        try:
            return crypto.decrypt_field(data_key, company_id, column, sealed)
        except UnsealError:
            return None


credentials = CredentialsResource(
    name="credentials",
    model=models.Credential,
    pk="credential_id",
    client_column="credential_client_id",
    entity="credential",
    # Client 0 is a global credential: visible to every key, writable only by all-clients keys.
    client_required=False,
    fields=(
        Field("credential_name", "credential_name", required=True),
        Field("credential_description", "credential_description"),
        Field("credential_uri", "credential_uri"),
        Field("credential_uri_2", "credential_uri_2"),
        # Kept exactly as sent (kind "html": not trimmed): spaces can be part of a login.
        Field("credential_username", "credential_username", "html"),
        Field("credential_password", "credential_password", "html", required=True),
        Field("credential_otp_secret", "credential_otp_secret"),
        Field("credential_note", "credential_note"),
        Field("credential_favorite", "credential_favorite", "flag"),
        Field("credential_contact_id", "credential_contact_id", "int"),
        Field("credential_asset_id", "credential_asset_id", "int"),
    ),
    read_filters=(ReadFilter("credential_id", "credential_id", by_id=True),),
)
