"""certificates: a client's TLS certificates.

A PEM certificate sent as the public key fills in its own expiry date and issuer when neither is given,
as in the original.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID
from sqlalchemy.orm import Session

from flowsuite.itflow import models
from flowsuite.itflow.commands import RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.resources import Field, ReadFilter, Resource


def certificate_facts(public_key: str) -> tuple[dt.date, str] | None:
    """The notAfter date and the issuer's organisation (O, '' if none) of a PEM certificate.

    None when the text is not a parseable certificate: such a key is simply stored, as the original does.
    """
    try:
        certificate = x509.load_pem_x509_certificate(public_key.encode())
        # The issuer is decoded lazily, so a malformed one also surfaces here.
        organisations = certificate.issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    except ValueError:
        return None
    issuer = str(organisations[0].value) if organisations else ""
    return certificate.not_valid_after_utc.date(), issuer


class CertificatesResource(Resource):
    def before_create(self, session: Session, scope: Scope, values: dict[str, Any], command: RecordWrite) -> None:
        self.fill_from_public_key(values, values["certificate_expire"], values["certificate_issued_by"])

    def before_update(
        self, session: Session, scope: Scope, row: Any, values: dict[str, Any], command: RecordWrite
    ) -> None:
        if "certificate_public_key" in values:
            expire = values.get("certificate_expire", row.certificate_expire)
            issued_by = values.get("certificate_issued_by", row.certificate_issued_by)
            self.fill_from_public_key(values, expire, issued_by)

    def fill_from_public_key(self, values: dict[str, Any], expire: Any, issued_by: Any) -> None:
        """Takes expiry and issuer from the public key, only when neither is known."""
        public_key = values.get("certificate_public_key")
        if not public_key or expire or issued_by:
            return
        facts = certificate_facts(public_key)
        if facts is None:
            return
        limit = self.column_length("certificate_issued_by")
        values["certificate_expire"], values["certificate_issued_by"] = facts[0], facts[1][:limit]


certificates = CertificatesResource(
    name="certificates",
    model=models.Certificate,
    pk="certificate_id",
    client_column="certificate_client_id",
    entity="certificate",
    fields=(
        Field("certificate_name", "certificate_name", required=True),
        Field("certificate_description", "certificate_description"),
        Field("certificate_domain", "certificate_domain", required=True),
        Field("certificate_issued_by", "certificate_issued_by"),
        Field("certificate_expire", "certificate_expire", "date"),
        Field("certificate_public_key", "certificate_public_key"),
        Field("certificate_notes", "certificate_notes"),
        Field("certificate_domain_id", "certificate_domain_id", "int"),
    ),
    read_filters=(
        ReadFilter("certificate_id", "certificate_id", by_id=True),
        ReadFilter("certificate_name", "certificate_name"),
    ),
)
