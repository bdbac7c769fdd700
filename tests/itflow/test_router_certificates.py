"""certificates/*.php at the HTTP level: the shared contract, and expiry and issuer taken from a PEM."""

from __future__ import annotations

import datetime as dt

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from flowsuite.itflow import models
from tests.itflow.contract import UPDATED, Invalid, Module, ModuleContract, create, post, row_of
from tests.itflow.factories import Tenant

CERTIFICATES = Module(
    name="certificates",
    model=models.Certificate,
    pk="certificate_id",
    client_column="certificate_client_id",
    columns=(
        "certificate_id",
        "certificate_name",
        "certificate_description",
        "certificate_domain",
        "certificate_issued_by",
        "certificate_expire",
        "certificate_public_key",
        "certificate_notes",
        "certificate_favorite",
        "certificate_created_at",
        "certificate_updated_at",
        "certificate_archived_at",
        "certificate_accessed_at",
        "certificate_domain_id",
        "certificate_client_id",
    ),
    required={"certificate_name": "Portal", "certificate_domain": "portal.example.com"},
    create_defaults={
        "certificate_description": "",
        "certificate_issued_by": "",
        "certificate_expire": None,
        "certificate_public_key": "",
        "certificate_notes": "",
        "certificate_favorite": "0",
        "certificate_domain_id": "0",
    },
    every_field={
        "certificate_name": "Mail",
        "certificate_description": "Wildcard for mail",
        "certificate_domain": "*.mail.example.com",
        "certificate_issued_by": "Let's Encrypt",
        "certificate_expire": "2027-04-30",
        "certificate_public_key": "not a PEM, stored as sent",
        "certificate_notes": "<i>renew</i> in April",
        "certificate_domain_id": 9,
    },
    name_filter="certificate_name",
    update={"certificate_notes": "Renewed", "certificate_expire": "2027-03-01", "certificate_domain_id": "12"},
    updated={"certificate_notes": "Renewed", "certificate_expire": "2027-03-01", "certificate_domain_id": "12"},
    invalid=(
        Invalid("certificate_expire", "2027-13-01", "certificate_expire is not a valid date: 2027-13-01."),
        Invalid("certificate_expire", "soon", "certificate_expire must be a date as YYYY-MM-DD."),
        Invalid("certificate_domain_id", "x1", "certificate_domain_id must be a whole number."),
        Invalid("certificate_domain", "d" * 201, "certificate_domain is too long (at most 200 characters)."),
        Invalid("certificate_issued_by", "i" * 201, "certificate_issued_by is too long (at most 200 characters)."),
    ),
    date_field="certificate_expire",
)


class TestCertificatesContract(ModuleContract):
    module = CERTIFICATES


def pem_certificate(organisation: str | None, not_after: dt.datetime) -> str:
    """A self-signed PEM certificate whose issuer has `organisation` as O (none if None)."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, "portal.example.com")]
    if organisation is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    name = x509.Name(attributes)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(not_after)
        .sign(private_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def test_a_pem_public_key_fills_expiry_and_issuer(http: httpx.Client, tenant: Tenant) -> None:
    pem = pem_certificate("TestIssuer", dt.datetime(2031, 6, 30, 23, 59, 59, tzinfo=dt.UTC))
    record = create(http, tenant.api_key, CERTIFICATES, tenant.client(), certificate_public_key=pem)
    row = row_of(http, tenant.api_key, CERTIFICATES, record)
    assert (row["certificate_expire"], row["certificate_issued_by"]) == ("2031-06-30", "TestIssuer")
    assert row["certificate_public_key"] == pem.strip()


def test_given_expiry_or_issuer_is_kept(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    pem = pem_certificate("TestIssuer", dt.datetime(2031, 6, 30, tzinfo=dt.UTC))
    by_issuer = create(
        http, tenant.api_key, CERTIFICATES, client_id, certificate_public_key=pem, certificate_issued_by="Own CA"
    )
    row = row_of(http, tenant.api_key, CERTIFICATES, by_issuer)
    assert (row["certificate_expire"], row["certificate_issued_by"]) == (None, "Own CA")
    by_expiry = create(
        http, tenant.api_key, CERTIFICATES, client_id, certificate_public_key=pem, certificate_expire="2030-01-01"
    )
    row = row_of(http, tenant.api_key, CERTIFICATES, by_expiry)
    assert (row["certificate_expire"], row["certificate_issued_by"]) == ("2030-01-01", "")


def test_an_issuer_without_organisation_fills_only_the_expiry(http: httpx.Client, tenant: Tenant) -> None:
    pem = pem_certificate(None, dt.datetime(2029, 2, 28, 12, 0, tzinfo=dt.UTC))
    record = create(http, tenant.api_key, CERTIFICATES, tenant.client(), certificate_public_key=pem)
    row = row_of(http, tenant.api_key, CERTIFICATES, record)
    assert (row["certificate_expire"], row["certificate_issued_by"]) == ("2029-02-28", "")


def test_a_public_key_that_is_not_a_certificate_is_simply_stored(http: httpx.Client, tenant: Tenant) -> None:
    text = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----"
    record = create(http, tenant.api_key, CERTIFICATES, tenant.client(), certificate_public_key=text)
    row = row_of(http, tenant.api_key, CERTIFICATES, record)
    assert (row["certificate_public_key"], row["certificate_expire"], row["certificate_issued_by"]) == (text, None, "")


def test_an_update_with_a_pem_fills_expiry_and_issuer_when_unknown(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    record = create(http, tenant.api_key, CERTIFICATES, client_id)
    pem = pem_certificate("Renewed CA", dt.datetime(2032, 1, 15, tzinfo=dt.UTC))
    reply = post(
        http,
        "certificates",
        "update",
        tenant.api_key,
        client_id=client_id,
        certificate_id=record,
        certificate_public_key=pem,
    )
    assert reply.json() == UPDATED
    row = row_of(http, tenant.api_key, CERTIFICATES, record)
    assert (row["certificate_expire"], row["certificate_issued_by"]) == ("2032-01-15", "Renewed CA")
    # Once known, they are not overwritten by a later key.
    later = pem_certificate("Other CA", dt.datetime(2033, 1, 15, tzinfo=dt.UTC))
    reply = post(
        http,
        "certificates",
        "update",
        tenant.api_key,
        client_id=client_id,
        certificate_id=record,
        certificate_public_key=later,
    )
    assert reply.json() == UPDATED
    row = row_of(http, tenant.api_key, CERTIFICATES, record)
    assert (row["certificate_expire"], row["certificate_issued_by"]) == ("2032-01-15", "Renewed CA")
