"""domains/*.php at the HTTP level: the shared contract for a module without rules of its own."""

from __future__ import annotations

from flowsuite.itflow import models
from tests.itflow.contract import Invalid, Module, ModuleContract

DOMAINS = Module(
    name="domains",
    model=models.Domain,
    pk="domain_id",
    client_column="domain_client_id",
    columns=(
        "domain_id",
        "domain_name",
        "domain_description",
        "domain_expire",
        "domain_ip",
        "domain_name_servers",
        "domain_mail_servers",
        "domain_txt",
        "domain_raw_whois",
        "domain_notes",
        "domain_favorite",
        "domain_created_at",
        "domain_updated_at",
        "domain_archived_at",
        "domain_accessed_at",
        "domain_registrar",
        "domain_webhost",
        "domain_dnshost",
        "domain_mailhost",
        "domain_client_id",
    ),
    required={"domain_name": "example.com"},
    create_defaults={
        "domain_description": "",
        "domain_expire": None,
        "domain_ip": "",
        "domain_favorite": "0",
        "domain_registrar": "0",
        "domain_webhost": "0",
        "domain_dnshost": "0",
        "domain_mailhost": "0",
    },
    every_field={
        "domain_name": "example.org",
        "domain_description": "Main site",
        "domain_expire": "2027-08-01",
        "domain_ip": "203.0.113.10",
        "domain_name_servers": "ns1.example.net ns2.example.net",
        "domain_mail_servers": "10 mx.example.org",
        "domain_txt": "v=spf1 mx -all",
        "domain_raw_whois": "Domain Name: EXAMPLE.ORG\nRegistrar: Example",
        "domain_notes": "<p>Renew yearly</p>",
        "domain_favorite": True,
        "domain_registrar": 11,
        "domain_webhost": "12",
        "domain_dnshost": 13,
        "domain_mailhost": 14.0,
    },
    name_filter="domain_name",
    update={"domain_expire": "2026-12-31", "domain_registrar": 5, "domain_name_servers": "ns1.example.net"},
    updated={"domain_expire": "2026-12-31", "domain_registrar": "5", "domain_name_servers": "ns1.example.net"},
    invalid=(
        Invalid("domain_expire", "31-12-2026", "domain_expire must be a date as YYYY-MM-DD."),
        Invalid("domain_registrar", "registrar", "domain_registrar must be a whole number."),
        Invalid("domain_dnshost", 1.5, "domain_dnshost must be a whole number."),
        Invalid("domain_ip", "1" * 256, "domain_ip is too long (at most 255 characters)."),
        Invalid("domain_name", "n" * 201, "domain_name is too long (at most 200 characters)."),
    ),
    date_field="domain_expire",
)


class TestDomainsContract(ModuleContract):
    module = DOMAINS
